using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ClinicalAspire.Domain.Features;

namespace ClinicalAspire.Domain.Extraction;

/// <summary>
/// Reader of the study's output format (a brace-wrapped, comma-separated list of <c>Field name: True/False</c>; a field
/// is found by any of its names, <see cref="FeatureDefinition.AllNames"/>: English, Persian and the aliases such as the
/// study's own spellings). <see cref="StudyParserMode.Lenient"/> (the default) reads the value after each field name up
/// to the next comma: True/False, Yes/No and Persian yes/no words; <see cref="StudyParserMode.Strict"/> reads exactly as
/// the study's code did. Anything else or an absent field is <see cref="FeatureValue.Missing"/>.
/// Lives in Domain so that the Evaluator can score raw model outputs made elsewhere without the engines.
/// Pure string work; never logs, never throws on model output.
/// </summary>
public static partial class StudyOutputParser
{
    /// <summary>
    /// Reads the value after each field name up to the next comma. Never throws: a field that is absent or whose value
    /// is not a readable yes/no is <see cref="FeatureValue.Missing"/> for that feature only. Case-insensitive; tolerates
    /// prose around the template, code fences, chat-template tokens, Markdown emphasis, quotes, Yes/No and Persian
    /// yes/no words. Lenient mode, every name of each feature.
    /// </summary>
    public static IReadOnlyList<FeatureAnswer> Parse(string? output, IReadOnlyList<FeatureDefinition> features) =>
        Parse(output, features, StudyParserMode.Lenient);

    /// <summary>
    /// As <see cref="Parse(string?, IReadOnlyList{FeatureDefinition})"/>, with the caller's clean-up of chat artefacts
    /// (<paramref name="clean"/> may throw; the raw output is then parsed as it is).
    /// </summary>
    public static IReadOnlyList<FeatureAnswer> Parse(string? output, IReadOnlyList<FeatureDefinition> features, Func<string, string> clean)
    {
        ArgumentNullException.ThrowIfNull(clean);
        return Parse(output, features, StudyParserMode.Lenient, fieldNames: null, clean);
    }

    /// <summary>
    /// Reads one answer per feature, in <paramref name="features"/> order, in the given <paramref name="mode"/>.
    /// </summary>
    /// <param name="fieldNames">
    /// Per feature key, the names to look for, in priority order (strict mode takes the first one that occurs; lenient
    /// mode takes the first readable occurrence in the text, whichever name it is). Null, or a key it does not hold:
    /// every name of the feature (<see cref="FeatureDefinition.AllNames"/>). An empty list: the feature is missing.
    /// </param>
    /// <param name="clean">Clean-up of chat artefacts, applied in both modes (default <see cref="StripChatArtefacts"/>);
    /// it may throw, the raw output is then parsed as it is.</param>
    public static IReadOnlyList<FeatureAnswer> Parse(string? output, IReadOnlyList<FeatureDefinition> features, StudyParserMode mode,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? fieldNames = null, Func<string, string>? clean = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown parser mode");
        }
        var names = new string[features.Count][];
        for (int i = 0; i < features.Count; i++)
        {
            names[i] = NamesOf(features[i], fieldNames);
        }

        var values = new FeatureValue[features.Count];
        Array.Fill(values, FeatureValue.Missing);
        if (!string.IsNullOrWhiteSpace(output))
        {
            var text = Clean(output, clean ?? StripChatArtefacts);
            if (mode == StudyParserMode.Strict)
            {
                ReadStrict(text, names, values);
            }
            else
            {
                ReadLenient(text, names, values);
            }
        }

        var answers = new FeatureAnswer[features.Count];
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

