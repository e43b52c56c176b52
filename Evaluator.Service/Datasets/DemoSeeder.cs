using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Evaluator.Runs;
using ClinicalAspire.Evaluator.Storage;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClinicalAspire.Evaluator.Datasets;

/// <summary>
/// On start: imports the bundled demo dataset when the store lacks it, and on the first start of an empty
/// store runs it once with the default engines (Evaluator:DemoAutorun=false turns the run off), so a new
/// user who opens the dashboard sees a run fill in.
/// </summary>
public sealed partial class DemoSeeder(
    EvaluatorStore store,
    DatasetImporter importer,
    RunCoordinator coordinator,
    IOptions<EvaluatorOptions> options,
    ILogger<DemoSeeder> logger) : BackgroundService
{
    public const string DemoDatasetId = "demo";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SeedAsync();
                return;
            }
            catch (RedisException)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Imported the demo dataset")]
    private static partial void LogImported(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "First start of an empty store: demo run {RunId} started")]
    private static partial void LogAutorun(ILogger logger, string runId);
}
