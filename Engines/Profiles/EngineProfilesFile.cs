using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClinicalAspire.Engines.Models;

namespace ClinicalAspire.Engines.Profiles;

/// <summary>
/// The engine-profiles file (<c>Profiles:File</c>, schema <c>data/profiles/profiles.schema.json</c>): named pairs of an
/// extraction and a translation engine with their models, prompts, decoding settings and concurrency. The Extractor
/// and the Translator read the same file, so a profile name means the same pair everywhere.
/// </summary>
public static class EngineProfilesFile
{
    private static readonly JsonSerializerOptions s_options = new()
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        // A misspelt setting ("maxNewToken") must fail at start, not be silently ignored.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Reads and validates the file; <see cref="EngineProfilesException"/> lists every problem with its line.</summary>
    /// <param name="secrets">Looks up a secret by name (API keys never live in the file).</param>
    public static EngineProfileSet Load(string path, Func<string, string?>? secrets = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EngineProfilesException(path, [$"cannot be read ({ex.GetType().Name}: {ex.Message})"]);
        }
        return Parse(bytes, path, secrets);
    }

    public static EngineProfileSet Parse(byte[] json, string source, Func<string, string?>? secrets = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        ProfilesDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<ProfilesDocument>(json, s_options);
        }
        catch (JsonException ex)
        {
            var line = ex.LineNumber is { } l ? $"line {l + 1}: " : "";
            throw new EngineProfilesException(source, [line + FirstSentence(ex.Message)]);
        }
        if (document?.Profiles is not { Count: > 0 } definitions)
        {
            throw new EngineProfilesException(source, ["line 1: needs a non-empty \"profiles\" array"]);
        }

        var lines = ProfileLines(json);
        var errors = new List<string>();
        var profiles = new List<EngineProfile>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < definitions.Count; i++)
        {
            var where = i < lines.Count ? $"line {lines[i]}: " : "";
            var definition = definitions[i];
            var name = definition.Name?.Trim() ?? "";
            if (!EngineProfile.IsValidName(name))
            {
                errors.Add($"{where}profiles[{i}]: \"name\" must be 1-64 characters of a-z, 0-9, '.', '_' or '-' (got '{Shorten(name)}')");
                continue;
            }
            if (!names.Add(name))
            {
                errors.Add($"{where}profile '{name}' appears twice");
                continue;
            }
            if (definition.Concurrency is < 1 or > 1024)
            {
                errors.Add($"{where}profile '{name}': \"concurrency\" must be between 1 and 1024 (got {definition.Concurrency})");
            }
            var extractor = Role(definition.Extractor, "extractor", EngineKinds.Rules, [EngineKinds.Rules, ModelEngineKinds.Onnx, ModelEngineKinds.OpenAI]);
            var translator = Role(definition.Translator, "translator", EngineKinds.Gloss, [EngineKinds.Gloss, ModelEngineKinds.Onnx, ModelEngineKinds.OpenAI]);
            if (extractor is not null && translator is not null)
            {
                profiles.Add(new EngineProfile(name, definition.Concurrency, extractor, translator));
            }

            EngineRole? Role(RoleDocument? role, string roleName, string fallback, string[] allowed)
            {
                var kind = (role?.Engine ?? fallback).Trim().ToLowerInvariant();
                if (!allowed.Contains(kind))
                {
                    errors.Add($"{where}profile '{name}': {roleName}.engine '{Shorten(kind)}' is unknown; use {string.Join(", ", allowed)}");
                    return null;
                }
                if (role is null || kind is EngineKinds.Rules or EngineKinds.Gloss)
                {
                    return new EngineRole(kind, null);
                }
                var options = role.ToOptions(kind, definition.Concurrency, secrets);
                var problems = options.Validate(requirePromptMode: roleName == "extractor");
                errors.AddRange(problems.Select(p => $"{where}profile '{name}': {p.Replace("Engine:", roleName + ".", StringComparison.Ordinal)}"));
                if (role.ApiKeySecret is { Length: > 0 } secret && string.IsNullOrEmpty(options.ApiKey))
                {
                    errors.Add($"{where}profile '{name}': {roleName}.apiKeySecret names '{Shorten(secret)}', but no secret of that name is configured (Secrets:{Shorten(secret)})");
                }
                return problems.Count == 0 ? new EngineRole(kind, options) : null;
            }
        }

        var defaultName = document.Default?.Trim();
        if (!string.IsNullOrEmpty(defaultName) && !names.Contains(defaultName))
        {
            errors.Add($"\"default\" names profile '{Shorten(defaultName)}', which the file does not define");
        }
        if (errors.Count > 0)
        {
            throw new EngineProfilesException(source, errors);
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(json))[..12];
        return new EngineProfileSet(profiles, string.IsNullOrEmpty(defaultName) ? profiles[0].Name : defaultName, source, hash);
    }

    /// <summary>The 1-based line where each element of the "profiles" array starts, so errors can point at it.</summary>
    private static List<int> ProfileLines(byte[] json)
    {
        var lines = new List<int>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        bool inProfiles = false;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                inProfiles = reader.ValueTextEquals("profiles");
            }
            else if (inProfiles && reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth == 2)
            {
                lines.Add(1 + json.AsSpan(0, (int)reader.TokenStartIndex).Count((byte)'\n'));
            }
        }
        return lines;
    }

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends "Path: ... | LineNumber: ..." which the line prefix already says.
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static string Shorten(string value) => value.Length <= 64 ? value : value[..64] + "...";

    private sealed class ProfilesDocument
    {
        [JsonPropertyName("$schema")] public string? Schema { get; init; }
        [JsonPropertyName("default")] public string? Default { get; init; }
        [JsonPropertyName("profiles")] public List<ProfileDocument>? Profiles { get; init; }
    }

    private sealed class ProfileDocument
    {
        [JsonPropertyName("name")] public string? Name { get; init; }
        [JsonPropertyName("description")] public string? Description { get; init; }
        [JsonPropertyName("concurrency")] public int? Concurrency { get; init; }
        [JsonPropertyName("extractor")] public RoleDocument? Extractor { get; init; }
        [JsonPropertyName("translator")] public RoleDocument? Translator { get; init; }
    }

    private sealed class RoleDocument
    {
        [JsonPropertyName("engine")] public string? Engine { get; init; }
        [JsonPropertyName("endpoint")] public string? Endpoint { get; init; }
        [JsonPropertyName("model")] public string? Model { get; init; }
        [JsonPropertyName("modelPath")] public string? ModelPath { get; init; }
        [JsonPropertyName("executionProvider")] public string? ExecutionProvider { get; init; }
        [JsonPropertyName("apiKeySecret")] public string? ApiKeySecret { get; init; }
        [JsonPropertyName("promptMode")] public string? PromptMode { get; init; }
        [JsonPropertyName("promptProfile")] public string? PromptProfile { get; init; }
        [JsonPropertyName("maxNewTokens")] public int? MaxNewTokens { get; init; }
        [JsonPropertyName("temperature")] public double? Temperature { get; init; }
        [JsonPropertyName("seed")] public long? Seed { get; init; }
        [JsonPropertyName("repetitionPenalty")] public double? RepetitionPenalty { get; init; }
        [JsonPropertyName("concurrency")] public int? Concurrency { get; init; }
        [JsonPropertyName("requestTimeoutSeconds")] public double? RequestTimeoutSeconds { get; init; }
        [JsonPropertyName("constrainedDecoding")] public bool? ConstrainedDecoding { get; init; }
        [JsonPropertyName("prefixReuse")] public bool? PrefixReuse { get; init; }
        [JsonPropertyName("translationSegmentChars")] public int? TranslationSegmentChars { get; init; }

        public ModelEngineOptions ToOptions(string kind, int? profileConcurrency, Func<string, string?>? secrets)
        {
            var options = new ModelEngineOptions
            {
                Kind = kind,
                Endpoint = Endpoint,
                Model = Model,
                ModelPath = ModelPath,
                ApiKey = ApiKeySecret is { Length: > 0 } secret ? secrets?.Invoke(secret) : null,
                PromptProfile = PromptProfile,
                RepetitionPenalty = RepetitionPenalty,
                // Model calls at once: the role's own limit, else (for a server that batches) the profile's.
                MaxConcurrency = Concurrency ?? (kind == ModelEngineKinds.OpenAI ? profileConcurrency : null),
            };
            options.ExecutionProvider = ExecutionProvider ?? options.ExecutionProvider;
            options.PromptMode = PromptMode ?? options.PromptMode;
            options.MaxNewTokens = MaxNewTokens ?? options.MaxNewTokens;
            options.Temperature = Temperature ?? options.Temperature;
            options.Seed = Seed ?? options.Seed;
            options.ConstrainedDecoding = ConstrainedDecoding ?? options.ConstrainedDecoding;
            options.PrefixReuse = PrefixReuse ?? options.PrefixReuse;
            options.TranslationSegmentChars = TranslationSegmentChars ?? options.TranslationSegmentChars;
            if (RequestTimeoutSeconds is { } seconds)
            {
                options.RequestTimeout = seconds > 0 && double.IsFinite(seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;
            }
            return options;
        }
    }
}

