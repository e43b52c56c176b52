using System.Net;
using System.Text;

namespace ClinicalAspire.Dashboard.Presentation;

/// <summary>One evidence span in Unicode code points, end exclusive, with the feature(s) it supports.</summary>
public readonly record struct HighlightSpan(int Start, int End, string? Label = null);

/// <summary>A run of text, highlighted when <see cref="Labels"/> is not null.</summary>
public sealed record HighlightSegment(string Text, IReadOnlyList<string>? Labels)
{
    public bool IsHighlighted => Labels is not null;
}

/// <summary>
/// Turns a note and its evidence spans (code point offsets, as the Extractor reports them) into
/// HTML-encoded markup with each span wrapped in a &lt;mark&gt;. Overlapping spans merge into one mark
/// carrying every feature; adjacent spans stay separate marks; spans outside the text are clamped or dropped.
/// </summary>
public static class EvidenceHighlighter
{
    public const string MarkTestId = "evidence-mark";

    public static IReadOnlyList<HighlightSegment> Segment(string? text, IEnumerable<HighlightSpan> spans)
    {
        text ??= string.Empty;
        var boundaries = CodePointBoundaries(text);
        var codePoints = boundaries.Length - 1;

        var ordered = spans
            .Select(span => new HighlightSpan(Math.Clamp(span.Start, 0, codePoints), Math.Clamp(span.End, 0, codePoints), span.Label))
            .Where(span => span.End > span.Start)
            .OrderBy(span => span.Start)
            .ThenBy(span => span.End)
            .ToList();

        // Merge overlaps (not mere adjacency) into groups: [start, end) with the union of labels.
        var merged = new List<(int Start, int End, List<string> Labels)>();
        foreach (var span in ordered)
        {
            if (merged.Count > 0 && span.Start < merged[^1].End)
            {
                var last = merged[^1];
                if (span.Label is { Length: > 0 } label && !last.Labels.Contains(label))
                {
                    last.Labels.Add(label);
                }
                merged[^1] = (last.Start, Math.Max(last.End, span.End), last.Labels);
            }
            else
            {
                merged.Add((span.Start, span.End, span.Label is { Length: > 0 } l ? [l] : []));
            }
        }

        var segments = new List<HighlightSegment>();
        var position = 0;
        foreach (var (start, end, labels) in merged)
        {
            if (start > position)
            {
                segments.Add(new HighlightSegment(Slice(text, boundaries, position, start), null));
            }
            segments.Add(new HighlightSegment(Slice(text, boundaries, start, end), labels));
            position = end;
        }
        if (position < codePoints || segments.Count == 0)
        {
            segments.Add(new HighlightSegment(Slice(text, boundaries, position, codePoints), null));
        }
        return segments;
    }

    /// <summary>HTML markup: every segment encoded, highlighted ones inside &lt;mark&gt;.</summary>
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
            var labels = WebUtility.HtmlEncode(string.Join(", ", segment.Labels));
            html.Append("<mark data-testid=\"").Append(MarkTestId).Append('"');
            if (segment.Labels.Count > 0 && classOf?.Invoke(segment.Labels[0]) is { Length: > 0 } css)
            {
                // Where features overlap the mark takes the first one's colour and a dashed edge says there are more.
                html.Append(" class=\"").Append(WebUtility.HtmlEncode(css)).Append(segment.Labels.Count > 1 ? " ev-multi" : "").Append('"');
            }
            if (labels.Length > 0)
            {
                html.Append(" title=\"").Append(labels).Append("\" data-features=\"").Append(labels).Append('"');
            }
            html.Append('>').Append(encoded).Append("</mark>");
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
