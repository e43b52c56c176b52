namespace ClinicalAspire.Dashboard.Presentation;

/// <summary>Value axes that use their room: 0..1 where a metric cannot be negative, MCC from where its data starts.</summary>
public static class ChartAxes
{
    /// <summary>0, or the quarter step below the lowest value when some value is negative (MCC reaches down to -1).</summary>
    public static double LowerBound(IEnumerable<double> values)
    {
        var lowest = values.Where(v => !double.IsNaN(v)).DefaultIfEmpty(0).Min();
        return lowest >= 0 ? 0 : Math.Max(-1, Math.Floor(lowest * 4) / 4);
    }
}
