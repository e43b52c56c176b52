using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Domain.Text;

namespace ClinicalAspire.Engines.Models.Prompts;

/// <summary>How the template and the example answers are laid out.</summary>
public enum TemplateLayout
{
    /// <summary>This project's one-line template: <c>{Name: True/False, ...}</c>, answers <c>{Name: True, ...}</c>.</summary>
    Inline,

    /// <summary>
    /// The study's: an opening brace, one <c>Name: ,</c> per line, the last closed by the brace; answers one
    /// <c>Name: True,</c> per line without braces, the last followed by a comma and a space.
    /// </summary>
    Study,
}

/// <summary>The prompt of one note language: system text, lead-in, field names, examples.</summary>
public sealed record PromptLanguage(
    string Language,
    string SystemText,
    string LeadIn,
    IReadOnlyDictionary<string, string> FieldNames,
    IReadOnlyDictionary<string, string> TemplateFieldNames,
    FewShotSet Examples);

/// <summary>
/// A prompt profile: a folder (data/prompts/&lt;name&gt;/) holding profile.json, the system text per language, the
/// example notes per language and the user-turn lead-in. Everything the few-shot prompt is built from is data, and the
/// bytes of every file read go into <see cref="Version"/>, so two prompts never share results or cache entries.
/// </summary>
public sealed class PromptProfile
{
    public const string Project = "project";
    public const string Study = "study";
    private const string ResourcePrefix = "ClinicalAspire.Engines.Prompts/";

    private static readonly JsonSerializerOptions s_json = new()
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private readonly IReadOnlyDictionary<string, PromptLanguage> _languages;

    private PromptProfile(string name, string version, TemplateLayout layout, StudyParserMode parser, IReadOnlyDictionary<string, PromptLanguage> languages)
    {
        Name = name;
        Version = version;
        Layout = layout;
        Parser = parser;
        _languages = languages;
    }

    /// <summary>"project", "study", or the folder's name.</summary>
    public string Name { get; }

    /// <summary>The profile's name and a hash of every file it was built from.</summary>
    public string Version { get; }

    public TemplateLayout Layout { get; }

    public StudyParserMode Parser { get; }

    public IEnumerable<string> Languages => _languages.Keys;

    /// <summary>The prompt for a note in <paramref name="language"/>; English when the profile has none for it.</summary>
    public PromptLanguage For(string language) =>
        _languages.GetValueOrDefault(language) ?? _languages.GetValueOrDefault(Domain.Text.Languages.English) ?? _languages.Values.First();

