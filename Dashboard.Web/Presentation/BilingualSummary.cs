using ClinicalAspire.Contracts.Evaluator.V1;

namespace ClinicalAspire.Dashboard.Presentation;

/// <summary>What a direct / translate-first pair shows, said from its own numbers (not the study's finding).</summary>
public static class BilingualSummary
{
    public static string Describe(RunInfo direct, RunInfo translated)
    {
        var d = direct.Metrics?.Summary;
        var t = translated.Metrics?.Summary;
        if (d is null || t is null)
        {
            return "The pair has no metrics yet.";
        }
        var parts = new List<string>
        {
            Change("median sensitivity", d.Sensitivity, t.Sensitivity),
            Change("median specificity", d.Specificity, t.Specificity),
            Change("median MCC", d.Mcc, t.Mcc),
        };
        var missingDirect = direct.Metrics!.Features.Sum(f => f.Missing);
        var missingTranslated = translated.Metrics!.Features.Sum(f => f.Missing);
        parts.Add(missingDirect == missingTranslated
            ? $"missing outputs stayed at {missingDirect}"
            : $"missing outputs went from {missingDirect} to {missingTranslated}");
        return $"In this pair, translating first {string.Join("; ", parts)}. Medians over the features; see the paired CI above before reading a difference as real.";
    }

    private static string Change(string name, Quartiles? direct, Quartiles? translated)
    {
        if (direct is null || translated is null)
        {
            return $"left {name} unmeasured";
        }
        var delta = Math.Round(translated.Median - direct.Median, 3, MidpointRounding.AwayFromZero);
        var verb = delta > 0 ? "raised" : delta < 0 ? "lowered" : "left unchanged";
        return $"{verb} {name} ({MetricFormat.Value(direct.Median)} → {MetricFormat.Value(translated.Median)})";
    }
}
