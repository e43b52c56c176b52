namespace ClinicalAspire.Cli;

/// <summary>An error the CLI reports itself: a message on stderr and an exit code, no stack trace.</summary>
public sealed class CliException(string message, int exitCode = ExitCodes.Usage) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
