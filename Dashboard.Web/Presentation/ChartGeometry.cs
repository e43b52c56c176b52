using System.Globalization;

namespace ClinicalAspire.Dashboard.Presentation;

/// <summary>A rectangle in a chart's SVG coordinates (y grows downwards).</summary>
public readonly record struct Box(double X, double Y, double Width, double Height)
{
    public double Right => X + Width;

    public double Bottom => Y + Height;

    public bool Overlaps(Box other) => X < other.Right && other.X < Right && Y < other.Bottom && other.Y < Bottom;

    public bool Within(Box outer) => X >= outer.X && Y >= outer.Y && Right <= outer.Right && Bottom <= outer.Bottom;

    /// <summary>The point of this box nearest to (x, y): where a leader line from that point ends.</summary>
    public (double X, double Y) Nearest(double x, double y) => (Math.Clamp(x, X, Right), Math.Clamp(y, Y, Bottom));
}

/// <summary>A value range drawn onto a pixel range; values outside the range are held at its ends.</summary>
public readonly record struct LinearScale(double Min, double Max, double From, double To)
{
    public double Map(double value) => From + (Math.Clamp(value, Min, Max) - Min) / (Max - Min) * (To - From);

    /// <summary>Tick values from <see cref="Min"/> to <see cref="Max"/> every <paramref name="step"/> (no drift).</summary>
    public IReadOnlyList<double> Ticks(double step)
    {
        var (min, count) = (Min, (int)Math.Round((Max - Min) / step));
        return Enumerable.Range(0, count + 1).Select(i => Math.Round(min + i * step, 6)).ToList();
    }
}

/// <summary>
/// What every chart shares: the colours of its series (at least 3:1 against white, so a bar is seen without its
/// colour's name; series are also told apart by their fixed order), text widths for layout, number formats.
/// Charts are plain SVG with presentation attributes only, so the element saved by the export is the whole figure.
/// </summary>
public static class Charts
{
    public const string FontFamily = "Roboto, 'Helvetica Neue', Arial, sans-serif";

    public const string Ink = "#1a1a1a";

    public const string Muted = "#4d4d4d";

    public const string Grid = "#dcdcdc";

    private static readonly string[] Palette =
    [
        "#1f5fa8", "#b35900", "#1b7a4a", "#8e3b8e", "#a8323e", "#0b6e7a", "#5c5c5c", "#6b5a00",
    ];

    public static string Colour(int series) => Palette[series % Palette.Length];

    /// <summary>
    /// A generous estimate of a text's width (0.6 em per character): boxes laid out with it never overlap,
    /// whatever sans-serif font the browser or the image viewer substitutes.
    /// </summary>
    public static double TextWidth(string text, double fontSize) => text.Length * fontSize * 0.6 + 2;

    /// <summary>SVG numbers: invariant, at most two decimals.</summary>
    public static string N(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    public static string Format(double value, string format) =>
        double.IsNaN(value) || double.IsInfinity(value) ? MetricFormat.Missing : value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>The smallest of 1, 2, 2.5 or 5 times a power of ten at or above <paramref name="value"/> (an axis end).</summary>
    public static double NiceCeiling(double value)
    {
        if (value <= 0 || double.IsNaN(value))
        {
            return 1;
        }
        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var factor in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (factor * power >= value - 1e-9)
            {
                return factor * power;
            }
        }
        return 10 * power;
    }

    /// <summary>A confidence interval worth drawing: both ends known and not the "not computed" zeros.</summary>
    public static bool HasInterval(double low, double high, double estimate) =>
        !double.IsNaN(low) && !double.IsNaN(high) && !(low == 0 && high == 0 && estimate is not 0);
}

/// <summary>A point of a scatter plot that wants its text beside it.</summary>
public sealed record LabelRequest(double X, double Y, string Text);

/// <summary>Where a point's text went; <see cref="Leader"/> when it sits away from the point and a line joins them.</summary>
public sealed record PlacedLabel(double X, double Y, string Text, Box Box, bool Leader);

/// <summary>
/// Places every point's text where it overlaps no other text, no point and stays inside the chart: beside the point
/// when there is room, otherwise one line further up or down in a column beside it, joined by a leader line (so a
/// dozen features on one spot become a readable list fanning out from that spot instead of one unlabelled dot).
/// Columns fill row by row before the next, further one is used, and no leader line may cross a label, so the lines
/// run beside the labels, not through them. Greedy, in the points' order; deterministic.
/// </summary>
public static class ChartLabels
{
    public const double FontSize = 11;

    public const double LineHeight = 13;

    /// <summary>Horizontal distances of the label columns from the point's side (the first is right beside it).</summary>
    private static readonly double[] Columns = [0, 14, 40, 80, 140, 220];

    private const int Rows = 30;

