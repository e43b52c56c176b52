using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;

namespace ClinicalAspire.Engines.Models;

/// <summary>
/// The "json" prompt mode's output: one property per feature key, <c>{"value": true|false, "evidence": "quote"}</c>,
/// the JSON schema that constrains it, and its tolerant reader.
/// </summary>
public static class JsonAnswers
{
    /// <summary>A strict JSON schema: every feature key required, no other properties.</summary>
    /// <param name="forGuidance">
    /// For ONNX Runtime GenAI's guidance (llguidance): adds <c>"x-guidance": {"whitespace_flexible": false}</c> so the
    /// grammar admits compact JSON only (measured here: with flexible whitespace a weak model can spend its whole
    /// token budget on blanks), and caps evidence quotes at 300 characters. Not sent to OpenAI-compatible servers,
    /// whose strict mode rejects unknown keywords.
    /// </param>
    public static JsonElement Schema(IReadOnlyList<FeatureDefinition> features, bool forGuidance = false)
    {
        var properties = new JsonObject();
        foreach (var feature in features)
        {
            properties[feature.Key] = new JsonObject
            {
                ["type"] = "object",
                ["description"] = feature.NameEn,
                ["properties"] = new JsonObject
                {
                    ["value"] = new JsonObject { ["type"] = "boolean" },
                    ["evidence"] = forGuidance
                        ? new JsonObject { ["type"] = "string", ["maxLength"] = 300 }
                        : new JsonObject { ["type"] = "string" },
                },
                ["required"] = new JsonArray("value", "evidence"),
                ["additionalProperties"] = false,
            };
        }
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = new JsonArray(features.Select(f => (JsonNode)JsonValue.Create(f.Key)!).ToArray()),
            ["additionalProperties"] = false,
        };
        if (forGuidance)
        {
            schema["x-guidance"] = new JsonObject { ["whitespace_flexible"] = false };
        }
        return JsonSerializer.SerializeToElement(schema);
    }

    /// <summary>
    /// Reads the answers. Never throws: unreadable output, a missing key or a value that is not a yes/no gives
    /// <see cref="FeatureValue.Missing"/> for that feature only. Evidence quotes are located in <paramref name="note"/>
    /// (exact, then ignoring case and whitespace); a quote that cannot be found gives a True answer without a span.
    /// </summary>
    public static IReadOnlyList<FeatureAnswer> Parse(string? output, IReadOnlyList<FeatureDefinition> features, string note)
    {
        var root = TryReadObject(output);
        var answers = new FeatureAnswer[features.Count];
        for (int i = 0; i < features.Count; i++)
        {
            var feature = features[i];
            answers[i] = root is null ? FeatureAnswer.MissingAnswer(feature.Key) : ReadFeature(root.Value, feature, note);
        }
        return answers;
    }

    private static FeatureAnswer ReadFeature(JsonElement root, FeatureDefinition feature, string note)
    {
        if (!TryGetProperty(root, feature.Key, out var element) && !TryGetProperty(root, feature.NameEn, out element))
        {
            return FeatureAnswer.MissingAnswer(feature.Key);
        }
        FeatureValue? value;
        string? evidence = null;
        if (element.ValueKind == JsonValueKind.Object)
        {
            value = TryGetProperty(element, "value", out var v) || TryGetProperty(element, "answer", out v) || TryGetProperty(element, "present", out v)
                ? ReadValue(v)
                : null;
            if (TryGetProperty(element, "evidence", out var e) || TryGetProperty(element, "quote", out e))
            {
                evidence = e.ValueKind switch
                {
                    JsonValueKind.String => e.GetString(),
                    JsonValueKind.Array => e.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()).FirstOrDefault(),
                    _ => null,
                };
            }
        }
        else
        {
            value = ReadValue(element);
        }

        return value switch
        {
            FeatureValue.True => new FeatureAnswer(feature.Key, FeatureValue.True, Locate(note, evidence) is { } span ? [span] : []),
            FeatureValue.False => FeatureAnswer.Negative(feature.Key),
            _ => FeatureAnswer.MissingAnswer(feature.Key),
        };
    }

    private static FeatureValue? ReadValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => FeatureValue.True,
        JsonValueKind.False => FeatureValue.False,
        JsonValueKind.String => StudyTemplate.ReadYesNo(value.GetString()),
        JsonValueKind.Number => value.TryGetInt32(out var n) && n is 0 or 1 ? (n == 1 ? FeatureValue.True : FeatureValue.False) : null,
        _ => null,
    };

    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty(name, out value))
            {
                return true;
            }
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name.Trim(), name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
            }
        }
        value = default;
        return false;
    }

    /// <summary>The first JSON object in the output (after removing chat tokens and code fences), or null.</summary>
    public static JsonElement? TryReadObject(string? output)
    {
        if (string.IsNullOrWhiteSpace(output))
        {
            return null;
        }
        var text = ModelOutputCleaner.UnwrapCodeFence(ModelOutputCleaner.StripChatArtefacts(output));
        for (int start = text.IndexOf('{'); start >= 0; start = text.IndexOf('{', start + 1))
        {
            int end = MatchingBrace(text, start);
            var candidate = end > start ? text[start..(end + 1)] : text[start..];
            if (TryParse(candidate) is { } element)
            {
                return element;
            }
            if (end > start && TryParse(text[start..(text.LastIndexOf('}') + 1)]) is { } wide)
            {
                return wide;
            }
        }
        return null;

        static JsonElement? TryParse(string candidate)
        {
            try
            {
                using var document = JsonDocument.Parse(candidate, new JsonDocumentOptions
                {
                    AllowTrailingCommas = true,
                    CommentHandling = JsonCommentHandling.Skip,
                });
                return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>Index of the brace closing the one at <paramref name="start"/>, skipping strings; -1 when unbalanced.</summary>
    private static int MatchingBrace(string text, int start)
    {
        int depth = 0;
        bool inString = false;
        for (int i = start; i < text.Length; i++)
        {
            char c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }
                continue;
            }
            switch (c)
            {
                case '"':
                    inString = true;
                    break;
                case '{':
                    depth++;
                    break;
                case '}':
                    if (--depth == 0)
                    {
                        return i;
                    }
                    break;
            }
        }
        return -1;
    }

    /// <summary>
    /// Finds <paramref name="quote"/> in <paramref name="note"/>: exactly first, then ignoring case, whitespace runs,
    /// zero-width joiners and Arabic/Persian letter variants. Null when the quote is empty or not in the note, so a
    /// span is never made up.
    /// </summary>
    public static EvidenceSpan? Locate(string note, string? quote)
    {
        if (string.IsNullOrEmpty(note) || string.IsNullOrWhiteSpace(quote))
        {
            return null;
        }
        var trimmed = quote.Trim().Trim('"', '“', '”', '«', '»', '\'').Trim();
        if (trimmed.EndsWith("...", StringComparison.Ordinal) || trimmed.EndsWith('…'))
        {
            trimmed = trimmed.TrimEnd('.', '…').TrimEnd();
        }
        if (trimmed.Length == 0)
        {
            return null;
        }

        int exact = note.IndexOf(trimmed, StringComparison.Ordinal);
        if (exact >= 0)
        {
            return new EvidenceSpan(exact, exact + trimmed.Length, note.Substring(exact, trimmed.Length));
        }

        var (normalNote, map) = Normalise(note);
        var (normalQuote, _) = Normalise(trimmed);
        var needle = normalQuote.Trim();
        if (needle.Length == 0)
        {
            return null;
        }
        int index = normalNote.IndexOf(needle, StringComparison.Ordinal);
        if (index < 0)
        {
            return null;
        }
        int start = map[index];
        int end = map[index + needle.Length - 1] + 1;
        return new EvidenceSpan(start, end, note[start..end]);
    }

    /// <summary>A normalised copy and, for each of its characters, the index of the original character.</summary>
    private static (string Text, int[] Map) Normalise(string text)
    {
        var builder = new StringBuilder(text.Length);
        var map = new List<int>(text.Length);
        bool lastWasSpace = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c) || c is '\u200c' or '\u200d' or '\u200f' or '\u200e')
            {
                if (!lastWasSpace)
                {
                    builder.Append(' ');
                    map.Add(i);
                    lastWasSpace = true;
                }
                continue;
            }
            lastWasSpace = false;
            c = c switch
            {
                'ي' or 'ى' => 'ی',
                'ك' => 'ک',
                'ة' => 'ه',
                'ۀ' => 'ه',
                _ => char.ToLowerInvariant(c),
            };
            builder.Append(c);
            map.Add(i);
        }
        return (builder.ToString(), map.ToArray());
    }
}
