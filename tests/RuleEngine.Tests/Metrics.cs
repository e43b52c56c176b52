namespace ClinicalAspire.RuleEngine.Tests;

/// <summary>Per-feature binary metrics with scikit-learn's conventions (zero_division = 0, MCC 0 when undefined).</summary>
public readonly record struct BinaryMetrics(int Tp, int Fp, int Tn, int Fn)
{
    public int N => Tp + Fp + Tn + Fn;

    public double Precision => Div(Tp, Tp + Fp);

    public double Sensitivity => Div(Tp, Tp + Fn);

    public double Specificity => Div(Tn, Tn + Fp);

    public double Accuracy => Div(Tp + Tn, N);

    /// <summary>F1 of the positive class: 2TP / (2TP + FP + FN), 0 when the denominator is 0.</summary>
    public double F1Positive => Div(2 * Tp, 2 * Tp + Fp + Fn);

    /// <summary>F1 of the negative class: 2TN / (2TN + FN + FP).</summary>
    public double F1Negative => Div(2 * Tn, 2 * Tn + Fn + Fp);

    /// <summary>sklearn f1_score(average="macro") over the labels present in y_true or y_pred.</summary>
    public double MacroF1
    {
        get
        {
            var positivePresent = Tp + Fn + Fp > 0;
            var negativePresent = Tn + Fp + Fn > 0;
            if (positivePresent && negativePresent)
            {
                return (F1Positive + F1Negative) / 2;
            }
            return positivePresent ? F1Positive : F1Negative;
        }
    }

    public double Mcc
    {
        get
        {
            double tp = Tp, fp = Fp, tn = Tn, fn = Fn;
            var den = Math.Sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
            return den == 0 ? 0 : ((tp * tn) - (fp * fn)) / den;
        }
    }

    private static double Div(double a, double b) => b == 0 ? 0 : a / b;

    public static BinaryMetrics From(IEnumerable<(bool Truth, bool Predicted)> pairs)
    {
        int tp = 0, fp = 0, tn = 0, fn = 0;
        foreach (var (t, p) in pairs)
        {
            if (t && p) tp++;
            else if (!t && p) fp++;
            else if (!t && !p) tn++;
            else fn++;
        }
        return new BinaryMetrics(tp, fp, tn, fn);
    }

    public static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        if (v.Length == 0) return double.NaN;
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }
}
