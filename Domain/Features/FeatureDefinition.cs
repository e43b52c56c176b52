using System.Text.Json.Serialization;
using ClinicalAspire.Domain.Text;

namespace ClinicalAspire.Domain.Features;

/// <summary>One yes/no clinical feature of the catalogue.</summary>
public sealed record FeatureDefinition
{
    [JsonPropertyName("key")] public required string Key { get; init; }
    [JsonPropertyName("order")] public required int Order { get; init; }
    [JsonPropertyName("name_en")] public required string NameEn { get; init; }
    [JsonPropertyName("name_fa")] public required string NameFa { get; init; }
    [JsonPropertyName("definition_en")] public required string DefinitionEn { get; init; }
    [JsonPropertyName("definition_fa")] public string DefinitionFa { get; init; } = "";

    /// <summary>
    /// Other spellings of the field name that answers may use (the study's template differs from the catalogue's
    /// names for some features). Read by the output parsers only; prompts keep using the names.
    /// </summary>
    [JsonPropertyName("aliases")]
    public FeatureAliases Aliases { get; init => field = value ?? new(); } = new(); // JSON null = no aliases

    /// <summary>
    /// The field names in one language (<see cref="Languages.English"/> or <see cref="Languages.Persian"/>): the name
    /// first, then its aliases; trimmed, blanks and repeats left out.
    /// </summary>
    public IEnumerable<string> NamesFor(string language) => language switch
    {
        Languages.English => NonBlankDistinct([NameEn, .. Aliases.En]),
        Languages.Persian => NonBlankDistinct([NameFa, .. Aliases.Fa]),
        _ => throw new ArgumentException($"unknown language '{language}' (expected '{Languages.English}' or '{Languages.Persian}')", nameof(language)),
    };

    /// <summary>Every field name in both languages, English first, each once.</summary>
    [JsonIgnore] // derived; a serialised feature carries its names and aliases only
    public IReadOnlyList<string> AllNames =>
        NonBlankDistinct([.. NamesFor(Languages.English), .. NamesFor(Languages.Persian)]);

    private static string[] NonBlankDistinct(IEnumerable<string?> names) =>
        names.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n!.Trim()).Distinct(StringComparer.Ordinal).ToArray();
}

/// <summary>Alternative field names of a feature, per language.</summary>
public sealed record FeatureAliases
{
    [JsonPropertyName("en")] public IReadOnlyList<string> En { get; init => field = value ?? []; } = [];
    [JsonPropertyName("fa")] public IReadOnlyList<string> Fa { get; init => field = value ?? []; } = [];

    // Value equality over the lists, so that two catalogues read from the same file hold equal features.
    public bool Equals(FeatureAliases? other) =>
        other is not null && En.SequenceEqual(other.En, StringComparer.Ordinal) && Fa.SequenceEqual(other.Fa, StringComparer.Ordinal);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(En.Count);
        foreach (var name in En.Concat(Fa))
        {
            hash.Add(name, StringComparer.Ordinal);
        }
        return hash.ToHashCode();
    }
}
