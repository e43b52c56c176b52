namespace ClinicalAspire.Domain.Metrics;

/// <summary>
/// One feature's metrics over the records with a known label.
/// <see cref="Labelled"/> = records with a known label; <see cref="Missing"/> = of those, how many had no readable
/// prediction (extraction errors included); <see cref="MissingRate"/> = Missing / Labelled (0 when nothing labelled).
/// Under <see cref="MissingPolicy.ScoreAsNegative"/> the missing ones are in the counts as negative predictions; under
/// <see cref="MissingPolicy.Exclude"/> they are left out of <see cref="Counts"/>.
/// </summary>
public sealed record FeatureMetrics(string Key, ConfusionCounts Counts, int Labelled, int Unknown, int Missing)
{
    public int Scored => Counts.Total;
    public double MissingRate => Labelled == 0 ? 0.0 : (double)Missing / Labelled;
    public double Precision => Counts.Precision;
    public double Sensitivity => Counts.Sensitivity;
    public double Specificity => Counts.Specificity;
    public double Accuracy => Counts.Accuracy;
    public double MacroF1 => Counts.MacroF1;
    public double Mcc => Counts.Mcc;

    public double Get(Metric metric) => Counts.Get(metric);
}
