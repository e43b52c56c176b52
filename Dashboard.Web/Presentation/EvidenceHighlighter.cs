using System.Net;
using System.Text;

namespace ClinicalAspire.Dashboard.Presentation;

/// <summary>What a span of a note is: evidence for a feature, a mention that did not count, or the cue that discounted it.</summary>
/// <remarks>Where spans of different kinds overlap, the first kind of this order wins.</remarks>
public enum HighlightKind
{
    Evidence,
    Discounted,
    Cue,
}

/// <summary>
/// One span in Unicode code points, end exclusive, with the feature(s) it concerns; a discounted mention carries its
/// <paramref name="Reason"/> in words ("negated"), written after it in the note.
/// </summary>
public readonly record struct HighlightSpan(int Start, int End, string? Label = null, HighlightKind Kind = HighlightKind.Evidence, string? Reason = null);

/// <summary>A run of text, highlighted when <see cref="Labels"/> is not null.</summary>
public sealed record HighlightSegment(string Text, IReadOnlyList<string>? Labels, HighlightKind Kind = HighlightKind.Evidence, IReadOnlyList<string>? Reasons = null)
{
    public bool IsHighlighted => Labels is not null;
}

/// <summary>
/// Turns a note and its spans (code point offsets, as the Extractor reports them) into HTML-encoded markup: evidence in
/// a &lt;mark&gt;, a discounted mention struck through (&lt;s&gt;) with its reason in words after it, its cue underlined.
/// Overlapping spans merge into one carrying every feature; adjacent spans stay separate; spans outside the text are
/// clamped or dropped.
/// </summary>
public static class EvidenceHighlighter
{
    public const string MarkTestId = "evidence-mark";
    public const string DiscountedTestId = "discounted-mark";
    public const string ReasonTestId = "discounted-reason";
    public const string CueTestId = "cue-mark";

    public static IReadOnlyList<HighlightSegment> Segment(string? text, IEnumerable<HighlightSpan> spans)
    {
        text ??= string.Empty;
        var boundaries = CodePointBoundaries(text);
        var codePoints = boundaries.Length - 1;

        var ordered = spans
            .Select(span => span with { Start = Math.Clamp(span.Start, 0, codePoints), End = Math.Clamp(span.End, 0, codePoints) })
            .Where(span => span.End > span.Start)
            .OrderBy(span => span.Start)
            .ThenBy(span => span.End)
            .ToList();

        // Merge overlaps (not mere adjacency) into groups: [start, end) with the union of labels and reasons.
        var merged = new List<(int Start, int End, List<string> Labels, HighlightKind Kind, List<string> Reasons)>();
        foreach (var span in ordered)
        {
            if (merged.Count > 0 && span.Start < merged[^1].End)
            {
                var last = merged[^1];
                AddOnce(last.Labels, span.Label);
                AddOnce(last.Reasons, span.Reason);
                merged[^1] = (last.Start, Math.Max(last.End, span.End), last.Labels, span.Kind < last.Kind ? span.Kind : last.Kind, last.Reasons);
            }
            else
            {
                merged.Add((span.Start, span.End, span.Label is { Length: > 0 } l ? [l] : [], span.Kind, span.Reason is { Length: > 0 } r ? [r] : []));
            }
        }

        var segments = new List<HighlightSegment>();
        var position = 0;
        foreach (var (start, end, labels, kind, reasons) in merged)
        {
            if (start > position)
            {
                segments.Add(new HighlightSegment(Slice(text, boundaries, position, start), null));
            }
            segments.Add(new HighlightSegment(Slice(text, boundaries, start, end), labels, kind, reasons));
            position = end;
        }
        if (position < codePoints || segments.Count == 0)
        {
            segments.Add(new HighlightSegment(Slice(text, boundaries, position, codePoints), null));
        }
        return segments;
    }

    private static void AddOnce(List<string> items, string? item)
    {
        if (item is { Length: > 0 } && !items.Contains(item))
        {
            items.Add(item);
        }
    }

    /// <summary>
    /// HTML markup: every segment encoded; evidence inside &lt;mark&gt;, a discounted mention inside &lt;s&gt; followed by
    /// its reasons in words, a cue inside a &lt;span class="cue"&gt;.
    /// </summary>
    /// <param name="classOf">A CSS class for a mark from its first label (the feature's colour), or none.</param>
    public static string ToHtml(string? text, IEnumerable<HighlightSpan> spans, Func<string, string?>? classOf = null)
    {
        var html = new StringBuilder();
        foreach (var segment in Segment(text, spans))
        {
            var encoded = WebUtility.HtmlEncode(segment.Text);
            if (segment.Labels is null)
            {
                html.Append(encoded);
                continue;
            }
            var (tag, testId, css) = segment.Kind switch
            {
                HighlightKind.Discounted => ("s", DiscountedTestId, "discounted"),
                HighlightKind.Cue => ("span", CueTestId, "cue"),
                // Where features overlap the mark takes the first one's colour and a dashed edge says there are more.
                _ => ("mark", MarkTestId, segment.Labels.Count > 0 && classOf?.Invoke(segment.Labels[0]) is { Length: > 0 } colour
                    ? colour + (segment.Labels.Count > 1 ? " ev-multi" : "") : null),
            };
            html.Append('<').Append(tag).Append(" data-testid=\"").Append(testId).Append('"');
            if (css is not null)
            {
                html.Append(" class=\"").Append(WebUtility.HtmlEncode(css)).Append('"');
            }
            var labels = WebUtility.HtmlEncode(string.Join(", ", segment.Labels));
            if (labels.Length > 0)
            {
                html.Append(" title=\"").Append(labels).Append("\" data-features=\"").Append(labels).Append('"');
            }
            html.Append('>').Append(encoded).Append("</").Append(tag).Append('>');
            if (segment.Kind == HighlightKind.Discounted && segment.Reasons is { Count: > 0 } reasons)
            {
                // In words, in the note itself (a title is neither seen on a phone nor read by every screen reader);
                // dir isolates the English words inside a right-to-left note.
                html.Append("<small class=\"discounted-reason\" dir=\"ltr\" data-testid=\"").Append(ReasonTestId).Append("\">")
                    .Append(WebUtility.HtmlEncode(string.Join(", ", reasons))).Append("</small>");
            }
        }
        return html.ToString();
    }

    /// <summary>The number of Unicode code points (what the offsets count).</summary>
    public static int CodePointLength(string? text) => CodePointBoundaries(text ?? string.Empty).Length - 1;

    /// <summary>UTF-16 index of each code point boundary: [0] = 0, [n] = text.Length.</summary>
    private static int[] CodePointBoundaries(string text)
    {
        var boundaries = new List<int>(text.Length + 1) { 0 };
        var index = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            // A lone surrogate comes back as U+FFFD with a UTF-16 length of 1, as it was in the text.
            index += rune.Utf16SequenceLength;
            boundaries.Add(index);
        }
        return [.. boundaries];
    }

    private static string Slice(string text, int[] boundaries, int start, int end) =>
        text[boundaries[start]..boundaries[end]];
}
