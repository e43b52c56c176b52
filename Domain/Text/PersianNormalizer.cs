using System.Text;

namespace ClinicalAspire.Domain.Text;

/// <summary>
/// A normalised text plus, for every normalised UTF-16 unit, the index of the original unit it came from,
/// so that spans found in the normalised text can be reported in offsets of the original text.
/// </summary>
public sealed class NormalizedText
{
    internal NormalizedText(string original, string text, int[] map)
    {
        Original = original;
        Text = text;
        Map = map;
    }

    /// <summary>The text as it was given.</summary>
    public string Original { get; }

    /// <summary>The normalised text.</summary>
    public string Text { get; }

    /// <summary>Map[i] = index in <see cref="Original"/> of the unit that produced <c>Text[i]</c>.</summary>
    public int[] Map { get; }

    /// <summary>
    /// Converts a normalised span [start, end) to the smallest original span [Start, End) covering it.
    /// An empty span maps to an empty span at the corresponding original position.
    /// </summary>
    public (int Start, int End) ToOriginal(int start, int end)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, Text.Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, end);
        if (start == end)
        {
            var at = start < Map.Length ? Map[start] : Original.Length;
            return (at, at);
        }
        var originalStart = Map[start];
        var last = Map[end - 1];
        var originalEnd = last + 1;
        // Keep surrogate pairs whole.
        if (originalEnd < Original.Length && char.IsHighSurrogate(Original[last]) && char.IsLowSurrogate(Original[originalEnd]))
        {
            originalEnd++;
        }
        return (originalStart, originalEnd);
    }
}

/// <summary>
/// Persian (and English) text normalisation for matching: one orthography for the many ways the same
/// word is typed, with an offset map back to the original text.
/// </summary>
/// <remarks>
/// What it does, in one pass plus a join pass (no regular expressions):
/// <list type="bullet">
/// <item>Arabic letters to Persian: ي ى ئ → ی; ك → ک; ة ۀ ە → ه; أ إ ٱ آ → ا; ؤ → و; presentation forms (U+FB50–U+FEFF) via NFKC.</item>
/// <item>Removes harakat and Quranic marks (U+064B–U+065F, U+0670, U+06D6–U+06ED), tatweel (U+0640),
/// ZWNJ/ZWJ, direction marks, BOM and soft hyphens.</item>
/// <item>Persian (U+06F0–U+06F9) and Arabic-Indic (U+0660–U+0669) digits → ASCII digits; ٫ → '.', ٬ → ','.</item>
/// <item>Persian punctuation to ASCII: ، → ','; ؛ → ';'; ؟ → '?'; « » “ ” → '"'; ’ ‘ → '\''.</item>
/// <item>Latin letters to lower case; runs of 3 or more identical letters (colloquial stretching "خیییلی") to one.</item>
/// <item>Whitespace runs to one space; line breaks to one '\n'.</item>
/// <item>Joins the verbal prefixes می / نمی and the prefix بی with the next word, and the detached suffixes
/// (ها، های، هایی، اش، ام، ای، تر، ترین، شان، مان، تان ...) with the previous word, so that
/// "می‌کند", "میکند" and "می کند" all become "میکند".</item>
/// </list>
/// </remarks>
public static class PersianNormalizer
{
    private static readonly string[] DetachedSuffixes =
    [
        "ها", "های", "هایی", "هایش", "هاش", "هاشون", "هایشان", "هامون", "هاتون", "اش", "ام", "ات", "ای", "ایی",
        "تر", "ترین", "شان", "مان", "تان", "شون", "مون", "تون",
    ];

    /// <summary>Normalises a single word or phrase without keeping the offset map.</summary>
    public static string NormalizeString(string text) => Normalize(text).Text;