    public static IReadOnlyList<PlacedLabel> Place(IReadOnlyList<LabelRequest> points, Box bounds, double markerRadius)
    {
        var obstacles = points.Select(p => new Box(p.X - markerRadius - 1, p.Y - markerRadius - 1, 2 * markerRadius + 2, 2 * markerRadius + 2)).ToList();
        var placed = new List<PlacedLabel>(points.Count);
        var labels = new List<Box>(points.Count);
        var leaders = new List<((double X, double Y) From, (double X, double Y) To)>();
        var gap = markerRadius + 3;
        foreach (var point in points)
        {
            var width = Charts.TextWidth(point.Text, FontSize);
            // Above or below a point fits a lone point among neighbours; in a crowd it would sit across the leader lines.
            var crowded = points.Count(p => !ReferenceEquals(p, point) && Math.Abs(p.X - point.X) < 2 * gap && Math.Abs(p.Y - point.Y) < 2 * gap) > 0;
            var chosen = Candidates(point, width, gap, crowded)
                .OrderBy(c => c.Cost)
                .Select(c => c.Box)
                .Where(box => box.Within(bounds) && !obstacles.Any(box.Overlaps))
                .Where(box => !leaders.Any(line => Crosses(line.From, line.To, box))
                    && !(Distance(point, box) > gap + 2 && labels.Any(label => Crosses((point.X, point.Y), box.Nearest(point.X, point.Y), label))))
                .Select(box => (Box?)box)
                .FirstOrDefault();
            // Nowhere free (a chart far too small): beside the point all the same, never dropped.
            var at = chosen ?? Clamp(new Box(point.X + gap, point.Y - LineHeight / 2, width, LineHeight), bounds);
            var leader = Distance(point, at) > gap + 2;
            obstacles.Add(at);
            labels.Add(at);
            if (leader)
            {
                leaders.Add(((point.X, point.Y), at.Nearest(point.X, point.Y)));
            }
            placed.Add(new PlacedLabel(point.X, point.Y, point.Text, at, leader));
        }
        return placed;
    }

    private static IEnumerable<(Box Box, double Cost)> Candidates(LabelRequest point, double width, double gap, bool crowded)
    {
        var h = LineHeight;
        for (var column = 0; column < Columns.Length; column++)
        {
            var dx = gap + Columns[column];
            for (var row = -Rows; row <= Rows; row++)
            {
                var y = point.Y - h / 2 + row * (h + 1);
                var cost = column * 20 + Math.Abs(row);
                yield return (new Box(point.X + dx, y, width, h), cost);
                yield return (new Box(point.X - dx - width, y, width, h), cost + 0.25);
            }
        }
        if (!crowded)
        {
            yield return (new Box(point.X - width / 2, point.Y - gap - h, width, h), 0.5);
            yield return (new Box(point.X - width / 2, point.Y + gap, width, h), 0.6);
        }
    }

    /// <summary>Does the segment from <paramref name="a"/> to <paramref name="b"/> pass through the box (Liang–Barsky, its edges excluded)?</summary>
    private static bool Crosses((double X, double Y) a, (double X, double Y) b, Box box)
    {
        double t0 = 0, t1 = 1, dx = b.X - a.X, dy = b.Y - a.Y;
        foreach (var (p, q) in new[] { (-dx, a.X - box.X - 0.5), (dx, box.Right - 0.5 - a.X), (-dy, a.Y - box.Y - 0.5), (dy, box.Bottom - 0.5 - a.Y) })
        {
            if (p == 0)
            {
                if (q < 0)
                {
                    return false;
                }
                continue;
            }
            var t = q / p;
            if (p < 0)
            {
                t0 = Math.Max(t0, t);
            }
            else
            {
                t1 = Math.Min(t1, t);
            }
            if (t0 > t1)
            {
                return false;
            }
        }
        return t0 < t1;
    }

    private static double Distance(LabelRequest point, Box box)
    {
        var (x, y) = box.Nearest(point.X, point.Y);
        return Math.Sqrt((x - point.X) * (x - point.X) + (y - point.Y) * (y - point.Y));
    }

    private static Box Clamp(Box box, Box bounds) => box with
    {
        X = Math.Clamp(box.X, bounds.X, Math.Max(bounds.X, bounds.Right - box.Width)),
        Y = Math.Clamp(box.Y, bounds.Y, Math.Max(bounds.Y, bounds.Bottom - box.Height)),
    };
}

/// <summary>
/// One bar per feature (a run's macro-F1, a metric, a count), each feature's bootstrap CI when the run has one, and the
/// median over the features with its CI when known.
/// </summary>
public sealed record ChartSeries(string Name, IReadOnlyDictionary<string, double> Values, double Median = double.NaN, double CiLow = double.NaN, double CiHigh = double.NaN)
{
    public bool HasMedian => !double.IsNaN(Median);

    public bool HasInterval => HasMedian && Charts.HasInterval(CiLow, CiHigh, Median);

    /// <summary>Each feature's 95% bootstrap CI (finished runs; live updates have none).</summary>
    public IReadOnlyDictionary<string, (double Low, double High)> Intervals { get; init; } = new Dictionary<string, (double, double)>();

    /// <summary>A metric of every feature row (and its CI, when <paramref name="interval"/> finds one), with the run's median of it and that median's bootstrap CI.</summary>
    public static ChartSeries Of(string name, IEnumerable<FeatureRow> rows, Func<FeatureRow, double> value, Contracts.Evaluator.V1.Quartiles? summary,
        Func<Contracts.Evaluator.V1.FeatureMetrics, Contracts.Evaluator.V1.Interval?>? interval = null)
    {
        var list = rows.ToList();
        return new(name, list.ToDictionary(r => r.Key, value, StringComparer.Ordinal),
            summary?.Median ?? double.NaN, summary?.CiLow ?? double.NaN, summary?.CiHigh ?? double.NaN)
        {
            Intervals = interval is null ? new Dictionary<string, (double, double)>()
                : list.Select(r => (r.Key, Ci: interval(r.Source))).Where(x => x.Ci is not null)
                    .ToDictionary(x => x.Key, x => (x.Ci!.Low, x.Ci.High), StringComparer.Ordinal),
        };
    }
}
