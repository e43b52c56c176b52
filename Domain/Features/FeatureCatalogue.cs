using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace ClinicalAspire.Domain.Features;

/// <summary>
/// The features a deployment extracts, loaded from data (data/catalogue/features.json by default),
/// so features can be added without a code change.
/// </summary>
public sealed partial class FeatureCatalogue
{
    private readonly Dictionary<string, FeatureDefinition> _byKey;

    public FeatureCatalogue(string version, IEnumerable<FeatureDefinition> features)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        Version = version;
        Features = features.OrderBy(f => f.Order).ToArray();
        if (Features.Count == 0)
        {
            throw new FeatureCatalogueException("the catalogue has no features");
        }

        _byKey = new Dictionary<string, FeatureDefinition>(StringComparer.Ordinal);
        foreach (var feature in Features)
        {
            if (!KeyPattern().IsMatch(feature.Key))
            {
                throw new FeatureCatalogueException($"feature key '{feature.Key}' must match ^[a-z][a-z0-9_]{{0,63}}$");
            }
            if (string.IsNullOrWhiteSpace(feature.NameEn) || string.IsNullOrWhiteSpace(feature.DefinitionEn))
            {
                throw new FeatureCatalogueException($"feature '{feature.Key}' needs name_en and definition_en");
            }
            if (!_byKey.TryAdd(feature.Key, feature))
            {
                throw new FeatureCatalogueException($"feature key '{feature.Key}' appears twice");
            }
        }
        CheckAliases(Features);
    }

    /// <summary>Catalogue version; part of prompt versions and cache keys.</summary>
    public string Version { get; }

    /// <summary>Features in template order.</summary>
    public IReadOnlyList<FeatureDefinition> Features { get; }

    public IEnumerable<string> Keys => Features.Select(f => f.Key);

    public bool Contains(string key) => _byKey.ContainsKey(key);

    public FeatureDefinition this[string key] => _byKey[key];

    public bool TryGet(string key, out FeatureDefinition feature) => _byKey.TryGetValue(key, out feature!);

    /// <summary>The study's 13 features, shipped inside this assembly.</summary>
    public static FeatureCatalogue Default { get; } = LoadDefault();

    public static FeatureCatalogue Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Load(stream);
    }

    public static FeatureCatalogue Load(Stream json)
    {
        CatalogueFile? file;
        try
        {
            file = JsonSerializer.Deserialize<CatalogueFile>(json);
        }
        catch (JsonException ex)
        {
            throw new FeatureCatalogueException($"the catalogue is not valid JSON ({ex.Message})");
        }
        if (file?.Features is null || string.IsNullOrWhiteSpace(file.Version))
        {
            throw new FeatureCatalogueException("the catalogue needs 'version' and 'features'");
        }
        return new FeatureCatalogue(file.Version, file.Features);
    }

    private static FeatureCatalogue LoadDefault()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("ClinicalAspire.Domain.features.json")
            ?? throw new InvalidOperationException("the default feature catalogue is not embedded");
        return Load(stream);
    }

    /// <summary>
    /// An alias must be a real name and must not name another feature: the lenient parser matches names ignoring case,
    /// so a shared name would hand one feature's answer to the other.
    /// </summary>
    private static void CheckAliases(IReadOnlyList<FeatureDefinition> features)
    {
        var owners = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var feature in features)
        {
            if (feature.Aliases.En.Concat(feature.Aliases.Fa).Any(string.IsNullOrWhiteSpace))
            {
                throw new FeatureCatalogueException($"feature '{feature.Key}' has a blank alias");
            }
            foreach (var name in feature.AllNames)
            {
                if (!owners.TryGetValue(name, out var keys))
                {
                    owners[name] = keys = [];
                }
                keys.Add(feature.Key);
            }
        }
        foreach (var feature in features)
        {
            foreach (var alias in feature.Aliases.En.Concat(feature.Aliases.Fa))
            {
                var other = owners[alias.Trim()].FirstOrDefault(key => key != feature.Key);
                if (other is not null)
                {
                    throw new FeatureCatalogueException($"feature '{feature.Key}': alias '{alias.Trim()}' is also a name of feature '{other}'");
                }
            }
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$")]
    private static partial Regex KeyPattern();

    private sealed class CatalogueFile
    {
        [JsonPropertyName("version")] public string? Version { get; init; }
        [JsonPropertyName("features")] public List<FeatureDefinition>? Features { get; init; }
    }
}

public sealed class FeatureCatalogueException(string message) : Exception(message);
