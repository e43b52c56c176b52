using System.Globalization;
using ClinicalAspire.Contracts.Evaluator.V1;

namespace ClinicalAspire.Dashboard.Presentation;

/// <summary>How numbers read on every page: three decimals, medians with quartiles, CIs, deltas, rates, ETAs.</summary>
public static class MetricFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public const string Missing = "—";

    public static string Value(double value) =>
        double.IsNaN(value) || double.IsInfinity(value) ? Missing : value.ToString("0.000", Invariant);

    /// <summary>"0.899 [0.850, 0.920]": median [Q1, Q3], as the study reports.</summary>
    public static string MedianIqr(Quartiles? quartiles) =>
        quartiles is null ? Missing : $"{Value(quartiles.Median)} [{Value(quartiles.Q1)}, {Value(quartiles.Q3)}]";

    /// <summary>"0.850 – 0.930", or a dash when no interval was computed.</summary>
    public static string Ci(Quartiles? quartiles) =>
        quartiles is null ? Missing : Interval(quartiles.CiLow, quartiles.CiHigh, quartiles.Median);

    public static string Interval(double low, double high, double estimate = double.NaN)
    {
        if (double.IsNaN(low) || double.IsNaN(high) || (low == 0 && high == 0 && estimate is not 0 and not double.NaN))
        {
            return Missing;
        }
        return $"{Value(low)} – {Value(high)}";
    }

    /// <summary>Signed: "+0.012", "−0.034", "0.000".</summary>
    public static string Delta(double delta)
    {
        if (double.IsNaN(delta) || double.IsInfinity(delta))
        {
            return Missing;
        }
        var rounded = Math.Round(delta, 3, MidpointRounding.AwayFromZero);
        return rounded switch
        {
            > 0 => "+" + rounded.ToString("0.000", Invariant),
            < 0 => "\u2212" + (-rounded).ToString("0.000", Invariant),
            _ => "0.000",
        };
    }

    /// <summary>True when a paired CI of a difference excludes zero.</summary>
    public static bool CiExcludesZero(double low, double high) => (low > 0 && high > 0) || (low < 0 && high < 0);

    public static double Percent(int completed, int total) =>
        total <= 0 ? 0 : Math.Clamp(100.0 * completed / total, 0, 100);

    public static string Progress(int completed, int failed, int total)
    {
        // Floored: 100% only when every record is in.
        var text = $"{completed} / {total} records ({Math.Floor(Percent(completed, total)).ToString("0", Invariant)}%)";
        return failed > 0 ? $"{text}, {failed} failed" : text;
    }

    public static string Rate(double recordsPerSecond) =>
        recordsPerSecond <= 0 || double.IsNaN(recordsPerSecond) ? Missing
        : recordsPerSecond >= 10 ? $"{recordsPerSecond.ToString("0", Invariant)} records/s"
        : $"{recordsPerSecond.ToString("0.0", Invariant)} records/s";

    /// <summary>"45 s", "3 min 05 s", "1 h 02 min".</summary>
    public static string Duration(double seconds)
    {
        if (double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds < 0)
        {
            return Missing;
        }
        if (seconds < 1)
        {
            return "< 1 s";
        }
        var span = TimeSpan.FromSeconds(Math.Round(seconds));
        return span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes:00} min"
            : span.TotalMinutes >= 1 ? $"{span.Minutes} min {span.Seconds:00} s"
            : $"{span.Seconds} s";
    }

    public static string Eta(RunInfo run) =>
        RunStates.IsTerminal(run.State) ? Missing : run.EtaSeconds > 0 ? Duration(run.EtaSeconds) : Missing;

    public static string Timestamp(Google.Protobuf.WellKnownTypes.Timestamp? timestamp) =>
        timestamp is null || (timestamp.Seconds == 0 && timestamp.Nanos == 0) ? Missing
        : timestamp.ToDateTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", Invariant);

    /// <summary>The four study metrics of a summary, in the study's column order.</summary>
    public static IReadOnlyList<(string Name, Quartiles? Value)> StudyMetrics(MetricsSummary? summary) =>
    [
        ("Macro-F1", summary?.MacroF1),
        ("MCC", summary?.Mcc),
        ("Sensitivity", summary?.Sensitivity),
        ("Specificity", summary?.Specificity),
    ];
}
