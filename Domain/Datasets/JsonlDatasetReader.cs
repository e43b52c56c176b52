using System.Text.Json;
using ClinicalAspire.Domain.Features;

namespace ClinicalAspire.Domain.Datasets;

/// <summary>
/// Reads labelled datasets. JSONL: one object per line,
/// <c>{"id": "...", "text": "...", "language": "fa"|"en", "translation": "..." (optional), "labels": {"&lt;key&gt;": true|false|1|0|null}}</c>;
/// blank lines skipped; a label key absent from "labels" is unknown (null). CSV: header <c>id,text,language[,translation]</c>
/// then one column per feature key; values true/false/1/0/yes/no (any case) or empty (null).
/// All or nothing: every error is collected (up to <see cref="DatasetLimits.MaxErrors"/>) and no record is returned
/// when there is one.
/// </summary>
public static class DatasetReader
{
    /// <summary>
    /// Reads a dataset in <paramref name="format"/> from a UTF-8 stream (BOM tolerated). Does not close the stream. Bytes that
    /// are not UTF-8 are errors naming their lines (never replaced by U+FFFD): nothing is read then.
    /// </summary>
    public static DatasetParseResult Read(Stream stream, DatasetFormat format, FeatureCatalogue? catalogue = null, DatasetLimits? limits = null)
    {
        var records = new List<DatasetRecord>();
        var scan = Scan(stream, format, records.Add, catalogue, limits);
        return scan.IsValid ? new DatasetParseResult(records, []) : new DatasetParseResult([], scan.Errors, scan.ErrorsTruncated);
    }

