namespace ClinicalAspire.Domain.Metrics;

/// <summary>Percentiles with numpy.percentile's default ("linear") interpolation.</summary>
public static class Percentile
{
    /// <summary>
    /// The <paramref name="percent"/>-th percentile (0..100) of <paramref name="values"/>, as numpy.percentile(values, percent).
    /// NaN for an empty input.
    /// </summary>
    public static double Of(ReadOnlySpan<double> values, double percent)
    {
        if (values.IsEmpty)
        {
            return double.NaN;
        }
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return OfSorted(sorted, percent);
    }

    /// <summary>As <see cref="Of"/>, for values already sorted ascending (no copy).</summary>
    public static double OfSorted(ReadOnlySpan<double> sorted, double percent)
    {
        if (sorted.IsEmpty)
        {
            return double.NaN;
        }
        if (percent is < 0 or > 100 || double.IsNaN(percent))
        {
            throw new ArgumentOutOfRangeException(nameof(percent), "percent must be in [0, 100]");
        }
        double position = (sorted.Length - 1) * (percent / 100.0);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        double t = position - below;
        double a = sorted[below], b = sorted[above];
        // numpy's _lerp: a + (b - a) * t, computed from the upper end when t >= 0.5.
        double diff = b - a;
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }

    /// <summary>The median (50th percentile).</summary>
    public static double Median(ReadOnlySpan<double> values) => Of(values, 50);
}

/// <summary>Median and quartiles of a metric over features.</summary>
public readonly record struct Quartiles(double Q1, double Median, double Q3)
{
    public static Quartiles Of(ReadOnlySpan<double> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return new Quartiles(Percentile.OfSorted(sorted, 25), Percentile.OfSorted(sorted, 50), Percentile.OfSorted(sorted, 75));
    }
}
