using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Contracts.Extractor.V1;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Evaluator.Storage;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RequestErrors = Microsoft.Extensions.Hosting.RequestErrors;
using StackExchange.Redis;
using ExtractorClient = ClinicalAspire.Contracts.Extractor.V1.Extractor.ExtractorClient;

namespace ClinicalAspire.Evaluator.Runs;

/// <summary>
/// Starts, executes, resumes and cancels runs. A run streams its dataset through the Extractor with
/// bounded concurrency and stores every prediction the moment it arrives; after a restart of this
/// service, runs that were pending or running resume with the records that have no prediction yet.
/// Transient failures (Extractor or Redis restarting) are retried, so no record is lost; a record the
/// Extractor rejects is stored with its error and scored as missing. Several replicas share the runs: a replica
/// works on a run only while it holds the run's lease (<see cref="RunLeases"/>); <see cref="RunTakeover"/> hands
/// it runs nobody holds.
/// </summary>
public sealed partial class RunCoordinator(
    EvaluatorStore store,
    ExtractorClient extractor,
    RunScoring scoring,
    RunBroadcaster broadcaster,
    ProfileDirectory profiles,
    RunLeases leases,
    StoreSchema schema,
    IOptions<EvaluatorOptions> options,
    ILogger<RunCoordinator> logger) : BackgroundService
{
    public const string DefaultProfile = "default";
    public const string BothStrategies = "both";

    private readonly ConcurrentDictionary<string, LiveRun> _active = new();
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    // Runs queued or running here (one entry each), and the tasks that work on them (awaited at shutdown).
    private readonly ConcurrentDictionary<string, byte> _claimed = new();
    private readonly ConcurrentDictionary<string, Task> _executions = new();

    public IReadOnlyCollection<LiveRun> ActiveRuns => (IReadOnlyCollection<LiveRun>)_active.Values;

    public bool TryGetActive(string runId, out LiveRun live) => _active.TryGetValue(runId, out live!);

    /// <summary>Run slots of this replica not taken by a queued or running run.</summary>
    public int FreeSlots => Math.Max(1, options.Value.MaxParallelRuns) - _claimed.Count;

    public bool IsClaimed(string runId) => _claimed.ContainsKey(runId);

    /// <summary>Queues a run here unless it already is; it runs only if this replica gets its lease.</summary>
    public bool TryEnqueue(string runId) => _claimed.TryAdd(runId, 0) && _queue.Writer.TryWrite(runId);

    /// <summary>Stops a run running here because it was cancelled elsewhere (another replica stored the cancel).</summary>
    public void CancelLocally(string runId)
    {
        if (_active.TryGetValue(runId, out var live) && !live.Cancellation.IsCancellationRequested)
        {
            live.Update(info => info.State = RunState.Cancelled);
            live.Cancellation.Cancel();
        }
    }

    public async Task<RunInfo> StartAsync(StartRunRequest request, CancellationToken cancellationToken = default) =>
        (await StartRunsAsync(request, [request.EngineProfile], matrixId: "", cancellationToken))[0];

    /// <summary>One run per profile x strategy, all on one dataset and tagged with one matrix id; validated before any is stored.</summary>
    public async Task<MatrixInfo> StartMatrixAsync(StartMatrixRequest request, CancellationToken cancellationToken = default)
    {
        if (request.EngineProfiles.Count == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "engine_profiles is empty; name at least one profile"));
        }
        if (request.EngineProfiles.Count > InputLimits.MaxMatrixProfiles || request.EngineProfiles.Distinct().Count() != request.EngineProfiles.Count)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"engine_profiles must name at most {InputLimits.MaxMatrixProfiles} distinct profiles"));
        }
        RequestErrors.ThrowIfInvalid(request.EngineProfiles.Select((name, i) => InputLimits.Profile(name, $"engine_profiles[{i}]")).FirstOrDefault(p => p is not null));
        var matrixId = $"matrix-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
        var runs = await StartRunsAsync(new StartRunRequest
        {
            DatasetId = request.DatasetId,
            Strategy = request.Strategy,
            Concurrency = request.Concurrency,
            ExcludeMissing = request.ExcludeMissing,
            Label = request.Label,
            BootstrapResamples = request.BootstrapResamples,
            Tags = { request.Tags },
        }, request.EngineProfiles, matrixId, cancellationToken);
        var matrix = new MatrixInfo { MatrixId = matrixId, DatasetId = request.DatasetId, Label = request.Label };
        matrix.Runs.AddRange(runs);
        return matrix;
    }

    private async Task<IReadOnlyList<RunInfo>> StartRunsAsync(
        StartRunRequest request, IReadOnlyList<string> profileNames, string matrixId, CancellationToken cancellationToken)
    {
        var strategy = string.IsNullOrEmpty(request.Strategy) ? Strategies.Direct : request.Strategy;
        RequestErrors.ThrowIfInvalid(InputLimits.DatasetId(request.DatasetId)
            ?? InputLimits.Label(request.Label, "label")
            ?? InputLimits.TagList(request.Tags, "tags")
            ?? (matrixId.Length == 0 ? InputLimits.Profile(request.EngineProfile, "engine_profile") : null));
        if (!Strategies.IsSupported(strategy) && strategy != BothStrategies)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "strategy must be 'direct', 'translate-first' or 'both'"));
        }
        if (request.Concurrency < 0 || request.Concurrency > options.Value.MaxConcurrency)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"concurrency must be between 1 and {options.Value.MaxConcurrency} (0 for the default)"));
        }
        RequestErrors.ThrowIfInvalid(InputLimits.Range(request.BootstrapResamples, "bootstrap_resamples", 0, InputLimits.MaxBootstrapResamples));
        var dataset = await store.GetDatasetAsync(request.DatasetId)
            ?? throw new RpcException(new Status(StatusCode.NotFound, Services.EvaluatorGrpcService.NoSuchDataset));

        // Every profile must exist and be ready before anything is stored: no half-started matrix.
        var ready = new List<Contracts.Common.V1.ProfileStatus>();
        foreach (var (name, index) in profileNames.Select((n, i) => (n, i)))
        {
            ready.Add(await profiles.RequireReadyAsync(name, matrixId.Length == 0 ? "engine_profile" : $"engine_profiles[{index}]", cancellationToken));
        }

        var strategies = strategy == BothStrategies ? [Strategies.Direct, Strategies.TranslateFirst] : new[] { strategy };
        var runs = new List<RunInfo>();
        foreach (var profile in ready)
        {
            var pair = strategies.Select(s => NewRun(request, dataset, s, profile, matrixId)).ToArray();
            if (pair.Length == 2)
            {
                pair[0].PairedRunId = pair[1].RunId;
                pair[1].PairedRunId = pair[0].RunId;
            }
            runs.AddRange(pair);
        }
        foreach (var run in runs)
        {
            await store.SaveRunAsync(run);
            LogStarted(logger, run.RunId, run.DatasetId, run.Strategy, run.EngineProfile, run.Total);
            TryEnqueue(run.RunId);
        }
        return runs;
    }

    private RunInfo NewRun(StartRunRequest request, DatasetInfo dataset, string strategy, Contracts.Common.V1.ProfileStatus profile, string matrixId) => new()
    {
        RunId = $"run-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}",
        DatasetId = dataset.DatasetId,
        Strategy = strategy,
        EngineProfile = profile.Name,
        MatrixId = matrixId,
        State = RunState.Pending,
        Total = dataset.RecordCount,
        CreatedAt = Timestamp.FromDateTime(DateTime.UtcNow),
        Label = request.Label,
        // The request's, else the profile's (a served model batches: it wants many records in flight), else the default.
        Concurrency = Math.Min(options.Value.MaxConcurrency,
            request.Concurrency > 0 ? request.Concurrency : profile.Concurrency > 0 ? profile.Concurrency : options.Value.DefaultConcurrency),
        ExcludeMissing = request.ExcludeMissing,
        BootstrapResamples = request.BootstrapResamples == 0 ? options.Value.DefaultBootstrapResamples : request.BootstrapResamples,
        Tags = { InputLimits.Tags(request.Tags) },
    };

    /// <summary>
    /// Adds and removes a run's tags in the store (any state; a tag both added and removed is added), and in the run's
    /// live state when it runs here. A run running on another replica picks them up at its next progress write.
    /// </summary>
    public async Task<RunInfo> UpdateTagsAsync(UpdateRunTagsRequest request)
    {
        RequestErrors.ThrowIfInvalid(InputLimits.Id(request.RunId, "run_id")
            ?? InputLimits.TagList(request.Add, "add")
            ?? InputLimits.TagList(request.Remove, "remove"));
        var add = InputLimits.Tags(request.Add);
        var remove = InputLimits.Tags(request.Remove).Except(add, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        var stored = await store.UpdateTagsAsync(request.RunId, tags =>
        {
            var next = tags.Where(tag => !remove.Contains(tag)).Concat(add).Distinct(StringComparer.Ordinal).ToArray();
            return next.Length <= InputLimits.MaxTags ? next
                : throw new RpcException(new Status(StatusCode.FailedPrecondition,
                    $"a run carries at most {InputLimits.MaxTags} tags; this would make {next.Length}: remove some first"));
        }) ?? throw new RpcException(new Status(StatusCode.NotFound, "run_id: no such run"));
        if (_active.TryGetValue(request.RunId, out var live))
        {
            live.Update(info => EvaluatorStore.WithTagsOf(info, stored));
            stored = live.Progress();
        }
        broadcaster.Publish(request.RunId);
        return stored;
    }

    /// <summary>
    /// Removes a finished run with its records and metrics. A pending or running run is refused: cancel it first
    /// (deleting under a live run would let its next prediction or its final save bring the run back).
    /// </summary>
    public async Task<bool> DeleteAsync(string runId)
    {
        if (_active.TryGetValue(runId, out var finishing) && finishing.Info.State == RunState.Cancelled)
        {
            // Cancelled and storing its final metrics: a delete right after a cancel waits for that, briefly.
            await finishing.Finished.Task.WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        var run = await store.GetRunAsync(runId)
            ?? throw new RpcException(new Status(StatusCode.NotFound, "run_id: no such run"));
        if (run.State == RunState.Cancelled && !_active.ContainsKey(runId))
        {
            // Cancelled on another replica, which may still be storing its last predictions: wait for it to let go.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await leases.IsHeldAsync(runId) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
        if (_active.ContainsKey(runId) || run.State is RunState.Pending or RunState.Running || await leases.IsHeldAsync(runId))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"the run is {run.State.ToString().ToLowerInvariant()}; cancel it first, then delete it"));
        }
        var deleted = await store.DeleteRunAsync(runId);
        broadcaster.Publish(runId);
        return deleted;
    }

    public async Task<RunInfo> CancelAsync(string runId)
    {
        RequestErrors.ThrowIfInvalid(InputLimits.Id(runId, "run_id"));
        var run = await store.GetRunAsync(runId)
            ?? throw new RpcException(new Status(StatusCode.NotFound, "run_id: no such run"));
        if (run.State is RunState.Completed or RunState.Cancelled or RunState.Failed)
        {
            return run;
        }
        if (_active.TryGetValue(runId, out var live))
        {
            live.Update(info => info.State = RunState.Cancelled);
            await live.Cancellation.CancelAsync();
            return live.Info;
        }
        // Maybe running on another replica: the cancel is stored first (so no replica overwrites it), then that
        // replica is told (it also finds it in the store at its next progress write or takeover scan).
        var cancelled = await store.MarkCancelledAsync(runId)
            ?? throw new RpcException(new Status(StatusCode.NotFound, "run_id: no such run"));
        broadcaster.AnnounceCancel(runId);
        broadcaster.Publish(runId);
        return cancelled;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        broadcaster.CancelAnnounced += CancelLocally;
        await schema.WaitUntilCheckedAsync(stoppingToken);
        await ResumeUnfinishedRunsAsync(stoppingToken);
        using var slots = new SemaphoreSlim(Math.Max(1, options.Value.MaxParallelRuns));
        await foreach (var runId in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            await slots.WaitAsync(stoppingToken);
            _executions[runId] = Task.Run(async () =>
            {
                try
                {
                    await ExecuteRunAsync(runId, stoppingToken);
                }
                finally
                {
                    _claimed.TryRemove(runId, out _);
                    _executions.TryRemove(runId, out _);
                    slots.Release();
                }
            }, CancellationToken.None);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // The runs stop and release their leases before the process exits (SIGTERM in a rolling update): the
        // next replica takes them over at its next scan, not after the lease TTL.
        await Task.WhenAll(_executions.Values).WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task ResumeUnfinishedRunsAsync(CancellationToken cancellationToken)
    {
        // Redis may not be up yet: the runs wait in the store until it answers.
        var unfinished = await Retry(() => store.ListRunsAsync(limit: 0), cancellationToken);
        foreach (var run in unfinished.Where(r => r.State is RunState.Pending or RunState.Running).Reverse())
        {
            LogResuming(logger, run.RunId, run.State);
            TryEnqueue(run.RunId);
        }
    }

    private async Task ExecuteRunAsync(string runId, CancellationToken stoppingToken)
    {
        // Only the lease holder works on a run; a run another replica holds is left to it.
        await using var lease = await Retry(() => leases.TryAcquireAsync(runId, stoppingToken), stoppingToken);
        if (lease is null)
        {
            return;
        }
        var run = await Retry(() => store.GetRunAsync(runId), stoppingToken);
        if (run is null || run.State is RunState.Completed or RunState.Cancelled or RunState.Failed || _active.ContainsKey(runId))
        {
            return;
        }
        var dataset = await Retry(() => store.GetDatasetAsync(run.DatasetId), stoppingToken);
        if (dataset is null)
        {
            run.State = RunState.Failed;
            run.Error = "the dataset was deleted before the run finished";
            run.FinishedAt = Timestamp.FromDateTime(DateTime.UtcNow);
            await Retry(() => store.SaveFinalAsync(run), stoppingToken);
            broadcaster.Publish(runId);
            return;
        }

        // The running totals, rebuilt from what the store holds (a resume counts its stored predictions once).
        var aggregates = await Retry(() => RebuildAggregatesAsync(run, dataset), stoppingToken);
        run.State = RunState.Running;
        run.Total = dataset.RecordCount;
        run.StartedAt ??= Timestamp.FromDateTime(DateTime.UtcNow);
        var live = new LiveRun(run, dataset, aggregates);
        _active[runId] = live;
        // A lost lease (Redis unreachable longer than the TTL, or the key evicted or taken) stops the run here: another
        // replica may have it now.
        var holder = await Retry(() => leases.HolderAsync(runId), stoppingToken);
        using var leaseGone = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, live.Cancellation.Token, lease.HandleLostToken, leaseGone.Token);
        try
        {
            var started = await Retry(() => store.SaveUnlessSettledAsync(live.Info), stoppingToken);
            if (started is null || EvaluatorStore.IsSettled(started.State))
            {
                // Cancelled (or deleted) from another replica between the queue and the lease.
                return;
            }
            broadcaster.Publish(runId);

            await Parallel.ForEachAsync(RemainingAsync(dataset, aggregates, linked.Token),
                new ParallelOptions { MaxDegreeOfParallelism = run.Concurrency, CancellationToken = linked.Token },
                async (record, ct) =>
                {
                    var prediction = await PredictAsync(live, record, run.Strategy, ct);
                    await Retry(() => store.StorePredictionAsync(runId, prediction), ct);
                    live.Add(prediction);
                    broadcaster.Notify(runId);
                    if (live.CheckpointDue(options.Value.ProgressInterval))
                    {
                        if (await Retry(() => leases.HolderAsync(runId), ct) != holder)
                        {
                            await leaseGone.CancelAsync();
                            return;
                        }
                        // Progress in the store for GetRun and WatchRun on other replicas; a cancel stored there stops the run.
                        var stored = await Retry(() => store.SaveUnlessSettledAsync(live.Progress()), ct);
                        if (stored is not null)
                        {
                            // Tags changed on another replica reach this one's answers too.
                            live.Update(info => EvaluatorStore.WithTagsOf(info, stored));
                        }
                        broadcaster.Publish(runId);
                        if (stored is null || EvaluatorStore.IsSettled(stored.State))
                        {
                            CancelLocally(runId);
                        }
                    }
                });

            var final = await FinishAsync(live, RunState.Completed);
            LogFinished(logger, runId, final.State, final.Completed, final.Failed);
        }
        catch (OperationCanceledException) when (live.Cancellation.IsCancellationRequested)
        {
            await FinishAsync(live, RunState.Cancelled);
            LogFinished(logger, runId, RunState.Cancelled, aggregates.Completed, aggregates.Failed);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the run stays "running" in the store; another replica (or the next start) resumes it.
        }
        catch (OperationCanceledException) when (lease.HandleLostToken.IsCancellationRequested || leaseGone.IsCancellationRequested)
        {
            LogLeaseLost(logger, runId);
        }
        finally
        {
            _active.TryRemove(runId, out _);
            live.Finished.TrySetResult();
            broadcaster.Publish(runId);
        }
    }

    private async Task<RunAggregates> RebuildAggregatesAsync(RunInfo run, DatasetInfo dataset)
    {
        var aggregates = new RunAggregates(dataset.LabelledFeatures, run.ExcludeMissing, options.Value.BootstrapSeed);
        await foreach (var page in store.ReadPredictionPagesAsync(run.RunId))
        {
            foreach (var prediction in page)
            {
                aggregates.Add(prediction);
            }
        }
        return aggregates;
    }

    /// <summary>The dataset's records without a prediction yet, read from the store one page at a time.</summary>
    private async IAsyncEnumerable<DatasetRecord> RemainingAsync(
        DatasetInfo dataset, RunAggregates done, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const int page = 500;
        for (var offset = 0; offset < dataset.RecordCount; offset += page)
        {
            var records = await Retry(() => store.GetRecordsAsync(dataset, offset, page), cancellationToken);
            foreach (var record in records)
            {
                if (!done.Contains(record.Id))
                {
                    yield return record;
                }
            }
        }
    }

    private async Task<RunInfo> FinishAsync(LiveRun live, RunState state)
    {
        var final = live.Progress();
        // Intervals once, at the end: the records are streamed from the store, not held.
        final.Metrics = await Retry(() => scoring.ScoreStoredAsync(
            store, live.Dataset, live.RunId, live.Aggregates, final.ExcludeMissing, final.BootstrapResamples), CancellationToken.None);
        final.State = state;
        final.FinishedAt = Timestamp.FromDateTime(DateTime.UtcNow);
        final.EtaSeconds = 0;
        // A cancel stored meanwhile by another replica stays the final state.
        await Retry(() => store.SaveFinalAsync(final), CancellationToken.None);
        return final;
    }

    /// <summary>The run as of now: counts, rate, ETA and running metrics (no intervals), in O(features).</summary>
    public RunInfo Snapshot(LiveRun live) => live.Progress();

    private async Task<RecordPrediction> PredictAsync(LiveRun live, DatasetRecord record, string strategy, CancellationToken cancellationToken)
    {
        var prediction = new RecordPrediction
        {
            RecordId = record.Id,
            Text = record.Text,
            Language = record.Language,
            ReferenceTranslation = record.Translation,
        };
        prediction.Labels.Add(record.Labels);
        var delay = TimeSpan.FromMilliseconds(200);
        var firstTry = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                var response = await extractor.ExtractAsync(new ExtractRequest
                {
                    // Records stored before ids had a rule may carry any id: the Extractor only echoes it, so send none then.
                    Id = InputLimits.IsId(record.Id) ? record.Id : "",
                    Text = record.Text,
                    Language = record.Language,
                    Strategy = strategy,
                    Profile = live.Info.EngineProfile,
                    // Every model answer is kept with the record (research audit), never logged.
                    IncludeRawOutput = true,
                }, deadline: DateTime.UtcNow.AddMinutes(5), cancellationToken: cancellationToken);

                prediction.CacheHit = response.CacheHit;
                prediction.ElapsedMs = response.Timings?.TotalMs ?? 0;
                prediction.Translation = response.Translation;
                prediction.ModelCalls.Add(response.ModelCalls);
                foreach (var feature in response.Features)
                {
                    var recorded = new RecordFeature { Key = feature.Key, Value = ValueName(feature.Value) };
                    recorded.Evidence.Add(feature.Evidence.Select(ToRecord));
                    recorded.Discounted.Add(feature.Discounted.Select(ToRecord));
                    prediction.Features.Add(recorded);
                }
                live.NoteEngines(response.Engine, response.TranslatorEngine);
                if (!string.IsNullOrEmpty(record.Translation) && !string.IsNullOrEmpty(response.Translation))
                {
                    prediction.Chrf = Chrf.Sentence(response.Translation, record.Translation);
                }
                return prediction;
            }
            catch (RpcException ex) when (IsTransient(ex.StatusCode) && !cancellationToken.IsCancellationRequested
                && Stopwatch.GetElapsedTime(firstTry) < options.Value.RecordRetryBudget)
            {
                // A model server or service restarting: the record waits and is tried again, not failed.
                LogRetrying(logger, live.RunId, record.Id, ex.StatusCode);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
            catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled)
            {
                prediction.Error = $"{ex.StatusCode}: {ex.Status.Detail}";
                return prediction;
            }
        }
    }

    private static bool IsTransient(StatusCode code) => code is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted;

    /// <summary>An Extractor evidence span as a record keeps it (a discounted mention with its status and cue).</summary>
    private static EvidenceSpan ToRecord(Evidence e) => new()
    {
        Start = e.Start, End = e.End, Quote = e.Quote, Source = e.Source, Status = e.Status,
        Cue = e.Cue is null ? null : ToRecord(e.Cue),
    };

    public static string ValueName(FeatureValue value) => value switch
    {
        FeatureValue.True => "true",
        FeatureValue.False => "false",
        _ => "missing",
    };

    private Task<T> Retry<T>(Func<Task<T>> action, CancellationToken cancellationToken) =>
        StoreRetry.RunAsync(action, ex => LogStoreRetry(logger, ex.GetType().Name), cancellationToken);

    private Task Retry(Func<Task> action, CancellationToken cancellationToken) =>
        StoreRetry.RunAsync(action, ex => LogStoreRetry(logger, ex.GetType().Name), cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} queued: dataset {DatasetId}, strategy {Strategy}, profile {Profile}, {Total} records")]
    private static partial void LogStarted(ILogger logger, string runId, string datasetId, string strategy, string profile, int total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} resumes from state {State}")]
    private static partial void LogResuming(ILogger logger, string runId, RunState state);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} {State}: {Completed} records, {Failed} failed")]
    private static partial void LogFinished(ILogger logger, string runId, RunState state, int completed, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId} record {RecordId}: Extractor {Status}, retrying")]
    private static partial void LogRetrying(ILogger logger, string runId, string recordId, StatusCode status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId}: lease lost, stopped here; another replica takes it over")]
    private static partial void LogLeaseLost(ILogger logger, string runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable ({ExceptionType}); retrying")]
    private static partial void LogStoreRetry(ILogger logger, string exceptionType);
}
