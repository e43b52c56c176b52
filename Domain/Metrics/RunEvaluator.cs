namespace ClinicalAspire.Domain.Metrics;

/// <summary>Bootstrap settings. Same seed and data give the same intervals, whether or not <see cref="Parallel"/> is set.</summary>
public sealed record BootstrapOptions
{
    /// <summary>Number of resamples; 0 skips the bootstrap (intervals are NaN).</summary>
    public int Resamples { get; init; } = 1000;
    public ulong Seed { get; init; } = 42;
    /// <summary>Two-sided level of the percentile interval, e.g. 0.95 gives the 2.5th and 97.5th percentiles.</summary>
    public double ConfidenceLevel { get; init; } = 0.95;
    /// <summary>Spread resamples over cores (each resample has its own random stream, so the result does not change).</summary>
    public bool Parallel { get; init; }

    public static BootstrapOptions Default { get; } = new();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Resamples);
        if (ConfidenceLevel is <= 0 or >= 1 || double.IsNaN(ConfidenceLevel))
        {
            throw new ArgumentOutOfRangeException(nameof(ConfidenceLevel), "the confidence level must be in (0, 1)");
        }
    }
}

/// <summary>A metric summarised over features: median [Q1, Q3] and the bootstrap percentile CI of the median.</summary>
public sealed record MetricSummary(Metric Metric, double Median, double Q1, double Q3, double CiLower, double CiUpper);

/// <summary>A bootstrap percentile interval; NaN ends when no resample scored the value.</summary>
public readonly record struct ConfidenceInterval(double Lower, double Upper);

/// <summary>
/// A run's per-feature metrics (catalogue order), its per-metric summaries and, when bootstrapped, each feature's
/// interval per metric (<see cref="FeatureIntervals"/>[feature][metric]; empty without a bootstrap).
/// </summary>
public sealed record RunEvaluation(
    int Records,
    MissingPolicy Policy,
    IReadOnlyList<FeatureMetrics> Features,
    IReadOnlyDictionary<Metric, MetricSummary> Summary,
    BootstrapOptions Bootstrap)
{
    public IReadOnlyList<IReadOnlyDictionary<Metric, ConfidenceInterval>> FeatureIntervals { get; init; } = [];
}

/// <summary>Second-run value minus first-run value for one feature.</summary>
public sealed record FeatureDelta(string Key, double MacroF1, double Mcc, double Sensitivity, double Specificity);

/// <summary>Difference (second minus first) of the median of a metric over features, with its paired bootstrap CI.</summary>
public sealed record MedianDifference(Metric Metric, double First, double Second, double Difference, double CiLower, double CiUpper);

/// <summary>
/// Two runs compared on the records present in both (and the features both have). <see cref="First"/> and
/// <see cref="Second"/> are point estimates on those common records (no intervals of their own).
/// </summary>
public sealed record RunComparison(
    int CommonRecords,
    RunEvaluation First,
    RunEvaluation Second,
    IReadOnlyList<FeatureDelta> Deltas,
    IReadOnlyDictionary<Metric, MedianDifference> MedianDifferences,
    BootstrapOptions Bootstrap)
{
    /// <summary>The headline: difference in median macro-F1 with its paired 95% CI.</summary>
    public MedianDifference MacroF1 => MedianDifferences[Metric.MacroF1];
}

/// <summary>
/// The Evaluator's arithmetic: per-feature metrics, median [Q1, Q3] over features, record-level bootstrap CIs of the
/// medians, and paired comparisons. Pure and thread-safe. A feature with no scored record (every label unknown) is
/// reported with zero metrics and left out of the summaries (scikit-learn has no value for it).
/// </summary>
public static class RunEvaluator
{
    private static readonly Metric[] s_metrics = Enum.GetValues<Metric>();

    /// <summary>The summarised metrics, in the order of the <see cref="Metric"/> enum.</summary>
    public static IReadOnlyList<Metric> Metrics => s_metrics;