    /// <summary>
    /// A built-in profile ("project", "study", shipped inside this assembly from data/prompts) or a folder on disk.
    /// Throws <see cref="InvalidDataException"/> naming the file and the problem (never note text).
    /// </summary>
    public static PromptProfile Load(string nameOrFolder, FeatureCatalogue catalogue)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrFolder);
        ArgumentNullException.ThrowIfNull(catalogue);
        var trimmed = nameOrFolder.Trim();
        if (trimmed is Project or Study)
        {
            return Load(trimmed, relative => ReadResource($"{trimmed}/{relative}"), catalogue);
        }
        if (!Directory.Exists(trimmed))
        {
            throw new InvalidDataException($"prompt profile '{trimmed}' is neither a built-in profile (project, study) nor an existing folder");
        }
        var folder = Path.GetFullPath(trimmed);
        return Load(Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar)), relative =>
        {
            var path = Path.GetFullPath(Path.Combine(folder, relative));
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }, catalogue);
    }

    private static PromptProfile Load(string name, Func<string, byte[]?> read, FeatureCatalogue catalogue)
    {
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] Read(string relative, bool required = true)
        {
            var bytes = read(relative);
            if (bytes is null)
            {
                if (required)
                {
                    throw new InvalidDataException($"prompt profile '{name}': file '{relative}' is missing");
                }
                return [];
            }
            hash.AppendData(Encoding.UTF8.GetBytes(relative + "\0"));
            hash.AppendData(bytes);
            return bytes;
        }

        var document = Deserialize<ProfileDocument>(Read("profile.json"), name, "profile.json");
        if (document.Languages is not { Count: > 0 })
        {
            throw new InvalidDataException($"prompt profile '{name}': profile.json needs \"languages\"");
        }
        var layout = (document.Layout ?? "inline").Trim().ToLowerInvariant() switch
        {
            "inline" => TemplateLayout.Inline,
            "study" => TemplateLayout.Study,
            var other => throw new InvalidDataException($"prompt profile '{name}': layout '{other}' is unknown; use inline or study"),
        };
        var parser = (document.Parser ?? "lenient").Trim().ToLowerInvariant() switch
        {
            "lenient" => StudyParserMode.Lenient,
            "strict" => StudyParserMode.Strict,
            var other => throw new InvalidDataException($"prompt profile '{name}': parser '{other}' is unknown; use lenient or strict"),
        };
        var leadInBytes = Read("lead-in.json", required: false);
        var leadIns = leadInBytes.Length == 0 ? [] : Deserialize<Dictionary<string, string>>(leadInBytes, name, "lead-in.json");

        var languages = new Dictionary<string, PromptLanguage>(StringComparer.OrdinalIgnoreCase);
        foreach (var (language, entry) in document.Languages)
        {
            if (!Domain.Text.Languages.IsSupported(language))
            {
                throw new InvalidDataException($"prompt profile '{name}': language '{language}' is not supported; use en or fa");
            }
            if (string.IsNullOrWhiteSpace(entry.System) || string.IsNullOrWhiteSpace(entry.Examples))
            {
                throw new InvalidDataException($"prompt profile '{name}': language '{language}' needs \"system\" and \"examples\"");
            }
            var system = Encoding.UTF8.GetString(Read(entry.System)).Replace("\r\n", "\n", StringComparison.Ordinal);
            FewShotSet examples;
            using (var stream = new MemoryStream(Read(entry.Examples)))
            {
                examples = FewShotLibrary.Parse(language, stream, $"{name}/{entry.Examples}");
            }
            var fieldNames = FieldNames(entry.FieldNames, language, "fieldNames", f => f.NameEn);
            var templateNames = FieldNames(entry.TemplateFieldNames, language, "templateFieldNames", f => fieldNames[f.Key]);
            languages[language] = new PromptLanguage(language, system, leadIns.GetValueOrDefault(language, "").Trim(), fieldNames, templateNames, examples);
        }
        var version = $"{name}+{Convert.ToHexStringLower(hash.GetHashAndReset())[..10]}";
        return new PromptProfile(name, version, layout, parser, languages);

        Dictionary<string, string> FieldNames(Dictionary<string, string>? given, string language, string what, Func<FeatureDefinition, string> fallback)
        {
            var unknown = given?.Keys.Where(k => !catalogue.Contains(k)).ToArray() ?? [];
            if (unknown.Length > 0)
            {
                throw new InvalidDataException($"prompt profile '{name}': {language}.{what} names keys the catalogue does not have: {string.Join(", ", unknown)}");
            }
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var feature in catalogue.Features)
            {
                names[feature.Key] = given?.GetValueOrDefault(feature.Key) is { Length: > 0 } value ? value.Trim() : fallback(feature);
            }
            return names;
        }
    }

    /// <summary>
    /// The same profile with other example sets (the legacy <c>Engine:FewShotPath</c> folder): languages without a set
    /// keep theirs; the version changes with the sets.
    /// </summary>
    public PromptProfile WithExamples(Func<string, FewShotSet?> examples)
    {
        var languages = _languages.ToDictionary(
            kv => kv.Key, kv => examples(kv.Key) is { } set ? kv.Value with { Examples = set } : kv.Value, StringComparer.OrdinalIgnoreCase);
        var versions = string.Join(",", languages.Values.OrderBy(l => l.Language, StringComparer.Ordinal).Select(l => l.Examples.Version));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Version + "|" + versions)))[..10];
        return new PromptProfile(Name, $"{Name}+{hash}", Layout, Parser, languages);
    }

    /// <summary>The system message: the language's system text with the empty template in place of {template}, or after it.</summary>
    public string SystemMessage(PromptLanguage prompt, IReadOnlyList<FeatureDefinition> features)
    {
        var template = EmptyTemplate(prompt, features);
        return prompt.SystemText.Contains("{template}", StringComparison.Ordinal)
            ? prompt.SystemText.Replace("{template}", template, StringComparison.Ordinal)
            : prompt.SystemText.TrimEnd('\n', ' ') + "\n" + template;
    }

    /// <summary>A user turn: the lead-in, a space, the note.</summary>
    public static string UserTurn(PromptLanguage prompt, string note) =>
        prompt.LeadIn.Length == 0 ? note : prompt.LeadIn + " " + note;

    public string EmptyTemplate(PromptLanguage prompt, IReadOnlyList<FeatureDefinition> features)
    {
        var names = features.Select(f => prompt.TemplateFieldNames.GetValueOrDefault(f.Key) ?? f.NameEn).ToArray();
        return Layout == TemplateLayout.Study
            ? "{\n" + string.Join("\n", names.Select(n => n + ": ,")) + "}"
            : "{" + string.Join(", ", names.Select(n => n + ": True/False")) + "}";
    }

    /// <summary>An example's answer; a feature absent from <paramref name="labels"/> is False (nothing stated).</summary>
    public string FilledTemplate(PromptLanguage prompt, IReadOnlyList<FeatureDefinition> features, IReadOnlyDictionary<string, bool> labels)
    {
        var fields = features.Select(f =>
            $"{prompt.FieldNames.GetValueOrDefault(f.Key) ?? f.NameEn}: {(labels.TryGetValue(f.Key, out var v) && v ? "True" : "False")}").ToArray();
        return Layout == TemplateLayout.Study
            ? string.Join("\n", fields.Select(f => f + ",")) + " "
            : "{" + string.Join(", ", fields) + "}";
    }

    /// <summary>
    /// Reads an answer with the profile's parser. Names looked for, in order: the profile's field names for the note's
    /// language, its template spellings, then every name and alias the catalogue knows (both languages).
    /// </summary>
    public IReadOnlyList<FeatureAnswer> Parse(string? output, PromptLanguage prompt, IReadOnlyList<FeatureDefinition> features, Func<string, string> clean)
    {
        var names = features.ToDictionary(
            f => f.Key,
            f => (IReadOnlyList<string>)new[] { prompt.FieldNames.GetValueOrDefault(f.Key), prompt.TemplateFieldNames.GetValueOrDefault(f.Key) }
                .OfType<string>().Concat(f.AllNames).Distinct(StringComparer.Ordinal).ToArray(),
            StringComparer.Ordinal);
        return StudyOutputParser.Parse(output, features, Parser, names, clean);
    }

    private static T Deserialize<T>(byte[] bytes, string name, string file)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, s_json) ?? throw new InvalidDataException($"prompt profile '{name}': {file} is empty");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"prompt profile '{name}': {file} is not valid (line {(ex.LineNumber ?? 0) + 1})");
        }
    }

    private static byte[]? ReadResource(string relative)
    {
        // Relative paths may step into a sibling profile ("../study/examples.en.json"): resolve them as paths.
        var normalized = Path.GetRelativePath("/p", Path.GetFullPath(Path.Combine("/p", relative))).Replace('\\', '/');
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourcePrefix + normalized);
        if (stream is null)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private sealed class ProfileDocument
    {
        [JsonPropertyName("$schema")] public string? Schema { get; init; }
        [JsonPropertyName("version")] public string? FormatVersion { get; init; }
        [JsonPropertyName("description")] public string? Description { get; init; }
        [JsonPropertyName("layout")] public string? Layout { get; init; }
        [JsonPropertyName("parser")] public string? Parser { get; init; }
        [JsonPropertyName("languages")] public Dictionary<string, LanguageDocument>? Languages { get; init; }
    }

    private sealed class LanguageDocument
    {
        [JsonPropertyName("system")] public string? System { get; init; }
        [JsonPropertyName("examples")] public string? Examples { get; init; }
        [JsonPropertyName("fieldNames")] public Dictionary<string, string>? FieldNames { get; init; }
        [JsonPropertyName("templateFieldNames")] public Dictionary<string, string>? TemplateFieldNames { get; init; }
    }
}
