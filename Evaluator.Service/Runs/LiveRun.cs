using System.Diagnostics;
using ClinicalAspire.Contracts.Evaluator.V1;

namespace ClinicalAspire.Evaluator.Runs;

/// <summary>
/// A run being executed in this process: its running totals and rate. Neither its records nor its predictions
/// are held here (they are in the store, read in pages), so a 100,000-record run costs a few megabytes of ids.
/// </summary>
public sealed class LiveRun(RunInfo info, DatasetInfo dataset, RunAggregates aggregates)
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly int _resumedWith = aggregates.Completed;
    private readonly object _infoLock = new();
    private readonly List<string> _arrived = [];
    private long _lastCheckpoint = Stopwatch.GetTimestamp();

    public CancellationTokenSource Cancellation { get; } = new();

    /// <summary>Completes when the run has stored its final state and left the active set.</summary>
    public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DatasetInfo Dataset => dataset;

    public RunAggregates Aggregates => aggregates;

    public string RunId => info.RunId;

    public RunInfo Info
    {
        get { lock (_infoLock) { return info.Clone(); } }
    }

    public void Update(Action<RunInfo> change)
    {
        lock (_infoLock)
        {
            change(info);
        }
    }

    /// <summary>Records the engines that answered, once (the first prediction names them).</summary>
    public void NoteEngines(Contracts.Common.V1.EngineInfo? extractor, Contracts.Common.V1.EngineInfo? translator)
    {
        lock (_infoLock)
        {
            info.ExtractorEngine ??= extractor;
            info.TranslatorEngine ??= translator;
        }
    }

    public void Add(RecordPrediction prediction)
    {
        if (aggregates.Add(prediction))
        {
            lock (_arrived)
            {
                _arrived.Add(prediction.RecordId);
            }
        }
    }

    /// <summary>
    /// Ids stored in this process since a watcher's <paramref name="cursor"/> (each watcher keeps its own), for
    /// the "new records" list of its updates.
    /// </summary>
    public IReadOnlyList<string> ArrivedSince(ref int cursor)
    {
        lock (_arrived)
        {
            var ids = _arrived.GetRange(Math.Min(cursor, _arrived.Count), Math.Max(0, _arrived.Count - cursor));
            cursor = _arrived.Count;
            return ids;
        }
    }

    /// <summary>True once per <paramref name="interval"/>, for one caller: how often the progress is written to the store.</summary>
    public bool CheckpointDue(TimeSpan interval)
    {
        var last = Interlocked.Read(ref _lastCheckpoint);
        var now = Stopwatch.GetTimestamp();
        return Stopwatch.GetElapsedTime(last, now) >= interval && Interlocked.CompareExchange(ref _lastCheckpoint, now, last) == last;
    }

    /// <summary>Counts, rate, ETA and running metrics as of now, from the running totals: O(features), not O(records).</summary>
    public RunInfo Progress()
    {
        var snapshot = Info;
        var completed = aggregates.Completed;
        snapshot.Completed = completed;
        snapshot.Failed = aggregates.Failed;
        snapshot.TruncatedOutputs = aggregates.Truncated;
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var doneHere = completed - _resumedWith;
        snapshot.RecordsPerSecond = seconds > 0 && doneHere > 0 ? doneHere / seconds : 0;
        snapshot.EtaSeconds = snapshot.RecordsPerSecond > 0 ? (snapshot.Total - completed) / snapshot.RecordsPerSecond : 0;
        snapshot.Metrics = aggregates.Metrics();
        return snapshot;
    }
}
