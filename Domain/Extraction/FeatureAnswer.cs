namespace ClinicalAspire.Domain.Extraction;

/// <summary>An engine's answer for one feature.</summary>
public enum FeatureValue
{
    False,
    True,
    /// <summary>No readable answer (scored as negative by default, counted separately).</summary>
    Missing,
}

/// <summary>Which text an evidence span points into.</summary>
public static class EvidenceSource
{
    public const string Text = "text";
    public const string Translation = "translation";
}

/// <summary>
/// A span of the text the engine read that supports a positive answer.
/// Start/End are UTF-16 offsets (end exclusive) into the text named by <see cref="Source"/>.
/// </summary>
public sealed record EvidenceSpan(int Start, int End, string Quote, string Source = EvidenceSource.Text);

public sealed record FeatureAnswer(string Key, FeatureValue Value, IReadOnlyList<EvidenceSpan> Evidence)
{
    public static FeatureAnswer Negative(string key) => new(key, FeatureValue.False, []);
    public static FeatureAnswer MissingAnswer(string key) => new(key, FeatureValue.Missing, []);
}
