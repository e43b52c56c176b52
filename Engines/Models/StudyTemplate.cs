using System.Text;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;

namespace ClinicalAspire.Engines.Models;

/// <summary>
/// The study's output format: a brace-wrapped, comma-separated list of <c>Field name: True/False</c>, field names
/// = <see cref="FeatureDefinition.NameEn"/> in catalogue order, and its tolerant reader.
/// </summary>
public static class StudyTemplate
{
    /// <summary>The empty template appended to the system prompt.</summary>
    public static string Empty(IReadOnlyList<FeatureDefinition> features) =>
        "{" + string.Join(", ", features.Select(f => $"{f.NameEn}: True/False")) + "}";

    /// <summary>A filled template; a feature absent from <paramref name="labels"/> is False (nothing stated).</summary>
    public static string Filled(IReadOnlyList<FeatureDefinition> features, IReadOnlyDictionary<string, bool> labels) =>
        "{" + string.Join(", ", features.Select(f => $"{f.NameEn}: {(labels.TryGetValue(f.Key, out var v) && v ? "True" : "False")}")) + "}";

    /// <summary>
    /// Reads the value after each field name up to the next comma. Never throws: a field that is absent or whose value
    /// is not a readable yes/no is <see cref="FeatureValue.Missing"/> for that feature only. Case-insensitive; tolerates
    /// prose around the template, code fences, chat-template tokens, Markdown emphasis, quotes, Yes/No and Persian
    /// yes/no words.
    /// </summary>
    public static IReadOnlyList<FeatureAnswer> Parse(string? output, IReadOnlyList<FeatureDefinition> features)
    {
        var answers = new FeatureAnswer[features.Count];
        if (string.IsNullOrWhiteSpace(output))
        {
            for (int i = 0; i < features.Count; i++)
            {
                answers[i] = FeatureAnswer.MissingAnswer(features[i].Key);
            }
            return answers;
        }

        string text;
        try
        {
            text = ModelOutputCleaner.StripChatArtefacts(output);
        }
        catch (Exception)
        {
            text = output;
        }

        // Find every occurrence of every field name; a longer name wins where names overlap.
        var occurrences = new List<(int Start, int End, int Feature)>();
        for (int f = 0; f < features.Count; f++)
        {
            var name = features[f].NameEn.Trim();
            if (name.Length == 0)
            {
                continue;
            }
            int from = 0;
            while (from < text.Length)
            {
                int index = text.IndexOf(name, from, StringComparison.OrdinalIgnoreCase);
                if (index < 0)
                {
                    break;
                }
                bool startsWord = index == 0 || !char.IsLetterOrDigit(text[index - 1]);
                bool endsWord = index + name.Length >= text.Length || !char.IsLetterOrDigit(text[index + name.Length]);
                if (startsWord && endsWord)
                {
                    occurrences.Add((index, index + name.Length, f));
                }
                from = index + 1;
            }
        }
        occurrences.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : (b.End - b.Start).CompareTo(a.End - a.Start));
        var kept = new List<(int Start, int End, int Feature)>();
        foreach (var occurrence in occurrences)
        {
            if (kept.Count > 0 && occurrence.Start < kept[^1].End)
            {
                continue; // inside a longer name found at the same or an earlier position
            }
            kept.Add(occurrence);
        }

        var values = new FeatureValue?[features.Count];
        for (int k = 0; k < kept.Count; k++)
        {
            var (_, end, feature) = kept[k];
            if (values[feature] is not null)
            {
                continue; // the first readable occurrence wins
            }
            int limit = k + 1 < kept.Count ? kept[k + 1].Start : text.Length;
            var value = ReadValue(text, end, limit);
            if (value is not null)
            {
                values[feature] = value;
            }
        }

        for (int i = 0; i < features.Count; i++)
        {
            answers[i] = values[i] switch
            {
                FeatureValue.True => new FeatureAnswer(features[i].Key, FeatureValue.True, []),
                FeatureValue.False => FeatureAnswer.Negative(features[i].Key),
                _ => FeatureAnswer.MissingAnswer(features[i].Key),
            };
        }
        return answers;
    }

    /// <summary>The value after a field name: separator, then text up to the next comma (or brace, line end, next field).</summary>
    private static FeatureValue? ReadValue(string text, int start, int limit)
    {
        int i = start;
        // Closing emphasis or quotes of the name, then the separator.
        while (i < limit && (char.IsWhiteSpace(text[i]) || text[i] is '*' or '"' or '\'' or '`' or '_'))
        {
            i++;
        }
        if (i < limit && text[i] is ':' or '=' or '-' or '：' or '—' or '–' or '|')
        {
            i++;
        }
        int end = i;
        while (end < limit && text[end] is not (',' or '،' or '}' or '\n' or ';' or '|'))
        {
            end++;
        }
        return ReadYesNo(text.AsSpan(i, end - i));
    }

    /// <summary>True/False/Yes/No (any case) and Persian yes/no words; null when unreadable or ambiguous.</summary>
    public static FeatureValue? ReadYesNo(ReadOnlySpan<char> value)
    {
        bool? result = null;
        var word = new StringBuilder();
        int words = 0;
        for (int i = 0; i <= value.Length; i++)
        {
            char c = i < value.Length ? value[i] : ' ';
            if (char.IsLetter(c) || c == '\u200c')
            {
                word.Append(c);
                continue;
            }
            if (word.Length == 0)
            {
                continue;
            }
            words++;
            var meaning = Meaning(word.ToString());
            word.Clear();
            if (meaning is null)
            {
                if (words == 1)
                {
                    return null; // the value does not start with a yes/no word
                }
                continue; // prose after the answer ("True (stated explicitly)")
            }
            if (result is not null && result != meaning)
            {
                return null; // "True/False": an echoed placeholder, not an answer
            }
            result = meaning;
        }
        return result switch
        {
            true => FeatureValue.True,
            false => FeatureValue.False,
            null => null,
        };
    }

    private static bool? Meaning(string word) => word.ToLowerInvariant() switch
    {
        "true" or "yes" or "بله" or "آره" or "درست" or "بلی" or "صحیح" => true,
        "false" or "no" or "خیر" or "نه" or "نادرست" or "غلط" => false,
        _ => null,
    };
}
