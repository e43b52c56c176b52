using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Metrics;

namespace ClinicalAspire.Benchmarks;

/// <summary>
/// The Evaluator's arithmetic at the study's size: 1,221 records x 13 features, 1,000 bootstrap resamples
/// (synthetic labels and predictions, fixed seed). Target: a full evaluation in under 0.5 s.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SharedMachineConfig))]
public class MetricsBenchmarks
{
    private const int Records = 1221;
    private const int Features = 13;
    private EvaluationTable _first = null!;
    private EvaluationTable _second = null!;
    private List<EvaluationRecord> _records = null!;
    private readonly BootstrapOptions _sequential = new() { Resamples = 1000, Seed = 42 };
    private readonly BootstrapOptions _parallel = new() { Resamples = 1000, Seed = 42, Parallel = true };

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2026);
        var keys = Enumerable.Range(1, Features).Select(i => $"f{i:00}").ToArray();
        var prevalence = keys.Select(_ => 0.03 + random.NextDouble() * 0.3).ToArray();
        var labels = Enumerable.Range(0, Records)
            .Select(_ => keys.Select((k, f) => (k, v: (bool?)(random.NextDouble() < prevalence[f]))).ToDictionary(x => x.k, x => x.v))
            .ToArray();
        List<EvaluationRecord> Run(double error, double missing) => labels.Select((l, i) => new EvaluationRecord(
            $"r{i}", l, l.ToDictionary(x => x.Key, x => random.NextDouble() < missing
                ? FeatureValue.Missing
                : (random.NextDouble() < error) != x.Value!.Value ? FeatureValue.True : FeatureValue.False))).ToList();
        _records = Run(0.08, 0.03);
        _first = EvaluationTable.Build(keys, _records);
        _second = EvaluationTable.Build(keys, Run(0.06, 0.01));
    }

    [Benchmark(Description = "build table (1221x13)")]
    public EvaluationTable BuildTable() => EvaluationTable.Build(_first.FeatureKeys, _records);

    [Benchmark(Description = "per-feature metrics only")]
    public IReadOnlyList<FeatureMetrics> FeatureMetrics() => RunEvaluator.FeatureMetricsOf(_first);

    [Benchmark(Baseline = true, Description = "evaluate + 1000 resamples")]
    public RunEvaluation Evaluate() => RunEvaluator.Evaluate(_first, _sequential);

    [Benchmark(Description = "evaluate + 1000 resamples, parallel")]
    public RunEvaluation EvaluateParallel() => RunEvaluator.Evaluate(_first, _parallel);

    [Benchmark(Description = "paired comparison + 1000 resamples")]
    public RunComparison Compare() => RunEvaluator.Compare(_first, _second, _sequential);
}

/// <summary>
/// The generated benchmark project is rebuilt per run; on a busy shared machine that can exceed BenchmarkDotNet's
/// default 2-minute build timeout, so allow more.
/// </summary>
public sealed class SharedMachineConfig : ManualConfig
{
    public SharedMachineConfig() => WithBuildTimeout(TimeSpan.FromMinutes(10));
}
