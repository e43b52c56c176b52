using ClinicalAspire.Contracts.Evaluator.V1;

namespace ClinicalAspire.Dashboard.Presentation;

/// <summary>One feature's metrics as the charts plot them (categories in the study's order).</summary>
public sealed record FeatureRow(string Key, string Name, double MacroF1, double Mcc, double Sensitivity, double Specificity, int Missing, FeatureMetrics Source)
{
    public static IReadOnlyList<FeatureRow> From(Metrics? metrics) =>
        metrics is null ? []
        : Features.Ordered(metrics.Features, f => f.Key)
            .Select(f => new FeatureRow(f.Key, Features.Name(f.Key), f.MacroF1, f.Mcc, f.Sensitivity, f.Specificity, f.Missing, f))
            .ToList();
}
