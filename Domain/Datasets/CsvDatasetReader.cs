using System.Globalization;
using ClinicalAspire.Domain.Features;
using CsvHelper;

namespace ClinicalAspire.Domain.Datasets;

/// <summary>The CSV side of <see cref="DatasetReader"/>.</summary>
internal static class CsvDatasetReader
{
    private static readonly string[] s_required = ["id", "text", "language"];
    private const string TranslationColumn = "translation";

    public static DatasetParseResult Read(TextReader reader, FeatureCatalogue catalogue, DatasetLimits limits)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var errors = new ErrorCollector(limits.MaxErrors);
        var validator = new RecordValidator(catalogue, limits, errors);
        var records = new List<DatasetRecord>();
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
        try
        {
            var header = csv.Headers.Select(h => h ?? "").ToArray();
            const int headerLine = 1;
            if (header.Length == 0 || header.All(string.IsNullOrWhiteSpace))
            {
                errors.Add(headerLine, null, "empty file: no header row");
                return Fail(errors);
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
                if (!catalogue.Contains(name))
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
                return Fail(errors); // rows cannot be read against a bad header
            }
            int idColumn = columns["id"], textColumn = columns["text"], languageColumn = columns["language"];
            int translationColumn = columns.TryGetValue(TranslationColumn, out var t) ? t : -1;

            while (!errors.Full && csv.Read())
            {
                int line = (int)csv.LineNumber;
                if (!validator.CheckCount(line))
                {
                    break;
                }
                if (csv.FieldCount != header.Length)
                {
                    errors.Add(line, null, $"row has {csv.FieldCount} fields, the header has {header.Length}");
                    continue;
                }
                int before = errors.Count;
                var id = Field(csv, idColumn).Trim();
                bool idOk = validator.CheckId(line, id);
                string? reportId = idOk ? id : null;
                var text = Field(csv, textColumn);
                validator.CheckText(line, reportId, text);
                var language = Field(csv, languageColumn).Trim();
                validator.CheckLanguage(line, reportId, language);
                string? translation = translationColumn >= 0 ? Field(csv, translationColumn) : null;
                if (string.IsNullOrWhiteSpace(translation))
                {
                    translation = null;
                }
                else
                {
                    validator.CheckSize(line, reportId, translation, "translation");
                }
                var labels = validator.EmptyLabels();
                foreach (var (index, key) in featureColumns)
                {
                    if (!TryLabel(Field(csv, index), out var value))
                    {
                        errors.Add(line, reportId, $"bad label value for '{key}' (expected true, false, 1, 0, yes, no or empty)");
                        continue;
                    }
                    labels[key] = value;
                }
                if (errors.Count == before && idOk)
                {
                    records.Add(new DatasetRecord(id, text, language, translation, labels));
                }
            }
            if (errors.Full && csv.Read())
            {
                errors.Add((int)csv.LineNumber, null, "stopped reading: too many errors");
            }
        }
        catch (CsvFormatException ex)
        {
            // Report the position only: the content of a malformed row may be clinical text.
            errors.Add((int)Math.Max(1, ex.LineNumber), null, "malformed CSV (unbalanced or stray quotes)");
        }
        return errors.Count == 0 ? new DatasetParseResult(records, []) : Fail(errors);
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

    private static DatasetParseResult Fail(ErrorCollector errors) => new([], errors.Errors, errors.Truncated);
}
