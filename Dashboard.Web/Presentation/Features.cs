using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Contracts.Extractor.V1;

namespace ClinicalAspire.Dashboard.Presentation;

/// <summary>Display names of the study's features (keys from the catalogue; unknown keys show as themselves).</summary>
public static class Features
{
    private static readonly Dictionary<string, (int Order, string Name)> Known = new(StringComparer.Ordinal)
    {
        ["visit_request"] = (1, "Visit request"),
        ["psychological"] = (2, "Psychological"),
        ["sleep"] = (3, "Sleep"),
        ["appetite_loss"] = (4, "Appetite loss"),
        ["seizure"] = (5, "Seizure"),
        ["fatigue"] = (6, "Weakness / fatigue"),
        ["consciousness"] = (7, "Consciousness"),
        ["fever"] = (8, "Fever"),
        ["respiratory"] = (9, "Respiratory"),
        ["cost"] = (10, "Cost / insurance"),
        ["urinary"] = (11, "Urinary"),
        ["pain"] = (12, "Pain"),
        ["gastrointestinal"] = (13, "Gastrointestinal"),
    };

    public static string Name(string key) => Known.TryGetValue(key, out var known) ? known.Name : key;

    public static int Order(string key) => Known.TryGetValue(key, out var known) ? known.Order : int.MaxValue;

    public static IEnumerable<T> Ordered<T>(IEnumerable<T> items, Func<T, string> key) =>
        items.OrderBy(item => Order(key(item))).ThenBy(key, StringComparer.Ordinal);

    public static string LabelText(Label label) => label switch
    {
        Label.True => "yes",
        Label.False => "no",
        _ => MetricFormat.Missing,
    };

    public static string ValueText(FeatureValue value) => value switch
    {
        FeatureValue.True => "yes",
        FeatureValue.False => "no",
        FeatureValue.Missing => "missing",
        _ => MetricFormat.Missing,
    };

    /// <summary>A stored prediction's value ("true", "false", "missing") as shown.</summary>
    public static string PredictionText(string? value) => value?.ToLowerInvariant() switch
    {
        "true" => "yes",
        "false" => "no",
        "missing" => "missing",
        _ => MetricFormat.Missing,
    };

    /// <summary>Does a stored prediction disagree with its label (missing scored as negative)?</summary>
    public static bool IsError(Label label, string? prediction)
    {
        if (label is not (Label.True or Label.False))
        {
            return false;
        }
        var predictedTrue = string.Equals(prediction, "true", StringComparison.OrdinalIgnoreCase);
        return predictedTrue != (label == Label.True);
    }

    /// <summary>
    /// Why a mention did not count, in words, from the Extractor's status ("negated", "resolved", "historical",
    /// "hypothetical", "other_experiencer"); an unknown status is shown as it is, underscores as spaces.
    /// </summary>
    public static string DiscountReason(string? status) => status switch
    {
        "negated" => "negated",
        "resolved" => "resolved",
        "historical" => "in the past",
        "hypothetical" => "hypothetical",
        "other_experiencer" => "someone else",
        null or "" => "did not count",
        _ => status.Replace('_', ' '),
    };

    /// <summary>Persian (or any right-to-left script) reads right to left in the Persian font.</summary>
    public static bool IsRightToLeft(string? language, string? text)
    {
        if (language is { Length: > 0 })
        {
            return language.StartsWith("fa", StringComparison.OrdinalIgnoreCase)
                || language.StartsWith("ar", StringComparison.OrdinalIgnoreCase);
        }
        return text is not null && text.Any(c => c is >= '\u0600' and <= '\u06FF');
    }
}