    /// <summary>Per-feature metrics only (no summary, no bootstrap).</summary>
    public static IReadOnlyList<FeatureMetrics> FeatureMetricsOf(EvaluationTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        int features = table.FeatureCount;
        var counts = new int[features * 5];
        var missing = new int[features];
        var unknown = new int[features];
        var cells = table.Cells;
        for (int r = 0; r < table.RecordCount; r++)
        {
            int offset = r * features;
            for (int f = 0; f < features; f++)
            {
                byte cell = cells[offset + f];
                counts[f * 5 + (cell & EvaluationTable.CellMask)]++;
                if ((cell & EvaluationTable.UnknownFlag) != 0)
                {
                    unknown[f]++;
                }
                else if ((cell & EvaluationTable.MissingFlag) != 0)
                {
                    missing[f]++;
                }
            }
        }
        var result = new FeatureMetrics[features];
        for (int f = 0; f < features; f++)
        {
            result[f] = new FeatureMetrics(table.FeatureKeys[f], CountsAt(counts, f), table.RecordCount - unknown[f], unknown[f], missing[f]);
        }
        return result;
    }

    /// <summary>Per-feature metrics, summaries and (unless <c>Resamples</c> is 0) bootstrap CIs of every summary median.</summary>
    public static RunEvaluation Evaluate(EvaluationTable table, BootstrapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        options ??= BootstrapOptions.Default;
        options.Validate();
        var features = FeatureMetricsOf(table);
        var perFeature = options.Resamples > 0 ? new double[s_metrics.Length * features.Count][] : null;
        var medians = Bootstrap([table], options, perFeature); // [metric][resample]
        var summary = new Dictionary<Metric, MetricSummary>();
        foreach (var metric in s_metrics)
        {
            var quartiles = Quartiles.Of(ValuesOf(features, metric));
            var (low, high) = Interval(medians[0][(int)metric], options);
            summary[metric] = new MetricSummary(metric, quartiles.Median, quartiles.Q1, quartiles.Q3, low, high);
        }
        ConfidenceInterval FeatureInterval(int feature, Metric metric)
        {
            var (low, high) = Interval(perFeature![(int)metric * features.Count + feature], options);
            return new ConfidenceInterval(low, high);
        }
        var intervals = perFeature is null ? [] : features.Select((_, f) =>
            (IReadOnlyDictionary<Metric, ConfidenceInterval>)s_metrics.ToDictionary(metric => metric, metric => FeatureInterval(f, metric))).ToArray();
        return new RunEvaluation(table.RecordCount, table.Policy, features, summary, options) { FeatureIntervals = intervals };
    }

    /// <summary>
    /// Compares two runs over the records present in both and the features both have (order of <paramref name="first"/>):
    /// per-feature deltas and, for each metric, the difference of the medians (second − first) with a paired bootstrap CI
    /// (the same resampled record indices applied to both runs). Throws when nothing is shared.
    /// </summary>
    public static RunComparison Compare(EvaluationTable first, EvaluationTable second, BootstrapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        options ??= BootstrapOptions.Default;
        options.Validate();
        var commonIds = first.RecordIds.Where(second.ContainsRecord).ToArray();
        var commonFeatures = first.FeatureKeys.Where(second.FeatureKeys.Contains).ToArray();
        if (commonIds.Length == 0 || commonFeatures.Length == 0)
        {
            throw new ArgumentException("the two runs share no record or no feature");
        }
        var a = first.Restrict(commonIds, commonFeatures);
        var b = second.Restrict(commonIds, commonFeatures);
        var point = new BootstrapOptions { Resamples = 0, Seed = options.Seed, ConfidenceLevel = options.ConfidenceLevel };
        var evalA = Evaluate(a, point);
        var evalB = Evaluate(b, point);
        var deltas = new FeatureDelta[commonFeatures.Length];
        for (int f = 0; f < deltas.Length; f++)
        {
            var x = evalA.Features[f];
            var y = evalB.Features[f];
            deltas[f] = new FeatureDelta(x.Key, y.MacroF1 - x.MacroF1, y.Mcc - x.Mcc, y.Sensitivity - x.Sensitivity, y.Specificity - x.Specificity);
        }
        var medians = Bootstrap([a, b], options);
        var differences = new Dictionary<Metric, MedianDifference>();
        foreach (var metric in s_metrics)
        {
            int m = (int)metric;
            var diff = new double[options.Resamples];
            for (int r = 0; r < diff.Length; r++)
            {
                diff[r] = medians[1][m][r] - medians[0][m][r];
            }
            var (low, high) = Interval(diff, options);
            double medianA = evalA.Summary[metric].Median, medianB = evalB.Summary[metric].Median;
            differences[metric] = new MedianDifference(metric, medianA, medianB, medianB - medianA, low, high);
        }
        return new RunComparison(commonIds.Length, evalA, evalB, deltas, differences, options);
    }

