namespace ClinicalAspire.Evaluator;

public sealed class EvaluatorOptions
{
    public const string SectionName = "Evaluator";

    /// <summary>Records sent to the Extractor at once in a run (a run may ask for another value).</summary>
    public int DefaultConcurrency { get; set; } = 8;

    /// <summary>Upper bound on a run's concurrency (a vLLM server wants dozens of records in flight).</summary>
    public int MaxConcurrency { get; set; } = 256;

    /// <summary>
    /// How long a record keeps being retried while the Extractor or a model server is unavailable before it is
    /// stored as failed.
    /// </summary>
    public TimeSpan RecordRetryBudget { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Runs executed at the same time; more wait in the queue.</summary>
    public int MaxParallelRuns { get; set; } = 2;

    /// <summary>Bootstrap resamples for confidence intervals when a request says 0.</summary>
    public int DefaultBootstrapResamples { get; set; } = 1000;

    /// <summary>Seed of every bootstrap: the same data gives the same intervals.</summary>
    public ulong BootstrapSeed { get; set; } = 42;

    /// <summary>How often a watched run pushes an update while records arrive.</summary>
    public TimeSpan UpdateInterval { get; set; } = TimeSpan.FromMilliseconds(150);

    /// <summary>
    /// How long a run's lease outlives its holder (renewed every third of it while the run goes on): a crashed
    /// replica's runs are taken over after about this long.
    /// </summary>
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(12);

    /// <summary>How often a replica looks for unfinished runs without a live lease, and for cancels of its own runs.</summary>
    public TimeSpan TakeoverInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often a running run's progress is written to the store, for GetRun and WatchRun on other replicas.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Import data/demo on first start, and run it once on an empty store.</summary>
    public bool DemoAutorun { get; set; } = true;

    /// <summary>Largest dataset upload, in bytes.</summary>
    public int MaxUploadBytes { get; set; } = Domain.Text.InputLimits.DefaultMaxUploadBytes;

    /// <summary>The largest gRPC request: an upload at <see cref="MaxUploadBytes"/> and the other fields (gRPC and Kestrel limits).</summary>
    public static int MaxRequestBytes(IConfiguration configuration) =>
        Domain.Text.InputLimits.RequestBytesForUpload(configuration.GetValue($"{SectionName}:{nameof(MaxUploadBytes)}", Domain.Text.InputLimits.DefaultMaxUploadBytes));
}
