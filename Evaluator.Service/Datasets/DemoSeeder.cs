using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Evaluator.Runs;
using ClinicalAspire.Evaluator.Storage;
using Google.Protobuf;
using Microsoft.Extensions.Options;

namespace ClinicalAspire.Evaluator.Datasets;

/// <summary>
/// On start: imports the bundled demo dataset when the store lacks it, and on the first start of an empty
/// store runs it once with the default engines (Evaluator:DemoAutorun=false turns the run off), so a new
/// user who opens the dashboard sees a run fill in.
/// </summary>
public sealed partial class DemoSeeder(
    EvaluatorStore store,
    StoreSchema schema,
    DatasetImporter importer,
    RunCoordinator coordinator,
    IOptions<EvaluatorOptions> options,
    ILogger<DemoSeeder> logger) : BackgroundService
{
    public const string DemoDatasetId = "demo";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Redis may be starting or slow: wait for it rather than stop the Evaluator.
            await schema.WaitUntilCheckedAsync(stoppingToken);
            await StoreRetry.RunAsync(SeedAsync, ex => LogSeedRetry(logger, ex.GetType().Name), stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The demo is a convenience: without it the Evaluator still serves everything else.
            LogSeedFailed(logger, ex);
        }
    }

    private async Task SeedAsync()
    {
        var firstStart = await store.IsEmptyAsync();
        if (await store.GetDatasetAsync(DemoDatasetId) is null)
        {
            using var stream = typeof(DemoSeeder).Assembly.GetManifestResourceStream("ClinicalAspire.Evaluator.demo.jsonl")
                ?? throw new InvalidOperationException("the demo dataset is not embedded");
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            await importer.ImportAsync(new ImportDatasetRequest
            {
                DatasetId = DemoDatasetId,
                Name = "Demo (synthetic)",
                Description = "Synthetic bilingual palliative-care call notes written for ClinicalAspire (data/demo).",
                Format = "jsonl",
                Content = ByteString.CopyFrom(buffer.ToArray()),
            });
            LogImported(logger);
        }
        if (options.Value.DemoAutorun && firstStart && await store.TryMarkDemoSeededAsync())
        {
            var run = await coordinator.StartAsync(new StartRunRequest { DatasetId = DemoDatasetId, Strategy = "direct", Label = "demo (first start)" });
            LogAutorun(logger, run.RunId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seeding the demo waits for Redis ({ExceptionType})")]
    private static partial void LogSeedRetry(ILogger logger, string exceptionType);

    // The demo is the project's own synthetic data, so the exception may be logged whole.
    [LoggerMessage(Level = LogLevel.Error, Message = "Seeding the demo failed; the Evaluator runs without it")]
    private static partial void LogSeedFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Imported the demo dataset")]
    private static partial void LogImported(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "First start of an empty store: demo run {RunId} started")]
    private static partial void LogAutorun(ILogger logger, string runId);
}
