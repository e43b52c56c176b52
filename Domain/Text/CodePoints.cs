namespace ClinicalAspire.Domain.Text;

/// <summary>
/// Converts UTF-16 offsets (what .NET strings index) to Unicode code point offsets (what the gRPC API
/// reports, so Python's text[start:end] and other clients agree). Persian and English text never differ.
/// </summary>
public static class CodePoints
{
    /// <summary>One offset: a scan of the text up to it. For many offsets into one text use <see cref="Index"/>.</summary>
    public static int FromUtf16(string text, int utf16Offset)
    {
        var offset = Math.Clamp(utf16Offset, 0, text.Length);
        var surrogatePairs = 0;
        for (var i = 0; i < offset - 1; i++)
        {
            if (char.IsHighSurrogate(text[i]) && char.IsLowSurrogate(text[i + 1]))
            {
                surrogatePairs++;
                i++;
            }
        }
        return offset - surrogatePairs;
    }

    /// <summary>
    /// A converter for many offsets into <paramref name="text"/>: one pass over the text, then each offset in constant
    /// time (a long note can carry thousands of evidence spans; one scan each was quadratic).
    /// </summary>
    public static CodePointIndex Index(string text) => new(text);
}

/// <summary>UTF-16 to code point offsets of one text; same answers as <see cref="CodePoints.FromUtf16"/>.</summary>
public sealed class CodePointIndex
{
    private readonly int _length;

    /// <summary>pairsBefore[k]: surrogate pairs lying wholly in text[..k]; null when the text has none.</summary>
    private readonly int[]? _pairsBefore;

    internal CodePointIndex(string text)
    {
        _length = text.Length;
        if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            return;
        }
        var pairsBefore = new int[text.Length + 1];
        var pairs = 0;
        for (var i = 0; i < text.Length; i++)
        {
            pairsBefore[i + 1] = pairs;
            if (i + 1 < text.Length && char.IsHighSurrogate(text[i]) && char.IsLowSurrogate(text[i + 1]))
            {
                pairs++;
                i++;
                pairsBefore[i + 1] = pairs;
            }
        }
        _pairsBefore = pairsBefore;
    }

    public int FromUtf16(int utf16Offset)
    {
        var offset = Math.Clamp(utf16Offset, 0, _length);
        return _pairsBefore is null ? offset : offset - _pairsBefore[offset];
    }
}
