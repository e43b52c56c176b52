using ClinicalAspire.Contracts.Evaluator.V1;
using Google.Protobuf;
using Spectre.Console;

namespace ClinicalAspire.Cli;

/// <summary>What one command invocation works with: the Evaluator client, the output writers and the output mode.</summary>
internal sealed class CliContext
{
    private static readonly JsonFormatter Formatter = new(
        JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithIndentation("  "));

    private readonly Func<TextWriter, IAnsiConsole> _consoleFactory;
    private IAnsiConsole? _console;
    private IAnsiConsole? _errorConsole;

    public CliContext(Evaluator.EvaluatorClient client, string evaluatorUrl, TextWriter stdout, TextWriter stderr, bool json, Func<TextWriter, IAnsiConsole> consoleFactory)
    {
        _consoleFactory = consoleFactory;
        Client = client;
        EvaluatorUrl = evaluatorUrl;
        Out = stdout;
        Error = stderr;
        Json = json;
    }

    public Evaluator.EvaluatorClient Client { get; }

    /// <summary>API key management on the same connection and credentials.</summary>
    public ApiKeys.ApiKeysClient Keys { get; init; } = null!;

    public string EvaluatorUrl { get; }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>Machine-readable JSON on stdout instead of tables; no progress bar.</summary>
    public bool Json { get; }

    /// <summary>Spectre console over stdout: tables, no ANSI when redirected.</summary>
    public IAnsiConsole Console => _console ??= _consoleFactory(Out);

    /// <summary>Spectre console over stderr: progress bars and warnings.</summary>
    public IAnsiConsole ErrorConsole => _errorConsole ??= _consoleFactory(Error);

    public void WriteJson(IMessage message) => Out.WriteLine(Formatter.Format(message));

    public static string FormatJson(IMessage message) => Formatter.Format(message);
}

internal static class ConsoleFactory
{
    /// <summary>A Spectre console writing to <paramref name="writer"/>: ANSI and interaction only on a real terminal.</summary>
    public static IAnsiConsole Create(TextWriter writer)
    {
        var terminal = IsTerminal(writer);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            // Redirected output: wide enough that tables are never wrapped for a log file or a pipe.
            console.Profile.Width = 160;
        }

        return console;
    }

    private static bool IsTerminal(TextWriter writer)
    {
        if (ReferenceEquals(writer, System.Console.Out))
        {
            return !System.Console.IsOutputRedirected;
        }

        if (ReferenceEquals(writer, System.Console.Error))
        {
            return !System.Console.IsErrorRedirected;
        }

        return false;
    }
}
