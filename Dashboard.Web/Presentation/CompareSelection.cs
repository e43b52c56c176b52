namespace ClinicalAspire.Dashboard.Presentation;

/// <summary>
/// The runs a compare link names (<c>/compare?runs=a,b,c&amp;baseline=b</c>), in the order CompareRuns wants them:
/// the baseline first, then the others as listed. The link is the state: the page only reads it.
/// </summary>
public sealed record CompareSelection(IReadOnlyList<string> RunIds, string Baseline)
{
    /// <summary>CompareRuns' own bound (InputLimits.MaxComparedRuns).</summary>
    public const int MaxRuns = 16;

    public static CompareSelection Parse(string? runs, string? baseline)
    {
        var ids = (runs ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal).Take(MaxRuns).ToList();
        var chosen = baseline is { Length: > 0 } && ids.Contains(baseline, StringComparer.Ordinal) ? baseline : ids.FirstOrDefault() ?? "";
        return new CompareSelection(ids, chosen);
    }

    public bool CanCompare => RunIds.Count >= 2;

    /// <summary>The baseline, then the other runs in the link's order.</summary>
    public IReadOnlyList<string> Ordered => CanCompare ? [Baseline, .. RunIds.Where(id => id != Baseline)] : RunIds;

    /// <summary>The page's address for this selection (relative, so it works under any base path).</summary>
    public string Link() => RunIds.Count == 0 ? "compare"
        : $"compare?runs={string.Join(",", RunIds.Select(Uri.EscapeDataString))}&baseline={Uri.EscapeDataString(Baseline)}";
}
