using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Metrics;

namespace ClinicalAspire.Domain.Tests;

/// <summary>Seeded synthetic runs: labels with per-feature prevalence, predictions with an error and a missing rate.</summary>
internal static class Synthetic
{
    public static readonly string[] Keys = Enumerable.Range(1, 13).Select(i => $"f{i:00}").ToArray();

    public static List<(string Id, Dictionary<string, bool?> Labels)> Labels(int records, int seed)
    {
        var random = new Random(seed);
        var prevalence = Keys.Select(_ => 0.03 + random.NextDouble() * 0.3).ToArray();
        return Enumerable.Range(0, records).Select(i => (
            $"r{i:0000}",
            Keys.Select((k, f) => (k, v: (bool?)(random.NextDouble() < prevalence[f]))).ToDictionary(x => x.k, x => x.v))).ToList();
    }

    public static List<EvaluationRecord> Run(List<(string Id, Dictionary<string, bool?> Labels)> labels, double error, double missing, int seed)
    {
        var random = new Random(seed);
        return labels.Select(r => new EvaluationRecord(r.Id, r.Labels, r.Labels.ToDictionary(
            x => x.Key,
            x => random.NextDouble() < missing
                ? FeatureValue.Missing
                : (random.NextDouble() < error ? !x.Value!.Value : x.Value!.Value) ? FeatureValue.True : FeatureValue.False))).ToList();
    }

    public static EvaluationTable Table(int records, double error = 0.08, double missing = 0.02, int seed = 7) =>
        EvaluationTable.Build(Keys, Run(Labels(records, seed), error, missing, seed + 1));
}
