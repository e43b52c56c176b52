using ClinicalAspire.Evaluator.Storage;
using Microsoft.Extensions.Options;

namespace ClinicalAspire.Evaluator.Runs;

/// <summary>
/// Every <see cref="EvaluatorOptions.TakeoverInterval"/>: stops the runs of this replica that were cancelled in the
/// store (a missed cancel notice), and queues unfinished runs whose lease nobody holds (a crashed replica's, or
/// runs waiting on a busy one) while this replica has free run slots.
/// </summary>
public sealed partial class RunTakeover(
    EvaluatorStore store,
    RunCoordinator coordinator,
    RunLeases leases,
    IOptions<EvaluatorOptions> options,
    ILogger<RunTakeover> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.TakeoverInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ScanAsync(stoppingToken);
            }
            catch (Exception ex) when (StoreRetry.IsTransient(ex))
            {
                // Redis restarting: the next tick tries again.
                LogScanFailed(logger, ex.GetType().Name);
            }
        }
    }

    private async Task ScanAsync(CancellationToken cancellationToken)
    {
        foreach (var live in coordinator.ActiveRuns)
        {
            var stored = await store.GetRunAsync(live.RunId);
            if (stored is null || EvaluatorStore.IsSettled(stored.State))
            {
                coordinator.CancelLocally(live.RunId);
            }
        }

        var free = coordinator.FreeSlots;
        if (free <= 0)
        {
            return;
        }
        var unfinished = (await store.UnfinishedRunIdsAsync()).ToArray();
        // Idle replicas scanning at once start from different runs.
        Random.Shared.Shuffle(unfinished);
        foreach (var runId in unfinished)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (free == 0)
            {
                break;
            }
            if (coordinator.IsClaimed(runId) || await leases.IsHeldAsync(runId))
            {
                continue;
            }
            if (coordinator.TryEnqueue(runId))
            {
                LogTakingOver(logger, runId);
                free--;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} has no live lease: queued here")]
    private static partial void LogTakingOver(ILogger logger, string runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Takeover scan: Redis unavailable ({ExceptionType})")]
    private static partial void LogScanFailed(ILogger logger, string exceptionType);
}