    private static string[] NamesOf(FeatureDefinition feature, IReadOnlyDictionary<string, IReadOnlyList<string>>? fieldNames)
    {
        IEnumerable<string> names = fieldNames is not null && fieldNames.TryGetValue(feature.Key, out var given) && given is not null
            ? given
            : feature.AllNames;
        // A blank name would match everywhere (IndexOf("") is 0).
        return names.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).Distinct(StringComparer.Ordinal).ToArray();
    }

    private static string Clean(string output, Func<string, string> clean)
    {
        try
        {
            return clean(output);
        }
        catch (Exception)
        {
            return output; // a failing clean-up must not lose the answer
        }
    }

    /// <summary>
    /// The study's parser, to the letter, so its numbers can be reproduced: a comma appended to the output; per feature
    /// the first name that occurs at all (ordinal), the text from its first occurrence to the next comma; True if that
    /// contains "True", else False if it contains "False", else missing. No word boundaries, no Yes/No, no Persian words.
    /// </summary>
    private static void ReadStrict(string cleaned, string[][] names, FeatureValue[] values)
    {
        // The appended comma ends the last field's value, as in the study's code.
        var text = cleaned + ",";
        for (int f = 0; f < names.Length; f++)
        {
            foreach (var name in names[f])
            {
                int index = text.IndexOf(name, StringComparison.Ordinal);
                if (index < 0)
                {
                    continue;
                }
                int start = index + name.Length;
                var value = text.AsSpan(start, text.IndexOf(',', start) - start);
                values[f] = value.Contains("True", StringComparison.Ordinal) ? FeatureValue.True
                    : value.Contains("False", StringComparison.Ordinal) ? FeatureValue.False
                    : FeatureValue.Missing;
                break; // only the first name that occurs counts, as in the study
            }
            // No name at all stays missing: the study's code read from a wrong offset there, not a meaningful answer.
        }
    }

    private static void ReadLenient(string text, string[][] names, FeatureValue[] values)
    {
        // Find every whole-word occurrence of every field name; a longer name wins where names overlap.
        var occurrences = new List<(int Start, int End, int Feature)>();
        for (int f = 0; f < names.Length; f++)
        {
            foreach (var name in names[f])
            {
                int from = 0;
                while (from < text.Length)
                {
                    int index = text.IndexOf(name, from, StringComparison.OrdinalIgnoreCase);
                    if (index < 0)
                    {
                        break;
                    }
                    // Whole words only: short Persian names ("تب", "درد") occur inside other words.
                    bool startsWord = index == 0 || !IsWordChar(text[index - 1]);
                    bool endsWord = index + name.Length >= text.Length || !IsWordChar(text[index + name.Length]);
                    if (startsWord && endsWord)
                    {
                        occurrences.Add((index, index + name.Length, f));
                    }
                    from = index + 1;
                }
            }
        }
        occurrences.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : (b.End - b.Start).CompareTo(a.End - a.Start));
        var kept = new List<(int Start, int End, int Feature)>();
        foreach (var occurrence in occurrences)
        {
            if (kept.Count > 0 && occurrence.Start < kept[^1].End)
            {
                continue; // inside a longer name found at the same or an earlier position (or the same name twice)
            }
            kept.Add(occurrence);
        }

        for (int k = 0; k < kept.Count; k++)
        {
            var (_, end, feature) = kept[k];
            if (values[feature] != FeatureValue.Missing)
            {
                continue; // the first readable occurrence wins
            }
            int limit = k + 1 < kept.Count ? kept[k + 1].Start : text.Length;
            values[feature] = ReadValue(text, end, limit) ?? FeatureValue.Missing;
        }
    }

    /// <summary>
    /// Letters, digits and the marks that join Persian words (ZWNJ, ZWJ, diacritics): "تب‌دار" or "مرتب" are not the
    /// field "تب".
    /// </summary>
    private static bool IsWordChar(char c) =>
        char.IsLetterOrDigit(c) || c is '\u200c' or '\u200d'
        || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark;

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
        // Persian comma and semicolon end a value like their Latin forms.
        while (end < limit && text[end] is not (',' or '،' or '}' or '\n' or ';' or '؛' or '|'))
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

    // The chat-template clean-up, one implementation for the model engines (ModelOutputCleaner calls it)
    // and for outputs scored here, so both read a model's answer the same way.

    /// <summary>Tokens that end a turn: the answer stops at the first one (anything after is a new turn or junk).</summary>
    public static readonly IReadOnlyList<string> EndOfTurnMarkers =
    [
        "<|im_end|>", "<|end|>", "<|eot_id|>", "<|eom_id|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>",
        "</s>", "<eos>", "<|END_OF_TURN_TOKEN|>", "<|return|>", "<|user|>", "<|im_start|>", "<|start_header_id|>",
        "<start_of_turn>user",
    ];

    private static readonly string[] s_startMarkers =
    [
        "<|assistant|>", "<|system|>", "<|begin_of_text|>", "<s>", "<bos>", "<|START_OF_TURN_TOKEN|>",
        "<|CHATBOT_TOKEN|>", "<|startoftext|>",
    ];

    /// <summary>Cuts at the first end-of-turn marker, drops role headers and other chat control tokens, trims.</summary>
    public static string StripChatArtefacts(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }
        var result = LeadingRoleHeader().Replace(text, string.Empty);
        int cut = FirstEndMarker(result);
        if (cut >= 0)
        {
            result = result[..cut];
        }
        foreach (var marker in s_startMarkers)
        {
            result = result.Replace(marker, string.Empty, StringComparison.Ordinal);
        }
        return ResidualControlToken().Replace(result, string.Empty).Trim();
    }

    /// <summary>Index of the first end-of-turn marker, or -1.</summary>
    public static int FirstEndMarker(string text)
    {
        int first = -1;
        foreach (var marker in EndOfTurnMarkers)
        {
            int index = text.IndexOf(marker, StringComparison.Ordinal);
            if (index >= 0 && (first < 0 || index < first))
            {
                first = index;
            }
        }
        return first;
    }

    [GeneratedRegex(@"^\s*(?:<\|im_start\|>\s*assistant\s*|<start_of_turn>\s*model\s*|<\|start_header_id\|>\s*assistant\s*<\|end_header_id\|>\s*|<\|START_OF_TURN_TOKEN\|>\s*<\|CHATBOT_TOKEN\|>\s*)")]
    private static partial Regex LeadingRoleHeader();

    [GeneratedRegex(@"<\|[A-Za-z_]{1,40}\|>|<｜[^｜>]{1,40}｜>")]
    private static partial Regex ResidualControlToken();
}
