using System.Text.Json;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Metrics;

namespace ClinicalAspire.Domain.Tests;

/// <summary>Per-feature metrics, summaries and percentiles equal scikit-learn / numpy (fixtures/metrics.json) to 1e-9.</summary>
public sealed class MetricFixtureTests
{
    private const double Tolerance = 1e-9;
    private static readonly JsonElement Root = LoadFixtures();

    private static JsonElement LoadFixtures()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "metrics.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Root.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }
        return data;
    }

    internal static bool?[] Labels(JsonElement array) =>
        array.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? (bool?)null : v.GetBoolean()).ToArray();

    internal static FeatureValue[] Predictions(JsonElement array) =>
        array.EnumerateArray().Select(v => v.ValueKind switch
        {
            JsonValueKind.True => FeatureValue.True,
            JsonValueKind.False => FeatureValue.False,
            _ => FeatureValue.Missing,
        }).ToArray();

    private static void AssertMatches(JsonElement expected, FeatureMetrics actual, string name)
    {
        Assert.True(expected.GetProperty("tp").GetInt32() == actual.Counts.TruePositives, $"{name}: TP");
        Assert.True(expected.GetProperty("fp").GetInt32() == actual.Counts.FalsePositives, $"{name}: FP");
        Assert.True(expected.GetProperty("tn").GetInt32() == actual.Counts.TrueNegatives, $"{name}: TN");
        Assert.True(expected.GetProperty("fn").GetInt32() == actual.Counts.FalseNegatives, $"{name}: FN");
        Close(expected, "precision", actual.Precision, name);
        Close(expected, "sensitivity", actual.Sensitivity, name);
        Close(expected, "specificity", actual.Specificity, name);
        Close(expected, "accuracy", actual.Accuracy, name);
        Close(expected, "macro_f1", actual.MacroF1, name);
        Close(expected, "mcc", actual.Mcc, name);
    }

    private static void Close(JsonElement expected, string property, double actual, string name)
    {
        double value = expected.GetProperty(property).GetDouble();
        Assert.True(Math.Abs(value - actual) <= Tolerance, $"{name}: {property} expected {value:R}, got {actual:R}");
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Per_feature_metrics_equal_sklearn(string name)
    {
        var c = Root.GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        var policy = c.GetProperty("policy").GetString() == "exclude" ? MissingPolicy.Exclude : MissingPolicy.ScoreAsNegative;
        var labels = Labels(c.GetProperty("labels"));
        var predictions = Predictions(c.GetProperty("predictions"));
        var table = EvaluationTable.FromArrays("feature", labels, predictions, policy);
        var metrics = RunEvaluator.FeatureMetricsOf(table).Single();
        AssertMatches(c.GetProperty("expected"), metrics, name);

        int labelled = labels.Count(l => l is not null);
        int missing = labels.Zip(predictions).Count(x => x.First is not null && x.Second == FeatureValue.Missing);
        Assert.Equal(labelled, metrics.Labelled);
        Assert.Equal(labels.Length - labelled, metrics.Unknown);
        Assert.Equal(missing, metrics.Missing);
        Assert.Equal(labelled == 0 ? 0 : (double)missing / labelled, metrics.MissingRate, 12);
    }

    [Fact]
    public void Summary_quartiles_equal_numpy_and_per_feature_values_equal_sklearn()
    {
        var summary = Root.GetProperty("summary");
        var features = summary.GetProperty("features").EnumerateArray().ToArray();
        var keys = features.Select(f => f.GetProperty("key").GetString()!).ToArray();
        int n = features[0].GetProperty("labels").GetArrayLength();
        var labels = features.Select(f => Labels(f.GetProperty("labels"))).ToArray();
        var predictions = features.Select(f => Predictions(f.GetProperty("predictions"))).ToArray();
        var records = Enumerable.Range(0, n).Select(i => new EvaluationRecord(
            $"r{i}",
            keys.Select((k, f) => (k, f)).ToDictionary(x => x.k, x => labels[x.f][i]),
            keys.Select((k, f) => (k, f)).ToDictionary(x => x.k, x => predictions[x.f][i])));
        var table = EvaluationTable.Build(keys, records);
        var evaluation = RunEvaluator.Evaluate(table, new BootstrapOptions { Resamples = 0 });
        for (int f = 0; f < features.Length; f++)
        {
            AssertMatches(features[f].GetProperty("expected"), evaluation.Features[f], keys[f]);
        }
        var expected = summary.GetProperty("expected");
        foreach (var (metric, name) in new[]
                 {
                     (Metric.MacroF1, "macro_f1"), (Metric.Mcc, "mcc"), (Metric.Sensitivity, "sensitivity"),
                     (Metric.Specificity, "specificity"), (Metric.Precision, "precision"), (Metric.Accuracy, "accuracy"),
                 })
        {
            var s = evaluation.Summary[metric];
            Close(expected.GetProperty(name), "q1", s.Q1, name);
            Close(expected.GetProperty(name), "median", s.Median, name);
            Close(expected.GetProperty(name), "q3", s.Q3, name);
            Assert.True(double.IsNaN(s.CiLower) && double.IsNaN(s.CiUpper), "no bootstrap when Resamples = 0");
        }
    }

    [Fact]
    public void Percentiles_equal_numpy_linear()
    {
        foreach (var c in Root.GetProperty("percentiles").EnumerateArray())
        {
            var values = c.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var percents = c.GetProperty("percents").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var expected = c.GetProperty("expected").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            for (int i = 0; i < percents.Length; i++)
            {
                double actual = Percentile.Of(values, percents[i]);
                Assert.True(Math.Abs(expected[i] - actual) <= Tolerance, $"p{percents[i]} of {values.Length}: {expected[i]:R} vs {actual:R}");
            }
        }
    }

    [Fact]
    public void Fixtures_come_from_sklearn()
    {
        Assert.StartsWith("scikit-learn", Root.GetProperty("generator").GetString());
        Assert.True(Root.GetProperty("cases").GetArrayLength() >= 30);
    }
}
