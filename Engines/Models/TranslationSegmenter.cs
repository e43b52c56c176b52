using System.Text;

namespace ClinicalAspire.Engines.Models;

/// <summary>A piece of the source and the separator that followed it in the original text.</summary>
public sealed record TextSegment(string Text, string SeparatorAfter);

/// <summary>
/// Splits a long note at paragraph, then sentence, then word boundaries so that every segment fits
/// <c>maxChars</c>; <see cref="Join"/> reassembles translated segments in order, keeping paragraph breaks.
/// </summary>
public static class TranslationSegmenter
{
    private static readonly char[] s_sentenceEnds = ['.', '!', '?', '؟', '۔', '…', '؛', ';'];

    public static IReadOnlyList<TextSegment> Split(string text, int maxChars)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, 1);
        var segments = new List<TextSegment>();
        var paragraphs = SplitParagraphs(text);
        for (int p = 0; p < paragraphs.Count; p++)
        {
            var (paragraph, separator) = paragraphs[p];
            var pieces = new List<string>();
            var current = new StringBuilder();
            foreach (var sentence in SplitSentences(paragraph))
            {
                foreach (var part in sentence.Length > maxChars ? SplitWords(sentence, maxChars) : [sentence])
                {
                    if (current.Length > 0 && current.Length + 1 + part.Length > maxChars)
                    {
                        pieces.Add(current.ToString());
                        current.Clear();
                    }
                    if (current.Length > 0)
                    {
                        current.Append(' ');
                    }
                    current.Append(part);
                }
            }
            if (current.Length > 0)
            {
                pieces.Add(current.ToString());
            }
            for (int i = 0; i < pieces.Count; i++)
            {
                segments.Add(new TextSegment(pieces[i], i == pieces.Count - 1 ? separator : " "));
            }
        }
        return segments;
    }

    /// <summary>Translated segments joined with the separators of the source (paragraph breaks kept).</summary>
    public static string Join(IReadOnlyList<TextSegment> source, IReadOnlyList<string> translated)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < translated.Count; i++)
        {
            builder.Append(translated[i]);
            if (i < translated.Count - 1)
            {
                builder.Append(source[i].SeparatorAfter);
            }
        }
        return builder.ToString();
    }

    private static List<(string Text, string Separator)> SplitParagraphs(string text)
    {
        var result = new List<(string, string)>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var current = new StringBuilder();
        int blank = 0;
        foreach (var line in lines)
        {
            if (line.Trim().Length == 0)
            {
                blank++;
                continue;
            }
            if (current.Length > 0)
            {
                result.Add((current.ToString(), blank > 0 ? "\n\n" : "\n"));
                current.Clear();
            }
            blank = 0;
            current.Append(line.Trim());
        }
        if (current.Length > 0)
        {
            result.Add((current.ToString(), string.Empty));
        }
        return result;
    }

    private static IEnumerable<string> SplitSentences(string paragraph)
    {
        int start = 0;
        for (int i = 0; i < paragraph.Length; i++)
        {
            if (Array.IndexOf(s_sentenceEnds, paragraph[i]) < 0)
            {
                continue;
            }
            // Keep runs of closing punctuation with the sentence; do not split decimals (38.5, ۳۸.۵).
            if (paragraph[i] == '.' && i > 0 && i + 1 < paragraph.Length && char.IsDigit(paragraph[i - 1]) && char.IsDigit(paragraph[i + 1]))
            {
                continue;
            }
            int end = i + 1;
            while (end < paragraph.Length && (Array.IndexOf(s_sentenceEnds, paragraph[end]) >= 0 || paragraph[end] is '"' or ')' or '»'))
            {
                end++;
            }
            if (end < paragraph.Length && !char.IsWhiteSpace(paragraph[end]))
            {
                continue;
            }
            var sentence = paragraph[start..end].Trim();
            if (sentence.Length > 0)
            {
                yield return sentence;
            }
            start = end;
            i = end - 1;
        }
        var rest = paragraph[start..].Trim();
        if (rest.Length > 0)
        {
            yield return rest;
        }
    }

    private static IEnumerable<string> SplitWords(string sentence, int maxChars)
    {
        var current = new StringBuilder();
        foreach (var word in sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current.Length > 0 && current.Length + 1 + word.Length > maxChars)
            {
                yield return current.ToString();
                current.Clear();
            }
            if (word.Length > maxChars)
            {
                for (int i = 0; i < word.Length; i += maxChars)
                {
                    yield return word.Substring(i, Math.Min(maxChars, word.Length - i));
                }
                continue;
            }
            if (current.Length > 0)
            {
                current.Append(' ');
            }
            current.Append(word);
        }
        if (current.Length > 0)
        {
            yield return current.ToString();
        }
    }
}
