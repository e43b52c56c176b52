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

/// <summary>How a mention of a feature was read (<see cref="EvidenceSpan.Status"/>).</summary>
public static class MentionStatus
{
    public const string Negated = "negated";
    public const string Resolved = "resolved";
    public const string Historical = "historical";
    public const string Hypothetical = "hypothetical";
    public const string OtherExperiencer = "other_experiencer";
}

/// <summary>
/// A span of the text the engine read: in <see cref="FeatureAnswer.Evidence"/> it supports a positive answer; in
/// <see cref="FeatureAnswer.Discounted"/> it is a mention that did not count, with its <see cref="Status"/> and the
/// <see cref="Cue"/> that decided it.
/// Start/End are UTF-16 offsets (end exclusive) into the text named by <see cref="Source"/>.
/// </summary>
public sealed record EvidenceSpan(int Start, int End, string Quote, string Source = EvidenceSource.Text)
{
    /// <summary>Null for a mention that asserts the feature; otherwise one of <see cref="MentionStatus"/>.</summary>
    public string? Status { get; init; }

    /// <summary>The word that decided <see cref="Status"/> ("ندارد", "-", the "نه" answering "تب؟"), when one did.</summary>
    public EvidenceSpan? Cue { get; init; }
}

public sealed record FeatureAnswer(string Key, FeatureValue Value, IReadOnlyList<EvidenceSpan> Evidence)
{
    /// <summary>
    /// Mentions of the feature that were read but did not count (negated, resolved, historical, hypothetical, someone
    /// else's), each with its status and cue: why an answer is False, or what was set aside beside a True one. Engines
    /// that do not explain leave it empty.
    /// </summary>
    public IReadOnlyList<EvidenceSpan> Discounted { get; init; } = [];

    public static FeatureAnswer Negative(string key) => new(key, FeatureValue.False, []);
    public static FeatureAnswer MissingAnswer(string key) => new(key, FeatureValue.Missing, []);
}
