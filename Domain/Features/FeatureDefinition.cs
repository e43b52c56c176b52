using System.Text.Json.Serialization;

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
}
