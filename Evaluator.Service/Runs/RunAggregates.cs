using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Domain.Metrics;
using ClinicalAspire.Domain.Text;
using DomainFeatureMetrics = ClinicalAspire.Domain.Metrics.FeatureMetrics;

namespace ClinicalAspire.Evaluator.Runs;

/// <summary>
/// A run's running totals, updated as each prediction arrives: per-feature confusion cells, unknown and missing
/// counts and their causes, completed/failed/truncated, chrF n-gram sums. Reading the metrics costs O(features),
/// whatever the number of records, so GetRun on an active run is constant time. After a restart the totals are
/// rebuilt from the stored predictions (the store of record), so they are the same in every process.
/// Point estimates only: bootstrap intervals are computed once, when the run ends.
/// </summary>
public sealed class RunAggregates
{
    private const int Cells = 5;

    private readonly string[] _keys;
    private readonly Dictionary<string, int> _index;
    private readonly MissingPolicy _policy;
    private readonly bool _excludeMissing;
    private readonly int[] _cells;
    private readonly int[] _unknown;
    private readonly int[] _missing;
    private readonly int[] _missingFailed;
    private readonly int[] _missingTruncated;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly ChrfStatistics _chrf = new();
    private readonly object _lock = new();
    private readonly ulong _seed;
    private int _failed;
    private int _truncated;
    private (int Count, Metrics Metrics)? _cached;

    /// <param name="labelledKeys">The dataset's features with at least one known label, in catalogue order.</param>
    public RunAggregates(IEnumerable<string> labelledKeys, bool excludeMissing, ulong bootstrapSeed)
    {
        _seed = bootstrapSeed;
        _keys = labelledKeys.ToArray();
        _index = _keys.Select((k, i) => (k, i)).ToDictionary(x => x.k, x => x.i, StringComparer.Ordinal);
        _excludeMissing = excludeMissing;
        _policy = excludeMissing ? MissingPolicy.Exclude : MissingPolicy.ScoreAsNegative;
        _cells = new int[_keys.Length * Cells];
        _unknown = new int[_keys.Length];
        _missing = new int[_keys.Length];
        _missingFailed = new int[_keys.Length];
        _missingTruncated = new int[_keys.Length];
    }

    public int Completed { get { lock (_lock) { return _seen.Count; } } }

    public int Failed { get { lock (_lock) { return _failed; } } }

    public int Truncated { get { lock (_lock) { return _truncated; } } }

    public bool Contains(string recordId)
    {
        lock (_lock)
        {
            return _seen.Contains(recordId);
        }
    }

    /// <summary>Counts a prediction once per record id; false (and nothing counted) for a record already counted.</summary>
    public bool Add(RecordPrediction prediction)
    {
        var failed = !string.IsNullOrEmpty(prediction.Error);
        var truncated = RunScoring.IsTruncated(prediction);
        // Work out the cells outside the lock; only the additions need it.
        var values = failed ? null : prediction.Features.GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
        Span<byte> codes = stackalloc byte[_keys.Length];
        for (var f = 0; f < _keys.Length; f++)
        {
            bool? label = prediction.Labels.TryGetValue(_keys[f], out var l) && l is Label.True or Label.False ? l == Label.True : null;
            var value = values is not null && values.TryGetValue(_keys[f], out var v) ? v : "missing";
            codes[f] = EvaluationTable.Encode(label, RunScoring.ToDomain(value), _policy);
        }
        var pair = !string.IsNullOrEmpty(prediction.Translation) && !string.IsNullOrEmpty(prediction.ReferenceTranslation);

        lock (_lock)
        {
            if (!_seen.Add(prediction.RecordId))
            {
                return false;
            }
            for (var f = 0; f < _keys.Length; f++)
            {
                var code = codes[f];
                _cells[f * Cells + (code & EvaluationTable.CellMask)]++;
                if ((code & EvaluationTable.UnknownFlag) != 0)
                {
                    _unknown[f]++;
                }
                else if ((code & EvaluationTable.MissingFlag) != 0)
                {
                    _missing[f]++;
                }
            }
            // Why outputs were missing, counted like RunScoring: only features with a known label for this record.
            if (failed || truncated)
            {
                foreach (var (key, label) in prediction.Labels)
                {
                    if (label is not (Label.True or Label.False) || !_index.TryGetValue(key, out var f))
                    {
                        continue;
                    }
                    if (failed)
                    {
                        _missingFailed[f]++;
                    }
                    else if (values is null || !values.TryGetValue(key, out var v) || v is not ("true" or "false"))
                    {
                        _missingTruncated[f]++;
                    }
                }
            }
            if (failed)
            {
                _failed++;
            }
            if (truncated)
            {
                _truncated++;
            }
            if (pair)
            {
                _chrf.Add(prediction.Translation, prediction.ReferenceTranslation);
            }
            return true;
        }
    }