    public static NormalizedText Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Pass 1: character mapping. Output is at most 2 units per input unit (NFKC of presentation forms may expand;
        // those are rare and handled by growing the buffers).
        var buffer = new char[text.Length + 8];
        var map = new int[text.Length + 8];
        var length = 0;
        var lastWasSpace = true; // drop leading whitespace
        var collapsed = '\0';

        var table = Table;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var m = table[c];
            if (m > Presentation)
            {
                if (length < buffer.Length && (length == 0 || buffer[length - 1] != m))
                {
                    // Fast path: a letter that does not repeat the previous one.
                    buffer[length] = m;
                    map[length] = i;
                    length++;
                    collapsed = '\0';
                }
                else
                {
                    AppendLetter(ref buffer, ref map, ref length, ref collapsed, m, i);
                }
                lastWasSpace = false;
                continue;
            }
            if (m == Removed)
            {
                continue;
            }
            if (m == NewLine)
            {
                if (length > 0 && buffer[length - 1] == ' ')
                {
                    length--;
                }
                if (length > 0 && buffer[length - 1] == '\n')
                {
                    continue;
                }
                Append(ref buffer, ref map, ref length, '\n', i);
                lastWasSpace = true;
                continue;
            }
            if (m == Space)
            {
                if (!lastWasSpace)
                {
                    Append(ref buffer, ref map, ref length, ' ', i);
                    lastWasSpace = true;
                }
                continue;
            }

            // Arabic presentation forms: decompose, then map each produced unit.
            var decomposed = c.ToString().Normalize(NormalizationForm.FormKC);
            foreach (var d in decomposed)
            {
                var md = table[d];
                if (md == Space)
                {
                    if (!lastWasSpace)
                    {
                        Append(ref buffer, ref map, ref length, ' ', i);
                        lastWasSpace = true;
                    }
                    continue;
                }
                if (md > Presentation)
                {
                    AppendLetter(ref buffer, ref map, ref length, ref collapsed, md, i);
                    lastWasSpace = false;
                }
            }
        }

        if (length > 0 && (buffer[length - 1] == ' ' || buffer[length - 1] == '\n'))
        {
            length--;
        }

        // Pass 2 (in place: it only drops characters): join detached prefixes and suffixes.
        var outBuf = buffer;
        var outMap = map;
        var n = 0;
        var wordStart = 0; // start of the current word in the output
        for (var i = 0; i < length; i++)
        {
            var c = buffer[i];
            if (c == ' ')
            {
                var prev = outBuf.AsSpan(wordStart, n - wordStart);
                var nextEnd = i + 1;
                while (nextEnd < length && IsWordChar(buffer[nextEnd]))
                {
                    nextEnd++;
                }
                var next = buffer.AsSpan(i + 1, nextEnd - i - 1);
                if (next.Length > 0 && prev.Length > 0 && IsPersianLetter(next[0]) && IsPersianLetter(prev[0]) &&
                    (IsJoiningPrefix(prev) || IsDetachedSuffix(next)))
                {
                    continue; // drop the space: the two parts form one word
                }
                outBuf[n] = c;
                outMap[n] = map[i];
                n++;
                wordStart = n;
                continue;
            }
            if (!IsWordChar(c))
            {
                outBuf[n] = c;
                outMap[n] = map[i];
                n++;
                wordStart = n;
                continue;
            }
            outBuf[n] = c;
            outMap[n] = map[i];
            n++;
        }

