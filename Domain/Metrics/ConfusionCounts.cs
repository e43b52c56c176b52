namespace ClinicalAspire.Domain.Metrics;

/// <summary>
/// A binary confusion matrix (positive class = true) and the study's metrics computed from it exactly as
/// scikit-learn 1.2 computes them: <c>zero_division</c> gives 0, macro-F1 averages over the classes present in
/// y_true ∪ y_pred (a single present class gives that class's F1 alone), MCC is 0 when undefined.
/// </summary>
public readonly record struct ConfusionCounts(int TruePositives, int FalsePositives, int TrueNegatives, int FalseNegatives)
{
    /// <summary>Records scored (TP + FP + TN + FN).</summary>
    public int Total => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;

    /// <summary>TP / (TP + FP); 0 when no positive prediction (sklearn <c>precision_score</c>, zero_division=0).</summary>
    public double Precision => Divide(TruePositives, TruePositives + FalsePositives);

    /// <summary>Recall of the positive class, TP / (TP + FN); 0 when no positive label.</summary>
    public double Sensitivity => Divide(TruePositives, TruePositives + FalseNegatives);

    /// <summary>TN / (TN + FP); 0 when no negative label.</summary>
    public double Specificity => Divide(TrueNegatives, TrueNegatives + FalsePositives);

    /// <summary>(TP + TN) / total; 0 when nothing was scored.</summary>
    public double Accuracy => Divide(TruePositives + TrueNegatives, Total);

    /// <summary>
    /// sklearn <c>f1_score(average="macro")</c>: the mean of the per-class F1 over the classes that occur in the labels
    /// or the predictions. When only one class occurs, that class's F1 (1.0 if every prediction is right) is the result.
    /// 0 when nothing was scored.
    /// </summary>
    public double MacroF1
    {
        get
        {
            bool positivePresent = TruePositives + FalseNegatives + FalsePositives > 0;
            bool negativePresent = TrueNegatives + FalsePositives + FalseNegatives > 0;
            double positive = ClassF1(TruePositives, FalsePositives, FalseNegatives);
            double negative = ClassF1(TrueNegatives, FalseNegatives, FalsePositives);
            return (positivePresent, negativePresent) switch
            {
                (true, true) => (positive + negative) / 2.0,
                (true, false) => positive,
                (false, true) => negative,
                _ => 0.0,
            };
        }
    }

    /// <summary>sklearn <c>matthews_corrcoef</c> (its covariance form); 0 when either variance is 0.</summary>
    public double Mcc
    {
        get
        {
            // sklearn: t = true counts per class, p = predicted counts per class, c = correct, s = samples.
            double tp = TruePositives, fp = FalsePositives, tn = TrueNegatives, fn = FalseNegatives;
            double s = tp + fp + tn + fn;
            double c = tp + tn;
            double tPos = tp + fn, tNeg = tn + fp;
            double pPos = tp + fp, pNeg = tn + fn;
            double covYtYp = c * s - (pNeg * tNeg + pPos * tPos);
            double covYpYp = s * s - (pNeg * pNeg + pPos * pPos);
            double covYtYt = s * s - (tNeg * tNeg + tPos * tPos);
            if (covYtYt * covYpYp == 0)
            {
                return 0.0;
            }
            return covYtYp / Math.Sqrt(covYtYt * covYpYp);
        }
    }

    /// <summary>Element-wise sum.</summary>
    public static ConfusionCounts operator +(ConfusionCounts a, ConfusionCounts b) =>
        new(a.TruePositives + b.TruePositives, a.FalsePositives + b.FalsePositives, a.TrueNegatives + b.TrueNegatives, a.FalseNegatives + b.FalseNegatives);

    /// <summary>The value of <paramref name="metric"/>.</summary>
    public double Get(Metric metric) => metric switch
    {
        Metric.MacroF1 => MacroF1,
        Metric.Mcc => Mcc,
        Metric.Sensitivity => Sensitivity,
        Metric.Specificity => Specificity,
        Metric.Precision => Precision,
        Metric.Accuracy => Accuracy,
        _ => throw new ArgumentOutOfRangeException(nameof(metric)),
    };

    // sklearn 1.2: P and R with zero_division 0, then F = 2PR / (P + R), 0 when P + R = 0.
    private static double ClassF1(int tp, int fp, int fn)
    {
        double p = Divide(tp, tp + fp);
        double r = Divide(tp, tp + fn);
        double denominator = p + r;
        return denominator == 0 ? 0.0 : 2.0 * p * r / denominator;
    }

    private static double Divide(int numerator, int denominator) => denominator == 0 ? 0.0 : (double)numerator / denominator;
}

/// <summary>The metrics summarised per run (median [Q1, Q3] over the features, with a bootstrap CI of the median).</summary>
public enum Metric
{
    MacroF1,
    Mcc,
    Sensitivity,
    Specificity,
    Precision,
    Accuracy,
}
