using System.Collections.Concurrent;
using System.Diagnostics;
using ClinicalAspire.Contracts.Evaluator.V1;

namespace ClinicalAspire.Evaluator.Runs;

/// <summary>A run being executed in this process: its records, the predictions so far, its rate.</summary>
public sealed class LiveRun(RunInfo info, IReadOnlyList<DatasetRecord> records, IDictionary<string, RecordPrediction> stored)
{
    private readonly ConcurrentDictionary<string, RecordPrediction> _predictions = new(stored);
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly int _resumedWith = stored.Count;
    private readonly object _infoLock = new();
    private readonly List<string> _arrived = [];

    public CancellationTokenSource Cancellation { get; } = new();

    public IReadOnlyList<DatasetRecord> Records => records;

    public IReadOnlyDictionary<string, RecordPrediction> Predictions => _predictions;

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

    private (int Count, Metrics Metrics)? _runningMetrics;

    /// <summary>
    /// Running metrics (no intervals), computed once per number of stored predictions: watchers and the
    /// telemetry gauges all ask for them, often between two predictions.
    /// </summary>
    public Metrics RunningMetrics(Func<Metrics> compute)
    {
        var count = _predictions.Count;
        var cached = _runningMetrics;
        if (cached is { } hit && hit.Count == count)
        {
            return hit.Metrics;
        }
        var metrics = compute();
        _runningMetrics = (count, metrics);
        return metrics;
    }

    public void Add(RecordPrediction prediction)
    {
        if (_predictions.TryAdd(prediction.RecordId, prediction))
        {
            lock (_arrived)
            {
                _arrived.Add(prediction.RecordId);
            }
        }
        else
        {
            _predictions[prediction.RecordId] = prediction;
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

    /// <summary>Counts, rate and ETA as of now (metrics are filled by the caller).</summary>
    public RunInfo Progress()
    {
        var snapshot = Info;
        var completed = _predictions.Count;
        snapshot.Total = records.Count;
        snapshot.Completed = completed;
        snapshot.Failed = _predictions.Values.Count(p => !string.IsNullOrEmpty(p.Error));
        snapshot.TruncatedOutputs = _predictions.Values.Count(RunScoring.IsTruncated);
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var doneHere = completed - _resumedWith;
        snapshot.RecordsPerSecond = seconds > 0 && doneHere > 0 ? doneHere / seconds : 0;
        snapshot.EtaSeconds = snapshot.RecordsPerSecond > 0 ? (records.Count - completed) / snapshot.RecordsPerSecond : 0;
        return snapshot;
    }
}
