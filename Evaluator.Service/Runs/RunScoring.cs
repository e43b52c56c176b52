using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Domain.Metrics;
using ClinicalAspire.Domain.Text;
using Microsoft.Extensions.Options;
using DomainComparison = ClinicalAspire.Domain.Metrics.RunComparison;
using DomainValue = ClinicalAspire.Domain.Extraction.FeatureValue;
using RunComparison = ClinicalAspire.Contracts.Evaluator.V1.RunComparison;

namespace ClinicalAspire.Evaluator.Runs;

/// <summary>Turns stored predictions into the study's metrics (Domain.Metrics) in the contract's shape.</summary>
public sealed class RunScoring(FeatureCatalogue catalogue, IOptions<EvaluatorOptions> options)
{
    /// <param name="resamples">0: point estimates only (live updates); otherwise bootstrap intervals too.</param>
    public Metrics Score(IReadOnlyList<DatasetRecord> records, IReadOnlyDictionary<string, RecordPrediction> predictions, bool excludeMissing, int resamples)
    {
        var keys = LabelledKeys(records);
        var scored = records.Where(r => predictions.ContainsKey(r.Id)).ToArray();
        var metrics = new Metrics { Records = scored.Length, ExcludeMissing = excludeMissing };
        if (scored.Length == 0 || keys.Count == 0)
        {
            return metrics;
        }
        var table = EvaluationTable.Build(keys, scored.Select(r => ToEvaluationRecord(r.Id, r.Labels, predictions[r.Id])), Policy(excludeMissing));
        var evaluation = RunEvaluator.Evaluate(table, Bootstrap(resamples));
        Fill(metrics, evaluation);
        CountMissingCauses(metrics, scored.Select(r => predictions[r.Id]).ToArray());

        var translated = scored.Select(r => predictions[r.Id])
            .Where(p => !string.IsNullOrEmpty(p.Translation) && !string.IsNullOrEmpty(p.ReferenceTranslation))
            .Select(p => (p.Translation, p.ReferenceTranslation))
            .ToArray();
        if (translated.Length > 0)
        {
            metrics.Chrf = Chrf.Corpus(translated);
            metrics.ChrfRecords = translated.Length;
        }
        return metrics;
    }

    /// <summary>
    /// A run's final metrics with bootstrap intervals, its records and predictions streamed from the store in
    /// pages (dataset order, like <see cref="Score"/>): only the table's cell codes are held. Missing causes
    /// and chrF come from the run's running totals, which counted the same predictions.
    /// </summary>
    public async Task<Metrics> ScoreStoredAsync(
        Storage.EvaluatorStore store, DatasetInfo dataset, string runId, RunAggregates aggregates, bool excludeMissing, int resamples)
    {
        var keys = dataset.LabelledFeatures.ToArray();
        var metrics = new Metrics { ExcludeMissing = excludeMissing };
        if (keys.Length == 0)
        {
            metrics.Records = aggregates.Completed;
            return metrics;
        }
        var table = new EvaluationTable.Builder(keys, Policy(excludeMissing));
        await foreach (var page in store.ReadRecordPagesAsync(dataset, 1000))
        {
            var predictions = await store.GetPredictionsAsync(runId, page.Select(r => r.Id).ToArray());
            for (var i = 0; i < page.Count; i++)
            {
                if (predictions[i] is { } prediction)
                {
                    table.Add(ToEvaluationRecord(page[i].Id, page[i].Labels, prediction));
                }
            }
        }
        metrics.Records = table.Count;
        if (table.Count == 0)
        {
            return metrics;
        }
        Fill(metrics, RunEvaluator.Evaluate(table.Build(), Bootstrap(resamples)));
        aggregates.FillCausesAndChrf(metrics);
        return metrics;
    }

    /// <summary>A run's predictions (every catalogue feature) as cell codes, built as they are read.</summary>
    public async Task<EvaluationTable> TableAsync(IAsyncEnumerable<RecordPrediction> predictions, bool excludeMissing)
    {
        var table = new EvaluationTable.Builder(catalogue.Features.Select(f => f.Key).ToArray(), Policy(excludeMissing));
        await foreach (var prediction in predictions)
        {
            table.Add(ToEvaluationRecord(prediction.RecordId, prediction.Labels, prediction));
        }
        return table.Build();
    }