    /// <summary>
    /// Validates a dataset like <see cref="Read(Stream, DatasetFormat, FeatureCatalogue?, DatasetLimits?)"/> without
    /// holding its records: each valid record goes to <paramref name="onRecord"/> as it is read, so a caller keeps
    /// only what it needs (a count, a preview). Records handed over before an error are still handed over: act on
    /// them only when the scan <see cref="DatasetScan.IsValid"/>.
    /// </summary>
    public static DatasetScan Scan(Stream stream, DatasetFormat format, Action<DatasetRecord>? onRecord = null, FeatureCatalogue? catalogue = null, DatasetLimits? limits = null)
    {
        limits ??= DatasetLimits.Default;
        if (Utf8Lines.Check(ref stream, limits.MaxErrors) is { Count: > 0 } invalid)
        {
            return new DatasetScan(0, invalid);
        }
        using var reader = new StreamReader(stream, Utf8Lines.Strict, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        var errors = new ErrorCollector(limits.MaxErrors);
        var count = 0;
        foreach (var record in Enumerate(reader, format, catalogue ?? FeatureCatalogue.Default, limits, errors))
        {
            count++;
            onRecord?.Invoke(record);
        }
        return new DatasetScan(errors.Count == 0 ? count : 0, errors.Errors, errors.Truncated);
    }

    /// <summary>
    /// The records of a dataset that <see cref="Scan"/> found valid, read again one at a time (a second pass over
    /// the same bytes), for a caller that writes them somewhere in batches. Throws <see cref="InvalidDataException"/>
    /// at the first error: the content is not what was scanned.
    /// </summary>
    public static IEnumerable<DatasetRecord> ReadValid(Stream stream, DatasetFormat format, FeatureCatalogue? catalogue = null, DatasetLimits? limits = null)
    {
        limits ??= DatasetLimits.Default;
        using var reader = new StreamReader(stream, Utf8Lines.Strict, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        var errors = new ErrorCollector(limits.MaxErrors);
        foreach (var record in Enumerate(reader, format, catalogue ?? FeatureCatalogue.Default, limits, errors))
        {
            if (errors.Count > 0)
            {
                break;
            }
            yield return record;
        }
        if (errors.Count > 0)
        {
            throw new InvalidDataException($"the dataset is not valid ({errors.Errors[0]}); scan it first");
        }
    }

    /// <summary>The valid records of <paramref name="reader"/>, one at a time; every problem goes to <paramref name="errors"/>.</summary>
    internal static IEnumerable<DatasetRecord> Enumerate(TextReader reader, DatasetFormat format, FeatureCatalogue catalogue, DatasetLimits limits, ErrorCollector errors) =>
        format switch
        {
            DatasetFormat.Jsonl => EnumerateJsonl(reader, catalogue, limits, errors),
            DatasetFormat.Csv => CsvDatasetReader.Enumerate(reader, catalogue, limits, errors),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };

    /// <summary>Reads JSONL text.</summary>
    public static DatasetParseResult ReadJsonl(string content, FeatureCatalogue? catalogue = null, DatasetLimits? limits = null)
    {
        using var reader = new StringReader(content);
        return ReadJsonl(reader, catalogue, limits);
    }

    /// <summary>Reads CSV text.</summary>
    public static DatasetParseResult ReadCsv(string content, FeatureCatalogue? catalogue = null, DatasetLimits? limits = null)
    {
        using var reader = new StringReader(content);
        return ReadCsv(reader, catalogue, limits);
    }

    /// <summary>Reads CSV (CsvHelper) from <paramref name="reader"/>.</summary>
    public static DatasetParseResult ReadCsv(TextReader reader, FeatureCatalogue? catalogue = null, DatasetLimits? limits = null) =>
        Collect(reader, DatasetFormat.Csv, catalogue, limits);

    /// <summary>Reads JSONL from <paramref name="reader"/>.</summary>
    public static DatasetParseResult ReadJsonl(TextReader reader, FeatureCatalogue? catalogue = null, DatasetLimits? limits = null) =>
        Collect(reader, DatasetFormat.Jsonl, catalogue, limits);

    /// <summary>All or nothing: every record, or none and the errors.</summary>
    private static DatasetParseResult Collect(TextReader reader, DatasetFormat format, FeatureCatalogue? catalogue, DatasetLimits? limits)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var errors = new ErrorCollector((limits ??= DatasetLimits.Default).MaxErrors);
        var records = Enumerate(reader, format, catalogue ?? FeatureCatalogue.Default, limits, errors).ToList();
        return errors.Count == 0
            ? new DatasetParseResult(records, [])
            : new DatasetParseResult([], errors.Errors, errors.Truncated);
    }

    private static IEnumerable<DatasetRecord> EnumerateJsonl(TextReader reader, FeatureCatalogue catalogue, DatasetLimits limits, ErrorCollector errors)
    {
        var validator = new RecordValidator(catalogue, limits, errors);
        foreach (var (lineNumber, line) in JsonlLines.Read(reader))
        {
            if (errors.Full)
            {
                errors.Add(lineNumber, null, "stopped reading: too many errors"); // marks truncation
                break;
            }
            if (!validator.CheckCount(lineNumber))
            {
                break;
            }
            if (ParseLine(line, lineNumber, validator, errors) is { } record)
            {
                yield return record;
            }
        }
    }

    private static DatasetRecord? ParseLine(string line, int lineNumber, RecordValidator validator, ErrorCollector errors)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            // The exception text can quote the line's content: report the position only.
            errors.Add(lineNumber, null, $"invalid JSON (at byte {ex.BytePositionInLine ?? 0} of the line)");
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add(lineNumber, null, "invalid JSON: the line is not a JSON object");
                return null;
            }
            int before = errors.Count;
            string? id = ReadId(root, lineNumber, errors);
            if (id is null || !validator.CheckId(lineNumber, id))
            {
                if (errors.Count == before)
                {
                    errors.Add(lineNumber, null, "missing id");
                }
                id = null;
            }
            string? text = ReadString(root, "text", lineNumber, id, errors);
            validator.CheckText(lineNumber, id, text);
            string? language = ReadString(root, "language", lineNumber, id, errors);
            validator.CheckLanguage(lineNumber, id, language);
            string? translation = ReadString(root, "translation", lineNumber, id, errors);
            if (translation is not null)
            {
                validator.CheckSize(lineNumber, id, translation, "translation");
            }
            var labels = validator.EmptyLabels();
            if (root.TryGetProperty("labels", out var labelsElement) && labelsElement.ValueKind != JsonValueKind.Null)
            {
                if (labelsElement.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(lineNumber, id, "\"labels\" must be an object");
                }
                else
                {
                    var position = 0;
                    foreach (var property in labelsElement.EnumerateObject())
                    {
                        position++;
                        if (!validator.Catalogue.Contains(property.Name))
                        {
                            validator.UnknownFeature(lineNumber, id, $"labels key {position}");
                            continue;
                        }
                        if (!TryLabel(property.Value, out var value))
                        {
                            errors.Add(lineNumber, id, $"bad label value for '{property.Name}' (expected true, false, 1, 0 or null)");
                            continue;
                        }
                        labels[property.Name] = value;
                    }
                }
            }
            if (errors.Count != before || id is null)
            {
                return null;
            }
            return new DatasetRecord(id, text!, language!, translation, labels);
        }
    }

    /// <summary>The "id": a string, or an integer written as its digits.</summary>
    internal static string? ReadId(JsonElement root, int lineNumber, ErrorCollector errors)
    {
        if (!root.TryGetProperty("id", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number when element.TryGetInt64(out var number):
                return number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            default:
                errors.Add(lineNumber, null, "\"id\" must be a string or an integer");
                return null;
        }
    }

    private static string? ReadString(JsonElement root, string name, int lineNumber, string? id, ErrorCollector errors)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (element.ValueKind != JsonValueKind.String)
        {
            errors.Add(lineNumber, id, $"\"{name}\" must be a string");
            return null;
        }
        return element.GetString();
    }

    /// <summary>true/false/1/0/null.</summary>
    internal static bool TryLabel(JsonElement element, out bool? value)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                value = true;
                return true;
            case JsonValueKind.False:
                value = false;
                return true;
            case JsonValueKind.Null:
                value = null;
                return true;
            case JsonValueKind.Number when element.TryGetInt32(out var number) && number is 0 or 1:
                value = number == 1;
                return true;
            default:
                value = null;
                return false;
        }
    }
}
