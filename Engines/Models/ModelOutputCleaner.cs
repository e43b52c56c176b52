using ClinicalAspire.Domain.Extraction;
using System.Text.RegularExpressions;

namespace ClinicalAspire.Engines.Models;

/// <summary>
/// Removes what chat models leak around an answer: chat-template control tokens, code fences, and
/// a translation preamble. Pure string work; never logs.
/// </summary>
public static partial class ModelOutputCleaner
{
    /// <summary>Tokens that end a turn (the shared list in <see cref="StudyOutputParser"/>).</summary>
    public static IReadOnlyList<string> EndOfTurnMarkers => StudyOutputParser.EndOfTurnMarkers;

    /// <summary>Cuts at the first end-of-turn marker, drops role headers and other control tokens, trims.</summary>
    public static string StripChatArtefacts(string? text) => StudyOutputParser.StripChatArtefacts(text);

    /// <summary>Index of the first end-of-turn marker, or -1.</summary>
    public static int FirstEndMarker(string text) => StudyOutputParser.FirstEndMarker(text);

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



    [GeneratedRegex(@"```[A-Za-z0-9_-]*[ \t]*\r?\n?(?<body>.*?)(?:```|$)", RegexOptions.Singleline)]
    private static partial Regex CodeFence();

    [GeneratedRegex(
        @"^\s*(?:\*\*)?(?:(?:sure|certainly|okay|ok)[,.!]?\s*)?(?:here\s+is|here's|below\s+is)?\s*(?:the|a|my)?\s*(?:faithful\s+|clinical\s+|full\s+|complete\s+)*(?:english\s+)?(?:translation|translated\s+text|english(?:\s+text|\s+version)?)(?:\s+(?:of\s+the\s+(?:clinical\s+)?(?:note|text|source|passage))|\s+in\s+english)?(?:\s*\(english\))?\s*(?:\*\*)?\s*[:：]\s*(?:\*\*)?",
        RegexOptions.IgnoreCase)]
    private static partial Regex TranslationPreamble();
}