        var finalMap = outMap.AsSpan(0, n).ToArray();
        return new NormalizedText(text, new string(outBuf, 0, n), finalMap);
    }

    /// <summary>True for characters that belong to a word after normalisation (letters and digits).</summary>
    public static bool IsWordChar(char c) => WordChars[c];

    private const char Removed = '\0';
    private const char Space = '\u0001';
    private const char NewLine = '\u0002';
    private const char Presentation = '\u0003';

    // One lookup per character instead of several Unicode category calls.
    private static readonly char[] Table = BuildTable();
    private static readonly bool[] WordChars = BuildWordChars();

    private static char[] BuildTable()
    {
        var table = new char[65536];
        for (var i = 0; i < table.Length; i++)
        {
            var c = (char)i;
            if (IsRemoved(c))
            {
                table[i] = Removed;
            }
            else if (c is '\n' or '\r' or '\u2028' or '\u2029')
            {
                table[i] = NewLine;
            }
            else if (char.IsWhiteSpace(c))
            {
                table[i] = Space;
            }
            else if (c >= '\uFB50' && c < '\uFEFF')
            {
                table[i] = Presentation;
            }
            else if (c <= Presentation)
            {
                table[i] = Removed; // control characters
            }
            else
            {
                table[i] = MapChar(c);
            }
        }
        return table;
    }

    private static bool[] BuildWordChars()
    {
        var table = new bool[65536];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = char.IsLetterOrDigit((char)i);
        }
        return table;
    }

    private static bool IsPersianLetter(char c) => c >= '\u0600' && c <= '\u06FF' && char.IsLetter(c);

    private static bool IsJoiningPrefix(ReadOnlySpan<char> word) =>
        word is "می" or "نمی" or "بی";

    private static bool IsDetachedSuffix(ReadOnlySpan<char> word)
    {
        if (word.Length is < 2 or > 6 || word[0] is not ('\u0647' or '\u0627' or '\u062A' or '\u0634' or '\u0645'))
        {
            return false;
        }
        foreach (var s in DetachedSuffixes)
        {
            if (word.SequenceEqual(s))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsRemoved(char c) =>
        c is '\u0640' or '\u200C' or '\u200D' or '\u200E' or '\u200F' or '\uFEFF' or '\u00AD' or '\u202A' or '\u202B'
            or '\u202C' or '\u202D' or '\u202E' or '\u2066' or '\u2067' or '\u2068' or '\u2069' ||
        (c >= '\u064B' && c <= '\u065F') || c == '\u0670' || (c >= '\u06D6' && c <= '\u06ED' && c != '\u06D5') ||
        (c >= '\u0610' && c <= '\u061A');

    /// <summary>Maps one character; '\0' means drop it.</summary>
    private static char MapChar(char c)
    {
        switch (c)
        {
            case '\u064A': // ي
            case '\u0649': // ى
            case '\u0626': // ئ
            case '\u06D0':
                return '\u06CC'; // ی
            case '\u0643': // ك
                return '\u06A9'; // ک
            case '\u0629': // ة
            case '\u06C0': // ۀ
            case '\u06D5': // ە
            case '\u06C1':
                return '\u0647'; // ه
            case '\u0623': // أ
            case '\u0625': // إ
            case '\u0671': // ٱ
            case '\u0622': // آ
                return '\u0627'; // ا
            case '\u0624': // ؤ
                return '\u0648'; // و
            case '\u060C': // ،
            case '\u066C': // ٬
                return ',';
            case '\u061B': // ؛
                return ';';
            case '\u061F': // ؟
                return '?';
            case '\u066B': // ٫
                return '.';
            case '\u06D4': // ۔
                return '.';
            case '\u00AB': // «
            case '\u00BB': // »
            case '\u201C':
            case '\u201D':
                return '"';
            case '\u2018':
            case '\u2019':
                return '\'';
        }
        if (c >= '\u06F0' && c <= '\u06F9')
        {
            return (char)('0' + (c - '\u06F0'));
        }
        if (c >= '\u0660' && c <= '\u0669')
        {
            return (char)('0' + (c - '\u0660'));
        }
        if (c < 128)
        {
            return c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
        }
        if (char.IsUpper(c))
        {
            return char.ToLowerInvariant(c);
        }
        return c;
    }

    private static void AppendLetter(ref char[] buffer, ref int[] map, ref int length, ref char collapsed, char c, int original)
    {
        // Collapse stretched letters: a run of three or more identical letters becomes one letter.
        if (collapsed == c && length >= 1 && buffer[length - 1] == c)
        {
            return;
        }
        if (length >= 2 && buffer[length - 1] == c && buffer[length - 2] == c && char.IsLetter(c))
        {
            length--;
            collapsed = c;
            return;
        }
        collapsed = '\0';
        Append(ref buffer, ref map, ref length, c, original);
    }

    private static void Append(ref char[] buffer, ref int[] map, ref int length, char c, int original)
    {
        if (length == buffer.Length)
        {
            Array.Resize(ref buffer, buffer.Length * 2);
            Array.Resize(ref map, map.Length * 2);
        }
        buffer[length] = c;
        map[length] = original;
        length++;
    }
}