    /// <summary>The point-estimate metrics of the records counted so far (no intervals); cached per count.</summary>
    public Metrics Metrics()
    {
        lock (_lock)
        {
            if (_cached is { } hit && hit.Count == _seen.Count)
            {
                return hit.Metrics.Clone();
            }
            var metrics = Build();
            _cached = (_seen.Count, metrics);
            return metrics.Clone();
        }
    }

    /// <summary>Fills the fields the final scoring takes from the running totals: missing causes and chrF.</summary>
    public void FillCausesAndChrf(Metrics metrics)
    {
        lock (_lock)
        {
            foreach (var feature in metrics.Features)
            {
                if (_index.TryGetValue(feature.Key, out var f))
                {
                    feature.MissingFailed = _missingFailed[f];
                    feature.MissingTruncated = _missingTruncated[f];
                }
            }
            if (metrics.Summary is { } summary && metrics.Features.Count > 0)
            {
                var quartiles = Domain.Metrics.Quartiles.Of(metrics.Features.Select(x => x.MissingRate).ToArray());
                summary.MissingRate = new Contracts.Evaluator.V1.Quartiles { Median = quartiles.Median, Q1 = quartiles.Q1, Q3 = quartiles.Q3 };
            }
            if (_chrf.Pairs > 0)
            {
                metrics.Chrf = _chrf.Score;
                metrics.ChrfRecords = _chrf.Pairs;
            }
        }
    }

    private Metrics Build()
    {
        var records = _seen.Count;
        var metrics = new Metrics { Records = records, ExcludeMissing = _excludeMissing };
        if (records == 0 || _keys.Length == 0)
        {
            return metrics;
        }
        var features = new DomainFeatureMetrics[_keys.Length];
        for (var f = 0; f < _keys.Length; f++)
        {
            var counts = new ConfusionCounts(
                _cells[f * Cells + EvaluationTable.TruePositive], _cells[f * Cells + EvaluationTable.FalsePositive],
                _cells[f * Cells + EvaluationTable.TrueNegative], _cells[f * Cells + EvaluationTable.FalseNegative]);
            features[f] = new DomainFeatureMetrics(_keys[f], counts, records - _unknown[f], _unknown[f], _missing[f]);
        }
        var summary = new Dictionary<Metric, MetricSummary>();
        foreach (var metric in RunEvaluator.Metrics)
        {
            var quartiles = Domain.Metrics.Quartiles.Of(features.Where(x => x.Scored > 0).Select(x => x.Get(metric)).ToArray());
            summary[metric] = new MetricSummary(metric, quartiles.Median, quartiles.Q1, quartiles.Q3, double.NaN, double.NaN);
        }
        RunScoring.Fill(metrics, new RunEvaluation(records, _policy, features, summary, new BootstrapOptions { Resamples = 0, Seed = _seed }));
        FillCausesAndChrf(metrics); // the lock is re-entrant
        return metrics;
    }
}
