using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Evaluator.Runs;
using ClinicalAspire.Evaluator.Storage;
using ClinicalAspire.ServiceDefaults.Caching;
using Grpc.Core;

namespace ClinicalAspire.Evaluator.Datasets;

/// <summary>
/// Erases a dataset: its records, every per-record prediction of its runs (the runs keep their summary and
/// metrics, marked <c>dataset_erased</c>), and the cached translations and extractions of its notes, found by
/// the notes' text tags. Safely resumable: step 1 is one transaction that hides the dataset and writes a
/// journal entry; the cache sweep and step 2 are idempotent, and a start finishes any journal left by a crash.
/// </summary>
public sealed partial class DatasetEraser(EvaluatorStore store, ResultCache cache, RunCoordinator runs, StoreSchema schema, ILogger<DatasetEraser> logger) : BackgroundService
{
    // One erasure at a time: each sweeps the whole cache keyspace once.
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Null when the dataset does not exist (and no erasure of it is pending).</summary>
    public async Task<DeleteDatasetResponse?> EraseAsync(string datasetId)
    {
        if (runs.ActiveRuns.Any(r => r.Info.DatasetId == datasetId))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                "the dataset has a run in progress; cancel it first"));
        }
        await _gate.WaitAsync();
        try
        {
            var begun = await store.BeginErasureAsync(datasetId);
            if (begun is not { } started)
            {
                return null;
            }
            // From here the erasure finishes even if the caller goes away (no cancellation token).
            var entries = await FinishAsync(datasetId, started.ContentHash, CancellationToken.None);
            LogErased(logger, datasetId, started.Runs, entries);
            return new DeleteDatasetResponse { Deleted = true, RunsErased = started.Runs, CacheEntriesErased = entries };
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<int> FinishAsync(string datasetId, string contentHash, CancellationToken cancellationToken)
    {
        // Tags (hashes) of the notes, not the notes: 100,000 notes are a few megabytes of tags.
        var tags = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var page in store.ReadErasingRecordPagesAsync(datasetId, contentHash).WithCancellation(cancellationToken))
        {
            foreach (var record in page)
            {
                tags.Add(ResultCache.TextTag(PersianNormalizer.NormalizeString(record.Text)));
            }
        }
        var entries = await cache.EraseTextEntriesAsync(tags, cancellationToken);
        await store.CompleteErasureAsync(datasetId, contentHash);
        return entries;
    }

    /// <summary>Finishes erasures a crash interrupted (Redis may not be up yet: retried until it answers).</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.WaitUntilCheckedAsync(stoppingToken);
        var pending = await StoreRetry.RunAsync(store.PendingErasuresAsync, ex => LogRetry(logger, ex.GetType().Name), stoppingToken);
        foreach (var (datasetId, contentHash) in pending)
        {
            await _gate.WaitAsync(stoppingToken);
            try
            {
                // Step 1 again: a run that reached the store between the crash and now loses its records too.
                await StoreRetry.RunAsync(() => store.BeginErasureAsync(datasetId), ex => LogRetry(logger, ex.GetType().Name), stoppingToken);
                var entries = await StoreRetry.RunAsync(() => FinishAsync(datasetId, contentHash, stoppingToken),
                    ex => LogRetry(logger, ex.GetType().Name), stoppingToken);
                LogResumed(logger, datasetId, entries);
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dataset {DatasetId} erased: {Runs} runs lost their records, {Entries} cache entries removed")]
    private static partial void LogErased(ILogger logger, string datasetId, int runs, int entries);

    [LoggerMessage(Level = LogLevel.Information, Message = "Interrupted erasure of dataset {DatasetId} finished: {Entries} cache entries removed")]
    private static partial void LogResumed(ILogger logger, string datasetId, int entries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable ({ExceptionType}); retrying the erasure")]
    private static partial void LogRetry(ILogger logger, string exceptionType);
}
