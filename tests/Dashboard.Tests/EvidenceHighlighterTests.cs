using ClinicalAspire.Dashboard.Presentation;

namespace ClinicalAspire.Dashboard.Tests;

public class EvidenceHighlighterTests
{
    [Fact]
    public void Wraps_a_span_in_a_mark_and_keeps_the_rest_as_text()
    {
        var html = EvidenceHighlighter.ToHtml("He has a fever today.", [new HighlightSpan(9, 14, "Fever")]);

        Assert.Equal("He has a <mark data-testid=\"evidence-mark\" title=\"Fever\" data-features=\"Fever\">fever</mark> today.", html);
    }

    [Fact]
    public void Offsets_count_code_points_in_a_Persian_note()
    {
        // A supplementary-plane character (two UTF-16 units, one code point) before the Persian evidence.
        const string note = "🙂 بیمار درد شدید لگن دارد.";
        var start = CodePointIndexOf(note, "درد شدید");
        var span = new HighlightSpan(start, start + "درد شدید".Length, "Pain");

        var segments = EvidenceHighlighter.Segment(note, [span]);

        Assert.Equal(["🙂 بیمار ", "درد شدید", " لگن دارد."], segments.Select(s => s.Text));
        Assert.Equal([false, true, false], segments.Select(s => s.IsHighlighted));
        Assert.Equal(8, start); // 1 code point for the emoji, not the 2 UTF-16 units note.IndexOf would count
        Assert.Equal(9, note.IndexOf("درد", StringComparison.Ordinal));
    }

    [Fact]
    public void Overlapping_spans_merge_into_one_mark_with_every_feature()
    {
        var segments = EvidenceHighlighter.Segment("abcdefghij", [new(2, 6, "Pain"), new(4, 8, "Sleep"), new(5, 7, "Pain")]);

        Assert.Equal(["ab", "cdefgh", "ij"], segments.Select(s => s.Text));
        Assert.Equal(["Pain", "Sleep"], segments[1].Labels);
    }

    [Fact]
    public void Adjacent_spans_stay_separate_marks()
    {
        var html = EvidenceHighlighter.ToHtml("abcdef", [new(0, 3, "A"), new(3, 6, "B")]);

        Assert.Equal(2, CountMarks(html));
        Assert.StartsWith("<mark", html, StringComparison.Ordinal);
        Assert.Contains(">abc</mark><mark", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_and_labels_are_html_encoded()
    {
        var html = EvidenceHighlighter.ToHtml("<script>alert(1)</script> & pain", [new(28, 32, "a\"b<c>")]);

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.StartsWith("&lt;script&gt;alert(1)&lt;/script&gt; &amp; ", html, StringComparison.Ordinal);
        Assert.Contains("title=\"a&quot;b&lt;c&gt;\"", html, StringComparison.Ordinal);
        Assert.EndsWith(">pain</mark>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Persian_text_is_not_turned_into_entities()
    {
        var html = EvidenceHighlighter.ToHtml("تب دارد", [new(0, 2, "Fever")]);

        Assert.Contains(">تب</mark> دارد", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Spans_outside_the_text_are_clamped_or_dropped()
    {
        var segments = EvidenceHighlighter.Segment("short", [new(3, 99, "X"), new(7, 9, "Y"), new(2, 2, "Z"), new(-4, 1, "W")]);

        Assert.Equal(["s", "ho", "rt"], segments.Select(s => s.Text));
        Assert.Equal([true, false, true], segments.Select(s => s.IsHighlighted));
    }

    [Fact]
    public void No_text_and_no_spans_give_one_empty_segment()
    {
        Assert.Equal(string.Empty, EvidenceHighlighter.ToHtml(null, []));
        Assert.Equal("plain", EvidenceHighlighter.ToHtml("plain", []));
    }

    [Fact]
    public void A_span_on_the_whole_text_leaves_nothing_outside()
    {
        var segments = EvidenceHighlighter.Segment("درد", [new(0, 3)]);

        var only = Assert.Single(segments);
        Assert.True(only.IsHighlighted);
        Assert.Empty(only.Labels!);
        Assert.Equal("<mark data-testid=\"evidence-mark\">درد</mark>", EvidenceHighlighter.ToHtml("درد", [new(0, 3)]));
    }

    private static int CodePointIndexOf(string text, string value)
    {
        var utf16 = text.IndexOf(value, StringComparison.Ordinal);
        return text[..utf16].EnumerateRunes().Count();
    }

    private static int CountMarks(string html) => html.Split("<mark").Length - 1;
}
