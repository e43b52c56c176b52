using System.CommandLine;
using ClinicalAspire.Cli.Commands;
using ClinicalAspire.Contracts.Evaluator.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace ClinicalAspire.Cli;

/// <summary>
/// The clinical command-line client: parses the command line, talks gRPC to the Evaluator and writes
/// tables (or JSON) to the given writers. Everything a test needs is injectable: the writers and how
/// a <see cref="CallInvoker"/> is made for the Evaluator's address.
/// </summary>
public sealed class EvaluatorCli
{
    public const string DefaultEvaluatorUrl = "http://localhost:5090";
    public const string EvaluatorUrlVariable = "CLINICAL_EVALUATOR_URL";
    public const string TokenVariable = "CLINICAL_TOKEN";
    public const string ApiKeyVariable = "CLINICAL_API_KEY";
    public const string StackHint = "is the stack running? dotnet run --project AppHost";

    private readonly Func<string, CallInvoker>? _invokerFactory;
    private readonly Func<string, string?> _environment;

    /// <summary>The real CLI: a <see cref="GrpcChannel"/> to the Evaluator's address, the process environment.</summary>
    public EvaluatorCli()
        : this(invokerFactory: null, environment: null)
    {
    }

    /// <param name="invokerFactory">Makes the call invoker for an Evaluator address; null opens a <see cref="GrpcChannel"/>.</param>
    /// <param name="environment">Reads an environment variable; null reads the process environment.</param>
    public EvaluatorCli(Func<string, CallInvoker>? invokerFactory, Func<string, string?>? environment = null)
    {
        _invokerFactory = invokerFactory;
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>Every command talks to this invoker, whatever the address.</summary>
    public EvaluatorCli(CallInvoker invoker)
        : this(_ => invoker)
    {
    }

    /// <summary>Makes the Spectre console over a writer; tests set it to force an interactive terminal.</summary>
    internal Func<TextWriter, Spectre.Console.IAnsiConsole> ConsoleFactory { get; set; } = Cli.ConsoleFactory.Create;

    /// <summary>Runs one command line; returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    public async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        using var session = new Session(this, stdout, stderr);
        var root = BuildRootCommand(session);
        var parseResult = root.Parse(args);
        var configuration = new InvocationConfiguration { Output = stdout, Error = stderr };
        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Should not happen: every action handles its own errors. Never a stack trace on stderr.
            await stderr.WriteLineAsync($"error: unexpected {ex.GetType().Name}: {ex.Message}");
            return ExitCodes.ServerError;
        }
    }

    /// <summary>The command tree; the names are a contract for scripts.</summary>
    internal RootCommand BuildRootCommand(Session session)
    {
        var root = new RootCommand(
            "clinical: import labelled datasets, run and compare evaluations, score predictions, " +
            "against the ClinicalAspire Evaluator over gRPC.");
        root.Add(session.Globals.Evaluator);
        root.Add(session.Globals.Json);
        root.Add(session.Globals.Token);
        root.Add(session.Globals.ApiKey);
        root.Add(DatasetCommands.Build(session));
        root.Add(RunCommands.Build(session));
        root.Add(ScoreCommand.Build(session));
        root.Add(StatusCommand.Build(session));
        root.Add(KeyCommands.Build(session));
        return root;
    }

    /// <summary>One invocation: the global options, the channel (opened on first use) and the writers.</summary>
    internal sealed class Session(EvaluatorCli cli, TextWriter stdout, TextWriter stderr) : IDisposable
    {
        private GrpcChannel? _channel;

        public GlobalOptions Globals { get; } = new();

        public TextWriter Out { get; } = stdout;

        public TextWriter Error { get; } = stderr;

        /// <summary>
        /// Sets the action of <paramref name="command"/>: resolves the Evaluator, runs <paramref name="handler"/> and
        /// turns every failure into a message on stderr and an exit code.
        /// </summary>
        public void SetAction(Command command, Option<string>? outputFormat, Func<CliContext, ParseResult, CancellationToken, Task<int>> handler)
        {
            command.SetAction(async (parseResult, cancellationToken) =>
            {
                string url = "";
                try
                {
                    url = ResolveUrl(parseResult);
                    var json = parseResult.GetValue(Globals.Json)
                        || (outputFormat is not null && string.Equals(parseResult.GetValue(outputFormat), "json", StringComparison.OrdinalIgnoreCase));
                    var invoker = WithCredentials(CreateInvoker(url), parseResult);
                    var context = new CliContext(new Evaluator.EvaluatorClient(invoker), url, Out, Error, json, cli.ConsoleFactory)
                    {
                        Keys = new ApiKeys.ApiKeysClient(invoker),
                    };
                    return await handler(context, parseResult, cancellationToken);
                }
                catch (CliException ex)
                {
                    await Error.WriteLineAsync($"error: {ex.Message}");
                    return ex.ExitCode;
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
                {
                    await Error.WriteLineAsync("interrupted");
                    return ExitCodes.Interrupted;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    await Error.WriteLineAsync("interrupted");
                    return ExitCodes.Interrupted;
                }
                catch (RpcException ex)
                {
                    return await ReportRpcErrorAsync(ex, url);
                }
                catch (IOException ex)
                {
                    await Error.WriteLineAsync($"error: {ex.Message}");
                    return ExitCodes.Usage;
                }
                catch (UnauthorizedAccessException ex)
                {
                    await Error.WriteLineAsync($"error: {ex.Message}");
                    return ExitCodes.Usage;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // A bug or an answer the CLI cannot show: one line, never a stack trace.
                    await Error.WriteLineAsync($"error: unexpected {ex.GetType().Name}: {ex.Message}");
                    return ExitCodes.ServerError;
                }
            });
        }

        public void Dispose() => _channel?.Dispose();

        private async Task<int> ReportRpcErrorAsync(RpcException ex, string url)
        {
            var detail = ex.Status.Detail;
            if (ex.Status.DebugException is { } inner && !detail.Contains(inner.Message, StringComparison.Ordinal))
            {
                detail = $"{detail} ({inner.Message})";
            }

            await Error.WriteLineAsync($"error: {ex.StatusCode}: {detail}");
            if (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                await Error.WriteLineAsync($"hint: the Evaluator at {url} did not answer; {StackHint}");
                return ExitCodes.Unavailable;
            }
            if (ex.StatusCode == StatusCode.Unauthenticated)
            {
                await Error.WriteLineAsync(
                    $"hint: pass --api-key (or ${ApiKeyVariable}) or --token (or ${TokenVariable}); an admin creates keys with 'clinical keys create NAME --role ROLE'");
                return ExitCodes.AccessDenied;
            }
            if (ex.StatusCode == StatusCode.PermissionDenied)
            {
                await Error.WriteLineAsync("hint: your key or token has too small a role for this; ask an admin for one with the role named above");
                return ExitCodes.AccessDenied;
            }
            if (ex.StatusCode == StatusCode.ResourceExhausted && ex.Trailers.GetValue("retry-after") is { } seconds)
            {
                await Error.WriteLineAsync($"hint: your quota is used up; retry in {seconds} s");
            }

            return ExitCodes.ServerError;
        }

        /// <summary>
        /// Sends the bearer token or API key on every call. Metadata rather than call credentials: the CLI often talks
        /// h2c to a port-forward on localhost, where gRPC would refuse call credentials.
        /// </summary>
        private CallInvoker WithCredentials(CallInvoker invoker, ParseResult parseResult)
        {
            var token = Value(parseResult.GetValue(Globals.Token), TokenVariable);
            var key = Value(parseResult.GetValue(Globals.ApiKey), ApiKeyVariable);
            if (token is not null && key is not null)
            {
                throw new CliException($"give a token or an API key, not both (--token/${TokenVariable}, --api-key/${ApiKeyVariable})");
            }
            var (name, value) = token is not null ? ("authorization", $"Bearer {token}") : key is not null ? ("x-api-key", key) : (null, null);
            return name is null ? invoker : invoker.Intercept(metadata =>
            {
                metadata.Add(name, value!);
                return metadata;
            });
        }

        private string? Value(string? option, string variable) =>
            (string.IsNullOrWhiteSpace(option) ? cli._environment(variable) : option) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        private string ResolveUrl(ParseResult parseResult)
        {
            var url = parseResult.GetValue(Globals.Evaluator);
            if (string.IsNullOrWhiteSpace(url))
            {
                url = cli._environment(EvaluatorUrlVariable);
            }

            if (string.IsNullOrWhiteSpace(url))
            {
                url = DefaultEvaluatorUrl;
            }

            url = url.Trim();
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new CliException($"the Evaluator address '{url}' is not an http:// or https:// URL");
            }

            return url;
        }

        private CallInvoker CreateInvoker(string url)
        {
            if (cli._invokerFactory is { } factory)
            {
                return factory(url);
            }

            _channel ??= GrpcChannel.ForAddress(url, new GrpcChannelOptions
            {
                // Exports and imports of real datasets are larger than gRPC's 4 MB default.
                MaxReceiveMessageSize = 256 * 1024 * 1024,
                MaxSendMessageSize = 256 * 1024 * 1024,
            });
            return _channel.CreateCallInvoker();
        }
    }
}

/// <summary>Options every command accepts, before or after the command name.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Evaluator { get; } = new("--evaluator")
    {
        Description = $"The Evaluator's gRPC address [default: ${EvaluatorCli.EvaluatorUrlVariable} or {EvaluatorCli.DefaultEvaluatorUrl}]",
        HelpName = "url",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Machine-readable JSON on stdout (the same as --format json where a command has it)",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = $"Bearer token from the organisation's sign-in [default: ${EvaluatorCli.TokenVariable}]",
        HelpName = "jwt",
        Recursive = true,
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = $"API key made with 'clinical keys create' [default: ${EvaluatorCli.ApiKeyVariable}]",
        HelpName = "key",
        Recursive = true,
    };

    /// <summary>The output format option of a command that prints results.</summary>
    public static Option<string> OutputFormat()
    {
        var option = new Option<string>("--format")
        {
            Description = "Output: text tables or machine-readable JSON",
            HelpName = "text|json",
            DefaultValueFactory = _ => "text",
        };
        option.AcceptOnlyFromAmong("text", "json");
        return option;
    }
}
