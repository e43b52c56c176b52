using System.Text.RegularExpressions;

namespace ClinicalAspire.Engines.Models;

/// <summary>
/// Removes what chat models leak around an answer: chat-template control tokens, code fences, and
/// a translation preamble. Pure string work; never logs.
/// </summary>
public static partial class ModelOutputCleaner
{
    /// <summary>Tokens that end a turn: the answer stops at the first one (anything after is a new turn or junk).</summary>
    public static readonly IReadOnlyList<string> EndOfTurnMarkers =
    [
        "<|im_end|>", "<|end|>", "<|eot_id|>", "<|eom_id|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>",
        "</s>", "<eos>", "<|END_OF_TURN_TOKEN|>", "<|return|>", "<|user|>", "<|im_start|>", "<|start_header_id|>",
        "<start_of_turn>user",
    ];

    /// <summary>Tokens that open a turn or a role: removed wherever they are.</summary>
    private static readonly string[] s_startMarkers =
    [
        "<|assistant|>", "<|system|>", "<|begin_of_text|>", "<s>", "<bos>", "<|START_OF_TURN_TOKEN|>",
        "<|CHATBOT_TOKEN|>", "<|startoftext|>",
    ];

    /// <summary>Cuts at the first end-of-turn marker, drops role headers and other control tokens, trims.</summary>
    public static string StripChatArtefacts(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }
        var result = text;

        // Role headers at the start of the answer: "<|im_start|>assistant\n", "<start_of_turn>model\n",
        // "<|start_header_id|>assistant<|end_header_id|>".
        result = LeadingRoleHeader().Replace(result, string.Empty);

        int cut = FirstEndMarker(result);
        if (cut >= 0)
        {
            result = result[..cut];
        }
        foreach (var marker in s_startMarkers)
        {
            result = result.Replace(marker, string.Empty, StringComparison.Ordinal);
        }
        result = ResidualControlToken().Replace(result, string.Empty);
        return result.Trim();
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

    /// <summary>The content of the first Markdown code fence if the text has one, else the text.</summary>
    public static string UnwrapCodeFence(string text)
    {
        var match = CodeFence().Match(text);
        return match.Success ? match.Groups["body"].Value.Trim() : text;
    }

    /// <summary>Drops "Here is the translation:", "Translation:", "English:" and similar, and quotes around the whole answer.</summary>
    public static string StripTranslationPreamble(string text)
    {
        var result = text.Trim();
        for (int i = 0; i < 3; i++)
        {
            var stripped = TranslationPreamble().Replace(result, string.Empty, 1).TrimStart();
            if (stripped.Length == result.Length)
            {
                break;
            }
            result = stripped;
        }
        if (result.Length >= 2 && IsQuote(result[0]) && IsQuote(result[^1]) && result.Count(IsQuote) == 2)
        {
            result = result[1..^1].Trim();
        }
        return result;

        static bool IsQuote(char c) => c is '"' or '“' or '”' or '«' or '»';
    }

    [GeneratedRegex(@"^\s*(?:<\|im_start\|>\s*assistant\s*|<start_of_turn>\s*model\s*|<\|start_header_id\|>\s*assistant\s*<\|end_header_id\|>\s*|<\|START_OF_TURN_TOKEN\|>\s*<\|CHATBOT_TOKEN\|>\s*)")]
    private static partial Regex LeadingRoleHeader();

    // Leftover special tokens of the common shapes <|...|> and <｜...｜> (never ordinary clinical text).
    [GeneratedRegex(@"<\|[A-Za-z_]{1,40}\|>|<｜[^｜>]{1,40}｜>")]
    private static partial Regex ResidualControlToken();

    [GeneratedRegex(@"```[A-Za-z0-9_-]*[ \t]*\r?\n?(?<body>.*?)(?:```|$)", RegexOptions.Singleline)]
    private static partial Regex CodeFence();

    [GeneratedRegex(
        @"^\s*(?:\*\*)?(?:(?:sure|certainly|okay|ok)[,.!]?\s*)?(?:here\s+is|here's|below\s+is)?\s*(?:the|a|my)?\s*(?:faithful\s+|clinical\s+|full\s+|complete\s+)*(?:english\s+)?(?:translation|translated\s+text|english(?:\s+text|\s+version)?)(?:\s+(?:of\s+the\s+(?:clinical\s+)?(?:note|text|source|passage))|\s+in\s+english)?(?:\s*\(english\))?\s*(?:\*\*)?\s*[:：]\s*(?:\*\*)?",
        RegexOptions.IgnoreCase)]
    private static partial Regex TranslationPreamble();
}
