using ClinicalAspire.Contracts.Evaluator.V1;

namespace ClinicalAspire.Dashboard.Presentation;

/// <summary>The four cells of a feature's confusion matrix, as filters of a run's records: code, words and count.</summary>
public static class Outcomes
{
    /// <summary>In the order the filter buttons show them: the errors first.</summary>
    public static IReadOnlyList<Outcome> All { get; } = [Outcome.FalsePositive, Outcome.FalseNegative, Outcome.TruePositive, Outcome.TrueNegative];

    public static string Code(Outcome outcome) => outcome switch
    {
        Outcome.TruePositive => "TP",
        Outcome.FalsePositive => "FP",
        Outcome.FalseNegative => "FN",
        Outcome.TrueNegative => "TN",
        _ => "?",
    };

    /// <summary>What the cell holds, in words (the buttons' titles, the filter's summary).</summary>
    public static string Words(Outcome outcome) => outcome switch
    {
        Outcome.TruePositive => "true positives (predicted yes, labelled yes)",
        Outcome.FalsePositive => "false positives (predicted yes, labelled no)",
        Outcome.FalseNegative => "false negatives (predicted no, labelled yes)",
        Outcome.TrueNegative => "true negatives (predicted no, labelled no)",
        _ => "",
    };

    /// <summary>The cell's count in the run's metrics.</summary>
    public static int Count(FeatureMetrics feature, Outcome outcome) => outcome switch
    {
        Outcome.TruePositive => feature.Tp,
        Outcome.FalsePositive => feature.Fp,
        Outcome.FalseNegative => feature.Fn,
        Outcome.TrueNegative => feature.Tn,
        _ => 0,
    };
}
