using System.Globalization;
using ClinicalAspire.Domain.Features;
using CsvHelper;

namespace ClinicalAspire.Domain.Datasets;

/// <summary>The CSV side of <see cref="DatasetReader"/>.</summary>
internal static class CsvDatasetReader
{
    private static readonly string[] s_required = ["id", "text", "language"];
    private const string TranslationColumn = "translation";

    /// <summary>The valid records, one at a time; every problem goes to <paramref name="errors"/>.</summary>
    public static IEnumerable<DatasetRecord> Enumerate(TextReader reader, FeatureCatalogue catalogue, DatasetLimits limits, ErrorCollector errors)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var validator = new RecordValidator(catalogue, limits, errors);
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            Mode = CsvMode.Rfc4180,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            IncludeValuesInExceptions = false, // values may be clinical text
        };
        using var csv = CsvReader.Create(reader, options, true);
        // An iterator cannot yield inside a try with a catch: each step is guarded on its own instead.
        if (!Guarded(() => ReadHeader(csv, validator, errors), errors, out var layout) || layout is null)
        {
            yield break; // rows cannot be read against a bad header
        }
        while (!errors.Full)
        {
            if (!Guarded(() => ReadRow(csv, layout, validator, errors), errors, out var row))
            {
                yield break;
            }
            if (!row.More)
            {
                break;
            }
            if (row.Record is not null)
            {
                yield return row.Record;
            }
        }
        if (errors.Full && Guarded(csv.Read, errors, out var more) && more)
        {
            errors.Add((int)csv.LineNumber, null, "stopped reading: too many errors");
        }
    }

    /// <summary>Where the columns are; null (with errors) when the header is unusable.</summary>
    private sealed record Layout(int Fields, int Id, int Text, int Language, int Translation, IReadOnlyList<(int Index, string Key)> Features);

    private static Layout? ReadHeader(CsvReader csv, RecordValidator validator, ErrorCollector errors)
    {
        var header = csv.Headers.Select(h => h ?? "").ToArray();
        const int headerLine = 1;
        if (header.Length == 0 || header.All(string.IsNullOrWhiteSpace))
        {
            errors.Add(headerLine, null, "empty file: no header row");
            return null;
        }
        var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var featureColumns = new List<(int Index, string Key)>();
        for (int i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim().TrimStart('\uFEFF');
            if (!columns.TryAdd(name, i))
            {
                errors.Add(headerLine, null, $"duplicate column (column {i + 1} repeats column {columns[name] + 1})");
                continue;
            }
            if (s_required.Contains(name, StringComparer.OrdinalIgnoreCase) || name.Equals(TranslationColumn, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (!validator.Catalogue.Contains(name))
            {
                validator.UnknownFeature(headerLine, null, $"column {i + 1}");
                continue;
            }
            featureColumns.Add((i, name));
        }
        foreach (var required in s_required)
        {
            if (!columns.ContainsKey(required))
            {
                errors.Add(headerLine, null, $"missing required column '{required}'");
            }
        }
        if (errors.Count > 0)
        {
            return null;
        }
        return new Layout(header.Length, columns["id"], columns["text"], columns["language"],
            columns.TryGetValue(TranslationColumn, out var t) ? t : -1, featureColumns);
    }

    /// <summary>The next row: More false at the end (or at the record limit); Record null when the row has errors.</summary>
    private static (bool More, DatasetRecord? Record) ReadRow(CsvReader csv, Layout layout, RecordValidator validator, ErrorCollector errors)
    {
        if (!csv.Read())
        {
            return (false, null);
        }
        int line = (int)csv.LineNumber;
        if (!validator.CheckCount(line))
        {
            return (false, null);
        }
        if (csv.FieldCount != layout.Fields)
        {
            errors.Add(line, null, $"row has {csv.FieldCount} fields, the header has {layout.Fields}");
            return (true, null);
        }
        int before = errors.Count;
        var id = Field(csv, layout.Id).Trim();
        bool idOk = validator.CheckId(line, id);
        string? reportId = idOk ? id : null;
        var text = Field(csv, layout.Text);
        validator.CheckText(line, reportId, text);
        var language = Field(csv, layout.Language).Trim();
        validator.CheckLanguage(line, reportId, language);
        string? translation = layout.Translation >= 0 ? Field(csv, layout.Translation) : null;
        if (string.IsNullOrWhiteSpace(translation))
        {
            translation = null;
        }
        else
        {
            validator.CheckSize(line, reportId, translation, "translation");
        }
        var labels = validator.EmptyLabels();
        foreach (var (index, key) in layout.Features)
        {
            if (!TryLabel(Field(csv, index), out var value))
            {
                errors.Add(line, reportId, $"bad label value for '{key}' (expected true, false, 1, 0, yes, no or empty)");
                continue;
            }
            labels[key] = value;
        }
        return (true, errors.Count == before && idOk ? new DatasetRecord(id, text, language, translation, labels) : null);
    }

    /// <summary>Runs one step of reading; false (with an error naming the line only) when the CSV is malformed.</summary>
    private static bool Guarded<T>(Func<T> step, ErrorCollector errors, out T value)
    {
        try
        {
            value = step();
            return true;
        }
        catch (CsvFormatException ex)
        {
            // Report the position only: the content of a malformed row may be clinical text.
            errors.Add((int)Math.Max(1, ex.LineNumber), null, "malformed CSV (unbalanced or stray quotes)");
            value = default!;
            return false;
        }
    }

    private static string Field(CsvReader csv, int index) => csv.GetString(index) ?? "";

    /// <summary>true/false/1/0/yes/no (any case, trimmed) or empty = null.</summary>
    internal static bool TryLabel(string raw, out bool? value)
    {
        var text = raw.Trim();
        value = null;
        if (text.Length == 0)
        {
            return true;
        }
        switch (text.ToLowerInvariant())
        {
            case "true" or "1" or "yes":
                value = true;
                return true;
            case "false" or "0" or "no":
                value = false;
                return true;
            default:
                return false;
        }
    }
}
