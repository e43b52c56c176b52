using System.Text;
using System.Text.RegularExpressions;
using ClinicalAspire.Domain.Features;

namespace ClinicalAspire.Domain.Extraction;

/// <summary>
/// Reader of the study's output format (a brace-wrapped, comma-separated list of <c>Field name: True/False</c>, field
/// names = <see cref="FeatureDefinition.NameEn"/>): the value after each field name up to the next comma; True/False,
/// Yes/No and Persian yes/no words; anything else or an absent field is <see cref="FeatureValue.Missing"/>.
/// Lives in Domain so that the Evaluator can score raw model outputs made elsewhere without the engines.
/// Pure string work; never logs, never throws on model output.
/// </summary>
public static partial class StudyOutputParser
{
    /// <summary>
    /// Reads the value after each field name up to the next comma. Never throws: a field that is absent or whose value
    /// is not a readable yes/no is <see cref="FeatureValue.Missing"/> for that feature only. Case-insensitive; tolerates
    /// prose around the template, code fences, chat-template tokens, Markdown emphasis, quotes, Yes/No and Persian
    /// yes/no words.
    /// </summary>
    public static IReadOnlyList<FeatureAnswer> Parse(string? output, IReadOnlyList<FeatureDefinition> features) =>
        Parse(output, features, StripChatArtefacts);

    /// <summary>
    /// As <see cref="Parse(string?, IReadOnlyList{FeatureDefinition})"/>, with the caller's clean-up of chat artefacts
    /// (<paramref name="clean"/> may throw; the raw output is then parsed as it is).
    /// </summary>
    public static IReadOnlyList<FeatureAnswer> Parse(string? output, IReadOnlyList<FeatureDefinition> features, Func<string, string> clean)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(clean);
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
            text = clean(output);
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