    /// <summary>Per-feature deltas and the paired bootstrap CI of the difference in median macro-F1 (second minus first).</summary>
    public RunComparison Compare(EvaluationTable a, EvaluationTable b, int resamples)
    {
        DomainComparison comparison;
        try
        {
            comparison = RunEvaluator.Compare(a, b, Bootstrap(resamples));
        }
        catch (ArgumentException)
        {
            throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.FailedPrecondition,
                "the runs share no scored record yet; compare them when both have predictions"));
        }
        var result = new RunComparison
        {
            MedianMacroF1Delta = comparison.MacroF1.Difference,
            CiLow = comparison.MacroF1.CiLower,
            CiHigh = comparison.MacroF1.CiUpper,
            PairedRecords = comparison.CommonRecords,
        };
        result.Deltas.AddRange(comparison.Deltas.Select(d => new Contracts.Evaluator.V1.FeatureDelta
        {
            Key = d.Key,
            MacroF1 = d.MacroF1,
            Mcc = d.Mcc,
            Sensitivity = d.Sensitivity,
            Specificity = d.Specificity,
        }));
        return result;
    }

    /// <summary>A prediction whose model answer was cut at the token budget (finish reason "length").</summary>
    public static bool IsTruncated(RecordPrediction prediction) =>
        prediction.ModelCalls.Any(c => c.Role == "extract" && c.IsTruncated);

    /// <summary>
    /// Why outputs were missing, per feature: the call failed, or the answer was cut at the token budget (the rest are
    /// answers the parser could not read); and the median [Q1, Q3] of the features' missing rates.
    /// </summary>
    private static void CountMissingCauses(Metrics metrics, IReadOnlyList<RecordPrediction> predictions)
    {
        var byKey = metrics.Features.ToDictionary(f => f.Key);
        foreach (var prediction in predictions)
        {
            var failed = !string.IsNullOrEmpty(prediction.Error);
            if (!failed && !IsTruncated(prediction))
            {
                continue; // its missing outputs, if any, are answers the parser could not read
            }
            var answered = prediction.Features.Where(f => f.Value is "true" or "false").Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
            foreach (var (key, label) in prediction.Labels)
            {
                // Only features scored for this record, like `missing` itself.
                if (label is not (Label.True or Label.False) || !byKey.TryGetValue(key, out var feature))
                {
                    continue;
                }
                if (failed)
                {
                    feature.MissingFailed++;
                }
                else if (!answered.Contains(key))
                {
                    feature.MissingTruncated++;
                }
            }
        }
        if (metrics.Summary is { } summary && metrics.Features.Count > 0)
        {
            var quartiles = ClinicalAspire.Domain.Metrics.Quartiles.Of(metrics.Features.Select(f => f.MissingRate).ToArray());
            summary.MissingRate = new Contracts.Evaluator.V1.Quartiles { Median = quartiles.Median, Q1 = quartiles.Q1, Q3 = quartiles.Q3 };
        }
    }

    /// <summary>Features with at least one known label: a feature nobody annotated has no metrics.</summary>
    private IReadOnlyList<string> LabelledKeys(IReadOnlyList<DatasetRecord> records) =>
        catalogue.Features.Select(f => f.Key)
            .Where(key => records.Any(r => r.Labels.TryGetValue(key, out var label) && label is Label.True or Label.False))
            .ToArray();

    private static MissingPolicy Policy(bool excludeMissing) => excludeMissing ? MissingPolicy.Exclude : MissingPolicy.ScoreAsNegative;

    private BootstrapOptions Bootstrap(int resamples) => new() { Resamples = resamples, Seed = options.Value.BootstrapSeed };

    private static EvaluationRecord ToEvaluationRecord(string id, IDictionary<string, Label> labels, RecordPrediction prediction)
    {
        var known = labels.Where(kv => kv.Value is Label.True or Label.False)
            .ToDictionary(kv => kv.Key, kv => (bool?)(kv.Value == Label.True));
        IReadOnlyDictionary<string, DomainValue>? predicted = string.IsNullOrEmpty(prediction.Error)
            ? prediction.Features.ToDictionary(f => f.Key, f => ToDomain(f.Value))
            : null;
        return new EvaluationRecord(id, known, predicted);
    }

    /// <summary>A stored value ("true", "false", "missing") as the metrics read it: anything else is missing.</summary>
    public static DomainValue ToDomain(string? value) => value switch
    {
        "true" => DomainValue.True,
        "false" => DomainValue.False,
        _ => DomainValue.Missing,
    };

    internal static void Fill(Metrics metrics, RunEvaluation evaluation)
    {
        for (var i = 0; i < evaluation.Features.Count; i++)
        {
            var f = evaluation.Features[i];
            var intervals = i < evaluation.FeatureIntervals.Count ? evaluation.FeatureIntervals[i] : null;
            metrics.Features.Add(new Contracts.Evaluator.V1.FeatureMetrics
            {
                MacroF1Ci = Interval(intervals, Metric.MacroF1),
                MccCi = Interval(intervals, Metric.Mcc),
                SensitivityCi = Interval(intervals, Metric.Sensitivity),
                SpecificityCi = Interval(intervals, Metric.Specificity),
                Key = f.Key,
                Tp = f.Counts.TruePositives,
                Fp = f.Counts.FalsePositives,
                Tn = f.Counts.TrueNegatives,
                Fn = f.Counts.FalseNegatives,
                Precision = f.Precision,
                Sensitivity = f.Sensitivity,
                Specificity = f.Specificity,
                Accuracy = f.Accuracy,
                MacroF1 = f.MacroF1,
                Mcc = f.Mcc,
                Missing = f.Missing,
                MissingRate = f.MissingRate,
                Support = f.Scored,
            });
        }
        var summary = evaluation.Summary;
        metrics.Summary = new MetricsSummary
        {
            MacroF1 = Quartiles(summary[Metric.MacroF1]),
            Mcc = Quartiles(summary[Metric.Mcc]),
            Sensitivity = Quartiles(summary[Metric.Sensitivity]),
            Specificity = Quartiles(summary[Metric.Specificity]),
            Precision = Quartiles(summary[Metric.Precision]),
            Accuracy = Quartiles(summary[Metric.Accuracy]),
            BootstrapResamples = evaluation.Bootstrap.Resamples,
            BootstrapSeed = evaluation.Bootstrap.Seed,
        };
    }

    private static Contracts.Evaluator.V1.Interval? Interval(IReadOnlyDictionary<Metric, ConfidenceInterval>? intervals, Metric metric) =>
        intervals is not null && intervals.TryGetValue(metric, out var ci) ? new() { Low = ci.Lower, High = ci.Upper } : null;

    private static Contracts.Evaluator.V1.Quartiles Quartiles(MetricSummary summary) => new()
    {
        Median = summary.Median,
        Q1 = summary.Q1,
        Q3 = summary.Q3,
        CiLow = summary.CiLower,
        CiHigh = summary.CiUpper,
    };
}
