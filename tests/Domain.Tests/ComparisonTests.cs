using ClinicalAspire.Domain.Metrics;

namespace ClinicalAspire.Domain.Tests;

public sealed class ComparisonTests
{
    private static readonly BootstrapOptions Options = new() { Resamples = 1000, Seed = 3 };

    [Fact]
    public void A_better_second_run_has_a_positive_difference_with_a_paired_interval_above_zero()
    {
        var labels = Synthetic.Labels(1221, seed: 5);
        var worse = EvaluationTable.Build(Synthetic.Keys, Synthetic.Run(labels, error: 0.15, missing: 0.05, seed: 10));
        var better = EvaluationTable.Build(Synthetic.Keys, Synthetic.Run(labels, error: 0.04, missing: 0.01, seed: 11));
        var comparison = RunEvaluator.Compare(worse, better, Options);
        var d = comparison.MacroF1;
        Assert.Equal(1221, comparison.CommonRecords);
        Assert.True(d.Difference > 0);
        Assert.Equal(d.Second - d.First, d.Difference, 12);
        Assert.True(d.CiLower > 0 && d.CiLower <= d.Difference && d.Difference <= d.CiUpper, $"{d}");
        Assert.All(comparison.Deltas, delta => Assert.True(delta.MacroF1 > 0, delta.Key));
        for (int f = 0; f < Synthetic.Keys.Length; f++)
        {
            Assert.Equal(comparison.Second.Features[f].Mcc - comparison.First.Features[f].Mcc, comparison.Deltas[f].Mcc, 12);
            Assert.Equal(comparison.Second.Features[f].Sensitivity - comparison.First.Features[f].Sensitivity, comparison.Deltas[f].Sensitivity, 12);
        }

        var reversed = RunEvaluator.Compare(better, worse, Options).MacroF1;
        Assert.Equal(-d.Difference, reversed.Difference, 12);
        Assert.Equal(-d.CiUpper, reversed.CiLower, 12);
        Assert.Equal(-d.CiLower, reversed.CiUpper, 12);
    }

    [Fact]
    public void A_run_compared_with_itself_differs_by_exactly_zero()
    {
        var table = Synthetic.Table(300);
        var comparison = RunEvaluator.Compare(table, table, Options);
        foreach (var difference in comparison.MedianDifferences.Values)
        {
            Assert.Equal(0, difference.Difference);
            Assert.Equal(0, difference.CiLower);
            Assert.Equal(0, difference.CiUpper);
        }
    }

    [Fact]
    public void Pairing_narrows_the_interval_compared_with_independent_runs()
    {
        // Two similar runs on the same records: the paired CI of the difference is much narrower than either run's own CI.
        var labels = Synthetic.Labels(800, seed: 9);
        var a = EvaluationTable.Build(Synthetic.Keys, Synthetic.Run(labels, 0.08, 0.02, 20));
        var b = EvaluationTable.Build(Synthetic.Keys, Synthetic.Run(labels, 0.07, 0.02, 21));
        var d = RunEvaluator.Compare(a, b, Options).MacroF1;
        var own = RunEvaluator.Evaluate(a, Options).Summary[Metric.MacroF1];
        Assert.True(d.CiUpper - d.CiLower < (own.CiUpper - own.CiLower) * 1.5);
        Assert.True(d.CiLower <= d.Difference && d.Difference <= d.CiUpper);
    }

    [Fact]
    public void Only_records_present_in_both_runs_are_compared()
    {
        var labels = Synthetic.Labels(400, seed: 2);
        var first = EvaluationTable.Build(Synthetic.Keys, Synthetic.Run(labels, 0.1, 0.0, 1));
        var second = EvaluationTable.Build(Synthetic.Keys, Synthetic.Run(labels, 0.1, 0.0, 2).Skip(100));
        var comparison = RunEvaluator.Compare(first, second, Options);
        Assert.Equal(300, comparison.CommonRecords);
        Assert.Equal(300, comparison.First.Records);
        Assert.Equal(300, comparison.First.Features[0].Labelled);
        Assert.Throws<ArgumentException>(() =>
            RunEvaluator.Compare(first, EvaluationTable.Build(Synthetic.Keys, [new EvaluationRecord("other", labels[0].Labels, null)]), Options));
    }
}
