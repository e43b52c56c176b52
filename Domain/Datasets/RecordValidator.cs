using System.Text;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Domain.Text;

namespace ClinicalAspire.Domain.Datasets;

/// <summary>Checks shared by the JSONL and CSV readers. Messages never quote the record's text.</summary>
internal sealed class RecordValidator(FeatureCatalogue catalogue, DatasetLimits limits, ErrorCollector errors)
{
    private readonly Dictionary<string, int> _lineById = new(StringComparer.Ordinal);

    public FeatureCatalogue Catalogue => catalogue;

    private int _records;

    /// <summary>Validates the id (present, shape, unique); false when unusable (the bad id is never quoted back).</summary>
    public bool CheckId(int line, string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            errors.Add(line, null, "missing id");
            return false;
        }
        if (!InputLimits.IsId(id))
        {
            errors.Add(line, null, $"id must be {InputLimits.IdRule}");
            return false;
        }
        if (!_lineById.TryAdd(id, line))
        {
            errors.Add(line, id, $"duplicate id (first used on line {_lineById[id]})");
            return false;
        }
        return true;
    }

    /// <summary>Counts a record; false (once, with an error) when the file has more than the limit.</summary>
    public bool CheckCount(int line)
    {
        if (++_records == limits.MaxRecords + 1)
        {
            errors.Add(line, null, $"more than {limits.MaxRecords:N0} records; split the file");
        }
        return _records <= limits.MaxRecords;
    }

    public bool CheckText(int line, string? id, string? text, string field = "text")
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(line, id, $"empty {field}");
            return false;
        }
        return CheckSize(line, id, text, field);
    }

    public bool CheckSize(int line, string? id, string text, string field)
    {
        int bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > limits.MaxTextBytes)
        {
            errors.Add(line, id, $"{field} is {bytes} UTF-8 bytes, above the limit of {limits.MaxTextBytes}");
            return false;
        }
        return true;
    }

    public bool CheckLanguage(int line, string? id, string? language)
    {
        if (string.IsNullOrWhiteSpace(language))
        {
            errors.Add(line, id, "missing language (expected \"fa\" or \"en\")");
            return false;
        }
        if (!Languages.IsSupported(language))
        {
            errors.Add(line, id, "unsupported language (expected \"fa\" or \"en\")");
            return false;
        }
        return true;
    }

    /// <summary>Every catalogue key, null unless set.</summary>
    public Dictionary<string, bool?> EmptyLabels()
    {
        var labels = new Dictionary<string, bool?>(StringComparer.Ordinal);
        foreach (var key in catalogue.Keys)
        {
            labels[key] = null;
        }
        return labels;
    }

    /// <summary>An unknown key, named by where it is (e.g. "labels key 3", "column 7"), never by its text.</summary>
    public void UnknownFeature(int line, string? id, string where) =>
        errors.Add(line, id, $"unknown feature key at {where} (not in catalogue {catalogue.Version}; ListFeatures names the keys)");
}
