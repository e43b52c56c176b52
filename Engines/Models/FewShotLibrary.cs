using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClinicalAspire.Engines.Models;

/// <summary>One worked example of the few-shot prompt: a note and its labels.</summary>
public sealed record FewShotExample(string Text, IReadOnlyDictionary<string, bool> Labels);

/// <summary>The examples for one input language, with a version that changes whenever their content changes.</summary>
/// <param name="Version">Format version from the file plus a short content hash (goes into the prompt version).</param>
/// <param name="Source">Where the set came from ("file", "data", "builtin"): no clinical text.</param>
public sealed record FewShotSet(string Language, string Version, IReadOnlyList<FewShotExample> Examples, string Source);

/// <summary>
/// Loads few-shot sets (format fewshot.v1: {"version", "examples": [{"text", "labels": {key: bool}}]}), one file per
/// language ({language}.json). Order of precedence: a folder named in options, the shared data/fewshot files embedded in
/// the assembly, the built-in sets of Engines/Models/FewShot.
/// </summary>
public static class FewShotLibrary
{
    private const string DataPrefix = "ClinicalAspire.Engines.FewShot.data.";
    private const string BuiltinPrefix = "ClinicalAspire.Engines.FewShot.builtin.";

    /// <summary>The set for <paramref name="language"/>, or null when none exists.</summary>
    public static FewShotSet? Load(string language, string? folder = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(language);
        var file = $"{language.ToLowerInvariant()}.json";
        if (!string.IsNullOrWhiteSpace(folder))
        {
            var path = Path.Combine(folder, file);
            if (File.Exists(path))
            {
                using var stream = File.OpenRead(path);
                return Parse(language, stream, "file");
            }
        }
        var assembly = typeof(FewShotLibrary).Assembly;
        foreach (var (prefix, source) in new[] { (DataPrefix, "data"), (BuiltinPrefix, "builtin") })
        {
            using var stream = assembly.GetManifestResourceStream(prefix + file);
            if (stream is not null)
            {
                return Parse(language, stream, source);
            }
        }
        return null;
    }

    /// <summary>Reads one fewshot.v1 document; throws <see cref="InvalidDataException"/> (no clinical text) when malformed.</summary>
    public static FewShotSet Parse(string language, Stream json, string source)
    {
        using var buffer = new MemoryStream();
        json.CopyTo(buffer);
        var bytes = buffer.ToArray();
        FewShotFile? file;
        try
        {
            file = JsonSerializer.Deserialize<FewShotFile>(bytes);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"the few-shot set for '{language}' ({source}) is not valid JSON (line {ex.LineNumber})");
        }
        if (file?.Examples is null || file.Examples.Count == 0)
        {
            throw new InvalidDataException($"the few-shot set for '{language}' ({source}) has no examples");
        }
        var examples = new List<FewShotExample>();
        foreach (var example in file.Examples)
        {
            if (string.IsNullOrWhiteSpace(example.Text) || example.Labels is null)
            {
                throw new InvalidDataException($"an example of the few-shot set for '{language}' ({source}) lacks text or labels");
            }
            examples.Add(new FewShotExample(example.Text, example.Labels));
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..8];
        return new FewShotSet(language, $"{file.Version ?? "fewshot"}+{hash}", examples, source);
    }

    private sealed class FewShotFile
    {
        [JsonPropertyName("version")] public string? Version { get; init; }
        [JsonPropertyName("examples")] public List<FewShotFileExample>? Examples { get; init; }
    }

    private sealed class FewShotFileExample
    {
        [JsonPropertyName("text")] public string? Text { get; init; }
        [JsonPropertyName("labels")] public Dictionary<string, bool>? Labels { get; init; }
    }
}

internal static class PromptHash
{
    /// <summary>A short stable hash of the parts (SHA-256, first 12 hex digits).</summary>
    public static string Of(params string[] parts)
    {
        var joined = string.Join("\u001f", parts);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(joined)))[..12];
    }
}
