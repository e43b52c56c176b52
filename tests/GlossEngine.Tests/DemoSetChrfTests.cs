using System.Text.Json;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Engines.Gloss;
using Xunit;
using Xunit.Abstractions;

namespace ClinicalAspire.GlossEngine.Tests;

/// <summary>
/// Corpus chrF of the gloss engine over data/demo/demo.jsonl ("text" Persian, "translation" English
/// reference), when that file exists. Prints the score and counts only: never the notes.
/// </summary>
public sealed class DemoSetChrfTests(ITestOutputHelper output)
{
    [Fact]
    public void Reports_corpus_chrf_on_the_demo_set_when_present()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "demodata", "demo.jsonl");
        if (!File.Exists(path))
        {
            output.WriteLine("demo set not present: nothing to score");
            return;
        }

        var engine = new GlossTranslationEngine();
        var stats = new ChrfStatistics();
        var unknown = 0;
        var words = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (!root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String ||
                !root.TryGetProperty("translation", out var reference) || reference.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var source = text.GetString()!;
            var gloss = engine.Translate(source);
            unknown += gloss.UnknownWords;
            words += source.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
            stats.Add(gloss.Text, reference.GetString()!);
        }

        output.WriteLine($"demo set: {stats.Pairs} pairs, corpus chrF = {stats.Score:F2}, unknown words {unknown} of ~{words} source words");
        Assert.InRange(stats.Score, 0.0, 100.0);
    }
}
