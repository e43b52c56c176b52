using System.Text;

namespace ClinicalAspire.Domain.Text;

/// <summary>Checks on a note as it arrives, with problems named in words that quote no clinical text.</summary>
public static class TextInput
{
    public const int DefaultMaxBytes = InputLimits.DefaultMaxTextBytes;

    /// <summary>Null when the text is acceptable, otherwise what is wrong with it (size and letters; not the language).</summary>
    public static string? Problem(string? text, int maxBytes)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "text is empty";
        }
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > maxBytes)
        {
            return $"text is {bytes:N0} bytes (UTF-8); the limit is {maxBytes:N0}";
        }
        return Measure(text).Letters == 0
            ? "text has no letters (only spaces, digits, punctuation or invisible characters such as ZWNJ, ZWSP or BOM)"
            : null;
    }

    /// <summary>
    /// Null when most letters of <paramref name="text"/> are in the script of <paramref name="language"/> (fa: Arabic
    /// script, en: Latin), so an engine can read it; otherwise the share found. Digits, punctuation and marks do not
    /// count, so Persian notes with Latin drug names and numbers pass.
    /// </summary>
    public static string? ScriptProblem(string text, string language)
    {
        var (letters, arabic, latin) = Measure(text);
        if (letters == 0)
        {
            return null; // Problem() reports it
        }
        var (inScript, script) = language switch
        {
            Languages.Persian => (arabic, "Persian (Arabic) script"),
            Languages.English => (latin, "Latin script"),
            _ => (letters, ""),
        };
        var share = (double)inScript / letters;
        return share >= InputLimits.MinScriptShare
            ? null
            : $"text is mostly not in the {script}: {Percent(share)} of its letters are, language '{language}' needs at least {Percent(InputLimits.MinScriptShare)}";
    }

    private static string Percent(double share) => ((int)Math.Round(share * 100)).ToString(System.Globalization.CultureInfo.InvariantCulture) + "%";

    /// <summary>Letters (Unicode category L), and those in the Arabic and Latin scripts.</summary>
    private static (int Letters, int Arabic, int Latin) Measure(string text)
    {
        int letters = 0, arabic = 0, latin = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (!Rune.IsLetter(rune))
            {
                continue;
            }
            letters++;
            var v = rune.Value;
            if (v is (>= 0x0600 and <= 0x06FF) or (>= 0x0750 and <= 0x077F) or (>= 0x08A0 and <= 0x08FF)
                or (>= 0xFB50 and <= 0xFDFF) or (>= 0xFE70 and <= 0xFEFF))
            {
                arabic++;
            }
            else if (v is <= 0x024F or (>= 0x1E00 and <= 0x1EFF) or (>= 0xFF21 and <= 0xFF5A))
            {
                latin++;
            }
        }
        return (letters, arabic, latin);
    }
}
