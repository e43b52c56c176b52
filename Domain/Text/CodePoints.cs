namespace ClinicalAspire.Domain.Text;

/// <summary>
/// Converts UTF-16 offsets (what .NET strings index) to Unicode code point offsets (what the gRPC API
/// reports, so Python's text[start:end] and other clients agree). Persian and English text never differ.
/// </summary>
public static class CodePoints
{
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
}
