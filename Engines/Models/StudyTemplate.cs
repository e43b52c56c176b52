using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;

namespace ClinicalAspire.Engines.Models;

/// <summary>
/// The study's output format: a brace-wrapped, comma-separated list of <c>Field name: True/False</c>, field names
/// = <see cref="FeatureDefinition.NameEn"/> in catalogue order, and its tolerant reader.
/// </summary>
public static class StudyTemplate
{
    /// <summary>The empty template appended to the system prompt.</summary>
    public static string Empty(IReadOnlyList<FeatureDefinition> features) =>
        "{" + string.Join(", ", features.Select(f => $"{f.NameEn}: True/False")) + "}";

    /// <summary>A filled template; a feature absent from <paramref name="labels"/> is False (nothing stated).</summary>
    public static string Filled(IReadOnlyList<FeatureDefinition> features, IReadOnlyDictionary<string, bool> labels) =>
        "{" + string.Join(", ", features.Select(f => $"{f.NameEn}: {(labels.TryGetValue(f.Key, out var v) && v ? "True" : "False")}")) + "}";

    /// <summary>
    /// Reads the value after each field name up to the next comma. Never throws: a field that is absent or whose value
    /// is not a readable yes/no is <see cref="FeatureValue.Missing"/> for that feature only. Case-insensitive; tolerates
    /// prose around the template, code fences, chat-template tokens, Markdown emphasis, quotes, Yes/No and Persian
    /// yes/no words. The rules live in <see cref="StudyOutputParser"/> (Domain), shared with the Evaluator.
    /// </summary>
    public static IReadOnlyList<FeatureAnswer> Parse(string? output, IReadOnlyList<FeatureDefinition> features) =>
        StudyOutputParser.Parse(output, features, ModelOutputCleaner.StripChatArtefacts);

    /// <summary>True/False/Yes/No (any case) and Persian yes/no words; null when unreadable or ambiguous.</summary>
    public static FeatureValue? ReadYesNo(ReadOnlySpan<char> value) => StudyOutputParser.ReadYesNo(value);
}
