namespace ClinicalAspire.Engines.Gloss;

internal enum TokenKind
{
    Persian,
    Latin,
    Number,
    Punctuation,
    Newline,
}

internal readonly record struct GlossToken(TokenKind Kind, string Text);

/// <summary>
/// Splits normalised text into Persian words, Latin words, numbers, punctuation and line breaks.
/// A detached verb prefix (می / نمی followed by a space) is joined to its verb.
/// </summary>
internal static class GlossTokenizer
{
    public static List<GlossToken> Tokenize(string text)
    {
        var normalizedText = GlossNormalization.Normalize(text);
        var normalized = normalizedText.Text;
        var tokens = new List<GlossToken>(normalized.Length / 4 + 4);
        var i = 0;
        var n = normalized.Length;
        while (i < n)
        {
            var c = normalized[i];
            if (c == '\n' || c == '\r')
            {
                // One newline token per line break run (blank lines collapse to one break).
                while (i < n && char.IsWhiteSpace(normalized[i]))
                {
                    i++;
                }

                if (tokens.Count > 0 && tokens[^1].Kind != TokenKind.Newline)
                {
                    tokens.Add(new GlossToken(TokenKind.Newline, "\n"));
                }

                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            if (IsPersianLetter(c))
            {
                while (i < n && IsPersianLetter(normalized[i]))
                {
                    i++;
                }

                var word = normalized.Substring(start, i - start);
                // "می خورد" / "نمی تواند": join a detached continuous prefix to the next Persian word.
                if ((word == "می" || word == "نمی") && TryJoinPrefix(normalized, ref i, out var joined))
                {
                    word += joined;
                }

                tokens.Add(new GlossToken(TokenKind.Persian, word));
                continue;
            }

            if (char.IsAsciiDigit(c))
            {
                i++;
                while (i < n)
                {
                    var d = normalized[i];
                    if (char.IsAsciiDigit(d))
                    {
                        i++;
                    }
                    else if ((d == '.' || d == '/' || d == ':') && i + 1 < n && char.IsAsciiDigit(normalized[i + 1]))
                    {
                        i += 2;
                    }
                    else if (d == ',' && IsThousandsGroup(normalized, i + 1))
                    {
                        i += 4; // "1,500" (the normaliser maps the Persian thousands separator ٬ to ',')
                    }
                    else
                    {
                        break;
                    }
                }

                tokens.Add(new GlossToken(TokenKind.Number, normalized.Substring(start, i - start)));
                continue;
            }

            if (char.IsLetter(c))
            {
                // Latin (or any other script): letters, digits and inner ' - . kept together ("O2", "mg", "CT-scan").
                i++;
                while (i < n)
                {
                    var d = normalized[i];
                    if ((char.IsLetterOrDigit(d) && !IsPersianLetter(d)) ||
                        ((d == '-' || d == '\'' || d == '.') && i + 1 < n && char.IsLetterOrDigit(normalized[i + 1]) && !IsPersianLetter(normalized[i + 1])))
                    {
                        i++;
                    }
                    else
                    {
                        break;
                    }
                }

                // The normaliser lower-cases Latin letters: copy the word from the original text instead.
                var (originalStart, originalEnd) = normalizedText.ToOriginal(start, i);
                tokens.Add(new GlossToken(TokenKind.Latin, normalizedText.Original.Substring(originalStart, originalEnd - originalStart)));
                continue;
            }

            i++;
            tokens.Add(new GlossToken(TokenKind.Punctuation, MapPunctuation(c)));
        }

        if (tokens.Count > 0 && tokens[^1].Kind == TokenKind.Newline)
        {
            tokens.RemoveAt(tokens.Count - 1);
        }

        return tokens;
    }

    /// <summary>Arabic-script letters (Persian letters after normalisation), not digits or punctuation.</summary>
    public static bool IsPersianLetter(char c) =>
        c is (>= '\u0621' and <= '\u063A') or (>= '\u0641' and <= '\u064A') or '\u067E' or '\u0686' or '\u0698'
            or '\u06A9' or '\u06AF' or '\u06CC' or '\u0622' or '\u06C1' or '\u06D5'
            || (c is >= '\uFB50' and <= '\uFDFF') || (c is >= '\uFE70' and <= '\uFEFC');

    private static bool IsThousandsGroup(string s, int start) =>
        start + 3 <= s.Length && char.IsAsciiDigit(s[start]) && char.IsAsciiDigit(s[start + 1]) && char.IsAsciiDigit(s[start + 2]) &&
        (start + 3 == s.Length || !char.IsAsciiDigit(s[start + 3]));

    private static bool TryJoinPrefix(string s, ref int i, out string joined)
    {
        var j = i;
        while (j < s.Length && s[j] == ' ')
        {
            j++;
        }

        if (j == i || j >= s.Length || !IsPersianLetter(s[j]))
        {
            joined = string.Empty;
            return false;
        }

        var start = j;
        while (j < s.Length && IsPersianLetter(s[j]))
        {
            j++;
        }

        joined = s.Substring(start, j - start);
        i = j;
        return true;
    }

    private static string MapPunctuation(char c) => c switch
    {
        '\u060C' => ",",  // Arabic comma
        '\u061B' => ";",  // Arabic semicolon
        '\u061F' => "?",  // Arabic question mark
        '\u06D4' => ".",  // Arabic full stop
        '\u00AB' => "\"", // «
        '\u00BB' => "\"", // »
        '\u2026' => "...",
        '\u066A' => "%",  // Arabic percent sign
        _ => c.ToString(),
    };
}