/// <summary>The profiles file cannot be used; the message names the file and every problem with its line.</summary>
public sealed class EngineProfilesException(string source, IReadOnlyList<string> errors)
    : Exception($"Engine profiles file '{source}' is invalid: " + string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>The embedded engines, which need no model and no settings.</summary>
public static class EngineKinds
{
    public const string Rules = "rules";
    public const string Gloss = "gloss";
}

/// <summary>One role of a profile: the engine kind and, for language models, their settings.</summary>
public sealed record EngineRole(string Kind, ModelEngineOptions? Model);

/// <summary>A named pair of engines.</summary>
/// <param name="Concurrency">Records in flight for a run on this profile (null: the Evaluator's default).</param>
public sealed record EngineProfile(string Name, int? Concurrency, EngineRole Extractor, EngineRole Translator)
{
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-');
}

/// <summary>Every profile a stack hosts, and which one a request without a name gets.</summary>
/// <param name="Source">Where the profiles came from (a file path, or "configuration").</param>
/// <param name="Hash">Short hash of the file's content (empty for configuration).</param>
public sealed record EngineProfileSet(IReadOnlyList<EngineProfile> Profiles, string DefaultName, string Source, string Hash)
{
    /// <summary>The name every stack understands as "the default profile", whatever its real name.</summary>
    public const string DefaultAlias = "default";

    /// <summary>
    /// The profile a request names: empty or "default" (unless a profile is literally called so) is the default profile.
    /// Null when unknown.
    /// </summary>
    public EngineProfile? Find(string? name)
    {
        var wanted = string.IsNullOrWhiteSpace(name) ? DefaultName : name.Trim();
        return Profiles.FirstOrDefault(p => p.Name == wanted)
            ?? (wanted == DefaultAlias ? Profiles.FirstOrDefault(p => p.Name == DefaultName) : null);
    }

    /// <summary>Today's single pair from the "Engine" section of a service: what a stack without a profiles file runs.</summary>
    public static EngineProfileSet Single(EngineRole extractor, EngineRole translator, int? concurrency = null) =>
        new([new EngineProfile(DefaultAlias, concurrency, extractor, translator)], DefaultAlias, "configuration", "");
}
