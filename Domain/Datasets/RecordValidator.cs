using System.Text;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Domain.Text;

namespace ClinicalAspire.Domain.Datasets;

/// <summary>Checks shared by the JSONL and CSV readers. Messages never quote the record's text.</summary>
internal sealed class RecordValidator(FeatureCatalogue catalogue, DatasetLimits limits, ErrorCollector errors)
{
    private readonly Dictionary<string, int> _lineById = new(StringComparer.Ordinal);

    public FeatureCatalogue Catalogue => catalogue;

    /// <summary>Validates the id (present, length, unique); returns the id to report, null when unusable.</summary>
    public bool CheckId(int line, string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            errors.Add(line, null, "missing id");
            return false;
        }
        if (id.Length > limits.MaxIdLength)
        {
            errors.Add(line, null, $"id is longer than {limits.MaxIdLength} characters");
            return false;
        }
        if (!_lineById.TryAdd(id, line))
        {
            errors.Add(line, id, $"duplicate id (first used on line {_lineById[id]})");
            return false;
        }
        return true;
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

    public void UnknownFeature(int line, string? id, string key) =>
        errors.Add(line, id, LooksLikeKey(key)
            ? $"unknown feature key '{key}' (not in catalogue {catalogue.Version})"
            : $"unknown feature key (not a valid key name; catalogue {catalogue.Version})");

    /// <summary>Only a string shaped like a feature key is quoted back (anything else might be clinical text).</summary>
    public static bool LooksLikeKey(string key) =>
        key.Length is > 0 and <= 64 && key[0] is >= 'a' and <= 'z' && key.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');
}
