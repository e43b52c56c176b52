namespace ClinicalAspire.Cli;

/// <summary>The CLI's exit codes, a contract for scripts.</summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>The command line could not be parsed or used (System.CommandLine's parse errors, a missing local file).</summary>
    public const int Usage = 1;

    /// <summary>The Evaluator answered with an error (INVALID_ARGUMENT, NOT_FOUND, ...) or the data was rejected.</summary>
    public const int ServerError = 2;

    /// <summary>The Evaluator could not be reached (UNAVAILABLE, connection refused, deadline exceeded).</summary>
    public const int Unavailable = 3;

    /// <summary>A run that was waited for ended cancelled or failed.</summary>
    public const int RunNotCompleted = 4;

    /// <summary>The Evaluator refused the caller: no or an unknown key/token (UNAUTHENTICATED), or too small a role (PERMISSION_DENIED).</summary>
    public const int AccessDenied = 5;

    /// <summary>The user pressed Ctrl+C.</summary>
    public const int Interrupted = 130;
}
