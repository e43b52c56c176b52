using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClinicalAspire.RuleEngine.Tests;

/// <summary>One synthetic record of data/dev/*.jsonl.</summary>
public sealed class DevRecord
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("text")] public string Text { get; init; } = "";
    [JsonPropertyName("language")] public string Language { get; init; } = "";
    [JsonPropertyName("translation")] public string Translation { get; init; } = "";
    [JsonPropertyName("labels")] public Dictionary<string, bool> Labels { get; init; } = [];
    /// <summary>The writing style of data/dev/styles notes (shorthand, qa, long, paraphrase, whowhen, noise).</summary>
    [JsonPropertyName("style")] public string Style { get; init; } = "";

    public static IReadOnlyList<DevRecord> Load(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "devdata", fileName);
        return LoadPath(path);
    }

    public static IReadOnlyList<DevRecord> LoadPath(string path)
    {
        var list = new List<DevRecord>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            list.Add(JsonSerializer.Deserialize<DevRecord>(line) ?? throw new InvalidDataException("empty record"));
        }
        return list;
    }
}