    /// <summary>
    /// For each table (all with the same rows), [table][metric][resample] = median over features of the metric in the
    /// resample. Resample r draws RecordCount row indices with replacement from its own stream (seed, r), shared by all
    /// tables, so the comparison is paired.
    /// </summary>
    /// <param name="perFeature">When given (one table): [metric * features + feature][resample] = the feature's value in the
    /// resample, NaN when the resample scored no record for it.</param>
    private static double[][][] Bootstrap(EvaluationTable[] tables, BootstrapOptions options, double[][]? perFeature = null)
    {
        int resamples = options.Resamples;
        var result = tables.Select(_ => s_metrics.Select(_ => new double[resamples]).ToArray()).ToArray();
        if (resamples == 0)
        {
            return result;
        }
        int n = tables[0].RecordCount;
        int features = tables[0].FeatureCount;
        if (perFeature is not null)
        {
            for (int i = 0; i < perFeature.Length; i++)
            {
                perFeature[i] = new double[resamples];
            }
        }

        void RunOne(int r, int[] counts, int[] weights, double[] values)
        {
            // The resample as a multiplicity per record: rows are then visited in order (cache-friendly) and the
            // ~37% of records not drawn are skipped.
            var random = BootstrapRandom.ForStream(options.Seed, r);
            Array.Clear(weights);
            for (int i = 0; i < n; i++)
            {
                weights[random.NextInt(n)]++;
            }
            for (int t = 0; t < tables.Length; t++)
            {
                ReadOnlySpan<byte> cells = tables[t].Cells;
                Span<int> cellCounts = counts;
                cellCounts.Clear();
                for (int i = 0; i < n; i++)
                {
                    int weight = weights[i];
                    if (weight == 0)
                    {
                        continue;
                    }
                    var row = cells.Slice(i * features, features);
                    for (int f = 0; f < row.Length; f++)
                    {
                        cellCounts[f * 5 + (row[f] & EvaluationTable.CellMask)] += weight;
                    }
                }
                foreach (var metric in s_metrics)
                {
                    int used = 0;
                    for (int f = 0; f < features; f++)
                    {
                        var c = CountsAt(counts, f);
                        var value = c.Total > 0 ? c.Get(metric) : double.NaN;
                        if (c.Total > 0)
                        {
                            values[used++] = value;
                        }
                        if (perFeature is not null)
                        {
                            perFeature[(int)metric * features + f][r] = value;
                        }
                    }
                    var span = values.AsSpan(0, used);
                    span.Sort();
                    result[t][(int)metric][r] = Percentile.OfSorted(span, 50);
                }
            }
        }

        if (options.Parallel && resamples >= 64)
        {
            Parallel.For(0, resamples,
                () => (new int[features * 5], new int[n], new double[features]),
                (r, _, buffers) => { RunOne(r, buffers.Item1, buffers.Item2, buffers.Item3); return buffers; },
                _ => { });
        }
        else
        {
            var counts = new int[features * 5];
            var drawn = new int[n];
            var values = new double[features];
            for (int r = 0; r < resamples; r++)
            {
                RunOne(r, counts, drawn, values);
            }
        }
        return result;
    }

    private static (double Low, double High) Interval(double[] values, BootstrapOptions options)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0)
        {
            return (double.NaN, double.NaN);
        }
        Array.Sort(finite);
        double tail = (1 - options.ConfidenceLevel) / 2 * 100;
        return (Percentile.OfSorted(finite, tail), Percentile.OfSorted(finite, 100 - tail));
    }

    private static double[] ValuesOf(IReadOnlyList<FeatureMetrics> features, Metric metric) =>
        features.Where(f => f.Scored > 0).Select(f => f.Get(metric)).ToArray();

    private static ConfusionCounts CountsAt(int[] counts, int feature) =>
        new(counts[feature * 5 + EvaluationTable.TruePositive], counts[feature * 5 + EvaluationTable.FalsePositive],
            counts[feature * 5 + EvaluationTable.TrueNegative], counts[feature * 5 + EvaluationTable.FalseNegative]);
}
