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
    /// <summary>
    /// The evidence quote's shape: empty (a negative answer), or words separated by single spaces with nothing blank
    /// at either end. A quote made of blanks, or padded with them, cannot be written under the constraint (measured: a
    /// weak model can fill a quote with blanks until the token budget runs out); whitespace runs in the note are
    /// matched by <see cref="Locate"/>, which folds them. Plain regex (no lookarounds), as llguidance and strict
    /// structured outputs require.
    /// </summary>
    public const string EvidencePattern = @"^(\S+( \S+)*)?$";

    /// <summary>A strict JSON schema: every feature key required, no other properties, every free-text field bounded.</summary>
    /// <param name="evidenceMaxLength">
    /// maxLength of each evidence quote, from the token budget (<see cref="JsonAnswerBudget.EvidenceMaxLength"/>), so that
    /// the whole answer fits in the tokens the model may write.
    /// </param>
    /// <param name="forGuidance">
    /// For ONNX Runtime GenAI's guidance (llguidance): adds <c>"x-guidance": {"whitespace_flexible": false}</c> so the
    /// grammar admits compact JSON only (measured here: with flexible whitespace a weak model can spend its whole
    /// token budget on blanks). Not sent to OpenAI-compatible servers, whose strict mode rejects unknown keywords.
    /// </param>
    public static JsonElement Schema(IReadOnlyList<FeatureDefinition> features, int evidenceMaxLength, bool forGuidance = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(evidenceMaxLength);
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
                    ["evidence"] = new JsonObject { ["type"] = "string", ["maxLength"] = evidenceMaxLength, ["pattern"] = EvidencePattern },
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
    /// An answer cut off before its end (token budget) keeps every feature whose yes/no was written before the cut.
    /// </summary>
    public static IReadOnlyList<FeatureAnswer> Parse(string? output, IReadOnlyList<FeatureDefinition> features, string note) =>
        Parse(output, features, note, out _);

    /// <inheritdoc cref="Parse(string?, IReadOnlyList{FeatureDefinition}, string)"/>
    /// <param name="complete">False when no whole JSON object was found (the answers come from a cut-off one, or none).</param>
    public static IReadOnlyList<FeatureAnswer> Parse(string? output, IReadOnlyList<FeatureDefinition> features, string note, out bool complete)
    {
        var root = ReadObject(output, out complete);
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
                // Blanks quote nothing (the mark of a runaway quote): the same as no evidence.
                if (string.IsNullOrWhiteSpace(evidence))
                {
                    evidence = null;
                }
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

    /// <summary>What models add to JSON that is still readable: trailing commas, comments.</summary>
    private static readonly JsonDocumentOptions Lenient = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>
    /// The first JSON object in the output (after removing chat tokens and code fences); when the output ends inside
    /// it (cut at the token budget) or it breaks off into text that is not JSON, the members written before the cut
    /// (<see cref="Salvage"/>); null when neither.
    /// </summary>
    public static JsonElement? TryReadObject(string? output) => ReadObject(output, out _);

    private static JsonElement? ReadObject(string? output, out bool complete)
    {
        complete = false;
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
                complete = true;
                return element;
            }
            if (end > start && TryParse(text[start..(text.LastIndexOf('}') + 1)]) is { } wide)
            {
                complete = true;
                return wide;
            }
            // Cut off (never closed) or broken inside: the members read before the break are answers; the braces
            // after this one are its members, not answers of their own.
            if (Salvage(candidate) is { } partial)
            {
                return partial;
            }
        }
        return null;

        static JsonElement? TryParse(string candidate)
        {
            try
            {
                using var document = JsonDocument.Parse(candidate, Lenient);
                return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// The members of a JSON object that was cut off or broken before its end: every member whose value was written whole, and
    /// the member being written at the cut if its yes/no already was (its quote so far, or none). Null when there is
    /// none. <see cref="Utf8JsonReader"/> over the prefix with isFinalBlock false hands out complete tokens only and
    /// stops where the text does; an error (text that is not JSON) ends the reading the same way.
    /// </summary>
    private static JsonElement? Salvage(string cut)
    {
        var bytes = Encoding.UTF8.GetBytes(cut);
        var reader = new Utf8JsonReader(bytes, isFinalBlock: false, new JsonReaderState(new JsonReaderOptions
        {
            AllowTrailingCommas = Lenient.AllowTrailingCommas,
            CommentHandling = Lenient.CommentHandling,
        }));
        var members = new JsonObject();
        string? member = null;     // the top-level member being read
        int valueStart = -1;       // where its object value starts
        string? field = null;      // the field being read inside it
        JsonNode? yesNo = null;    // its value/answer/present, once whole
        string? quote = null;      // its evidence/quote, once whole
        try
        {
            while (reader.Read())
            {
                int depth = reader.CurrentDepth;
                var token = reader.TokenType;
                if (depth == 1 && token == JsonTokenType.PropertyName)
                {
                    (member, valueStart, field, yesNo, quote) = (reader.GetString(), -1, null, null, null);
                }
                else if (depth == 1 && token is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    valueStart = (int)reader.TokenStartIndex;
                }
                else if (depth == 1 && member is not null)
                {
                    // The end of an object or array value, or a bare value ("pain": true): the member is whole.
                    int from = token is JsonTokenType.EndObject or JsonTokenType.EndArray ? valueStart : (int)reader.TokenStartIndex;
                    members[member] = JsonNode.Parse(bytes.AsSpan(from, (int)reader.BytesConsumed - from), documentOptions: Lenient);
                    member = null;
                }
                else if (depth == 2 && token == JsonTokenType.PropertyName)
                {
                    field = reader.GetString()?.Trim().ToLowerInvariant();
                }
                else if (depth == 2 && field is "value" or "answer" or "present" && token is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
                {
                    yesNo = JsonNode.Parse(bytes.AsSpan((int)reader.TokenStartIndex, (int)(reader.BytesConsumed - reader.TokenStartIndex)));
                }
                else if (depth == 2 && field is "evidence" or "quote" && token == JsonTokenType.String)
                {
                    quote = reader.GetString();
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON from here on: what was read before stands.
        }

        if (member is not null && yesNo is not null)
        {
            // Cut inside this member after its yes/no: the quote so far is still words of the note.
            quote ??= field is "evidence" or "quote" ? OpenString(bytes.AsSpan((int)reader.BytesConsumed)) : null;
            members[member] = new JsonObject { ["value"] = yesNo, ["evidence"] = quote };
        }
        return members.Count > 0 ? JsonSerializer.SerializeToElement(members) : null;
    }

    /// <summary>
    /// The text of a JSON string cut before its closing quote (<paramref name="rest"/> starts before its opening quote),
    /// without an escape the cut left unfinished; null when no string starts there.
    /// </summary>
    private static string? OpenString(ReadOnlySpan<byte> rest)
    {
        rest = rest.TrimStart(" \t\r\n:"u8);
        if (rest.IsEmpty || rest[0] != (byte)'"')
        {
            return null;
        }
        var body = Encoding.UTF8.GetString(rest[1..]);
        // An unfinished escape is at most 5 characters long ("\u12"): drop characters until the rest reads.
        for (int cut = 0; cut <= Math.Min(5, body.Length); cut++)
        {
            try
            {
                return JsonSerializer.Deserialize<string>("\"" + body[..^cut] + "\"");
            }
            catch (JsonException)
            {
            }
        }
        return null;
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
