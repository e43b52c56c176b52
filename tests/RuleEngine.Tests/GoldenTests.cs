using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Engines.Rules;
using Xunit;

namespace ClinicalAspire.RuleEngine.Tests;

/// <summary>
/// The engine's exact output (answers, evidence offsets and every trigger's status) on the demo set, Persian texts and
/// English translations, note by note and concatenated into long notes, against a file written by the engine before
/// the linear-time rework. A lexicon or modifier change that moves these on purpose regenerates the file:
/// <c>RULES_GOLDEN_WRITE=1 dotnet test tests/RuleEngine.Tests --filter GoldenTests</c>, and the diff is reviewed.
/// </summary>
public sealed class GoldenTests
{
    private const string FileName = "rules-demo.golden.txt";
    private static readonly RuleExtractionEngine Engine = new();
    private static readonly string[] Keys = FeatureCatalogue.Default.Keys.ToArray();

    [Fact]
    public void Demo_output_is_unchanged()
    {
        var actual = Render();
        if (Environment.GetEnvironmentVariable("RULES_GOLDEN_WRITE") == "1")
        {
            File.WriteAllText(Path.Combine(SourceDirectory(), "golden", FileName), actual);
            return;
        }
        var expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", FileName)).ReplaceLineEndings("\n");
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (var i = 0; i < Math.Min(expectedLines.Length, actualLines.Length); i++)
        {
            Assert.True(expectedLines[i] == actualLines[i], $"line {i + 1}:\nexpected {expectedLines[i]}\nactual   {actualLines[i]}");
        }
        Assert.Equal(expectedLines.Length, actualLines.Length);
    }

    private static string Render()
    {
        var records = DevRecord.Load("demo.jsonl");
        var sb = new StringBuilder();
        foreach (var r in records)
        {
            sb.Append(r.Id).Append(" fa ").Append(Describe(r.Text)).Append('\n');
            sb.Append(r.Id).Append(" en ").Append(Describe(r.Translation)).Append('\n');
        }
        // Long notes reach across note boundaries (the latest-mention rule, modifier windows): the whole set joined,
        // in lines and in one paragraph, summarised by a hash so that the file stays small.
        foreach (var (name, separator) in new[] { ("lines", "\n"), ("paragraph", " ") })
        {
            sb.Append("all-").Append(name).Append(" fa ").Append(Digest(string.Join(separator, records.Select(r => r.Text))))
                .Append('\n');
            sb.Append("all-").Append(name).Append(" en ").Append(Digest(string.Join(separator, records.Select(r => r.Translation))))
                .Append('\n');
        }
        // Demo notes drawn at random (fixed seeds) into long notes: the same triggers again and again, far apart, with
        // and without present-time cues between them.
        for (var seed = 0; seed < 40; seed++)
        {
            var random = new Random(seed);
            var picked = Enumerable.Range(0, 30).Select(_ => records[random.Next(records.Count)]).ToArray();
            sb.Append(CultureInfo.InvariantCulture, $"drawn-{seed} fa ").Append(Digest(string.Join(" ", picked.Select(r => r.Text))))
                .Append('\n');
            sb.Append(CultureInfo.InvariantCulture, $"drawn-{seed} en ").Append(Digest(string.Join(" ", picked.Select(r => r.Translation))))
                .Append('\n');
        }
        sb.Append("repeat en ").Append(Digest(string.Concat(Enumerable.Repeat("pain ", 2000)))).Append('\n');
        sb.Append("repeat fa ").Append(Digest(string.Concat(Enumerable.Repeat("درد ", 2000)))).Append('\n');
        sb.Append("repeat-negated fa ").Append(Digest(string.Concat(Enumerable.Repeat("درد دارد. امروز درد ندارد. ", 300))))
            .Append('\n');
        return sb.ToString();
    }

    private static string Describe(string text)
    {
        var sb = new StringBuilder();
        foreach (var a in Engine.Extract(text, Keys))
        {
            if (a.Value != FeatureValue.True)
            {
                continue;
            }
            sb.Append(a.Key).Append('[');
            foreach (var e in a.Evidence)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{e.Start}-{e.End} ");
            }
            sb.Append("] ");
        }
        sb.Append("| ");
        foreach (var h in Engine.Explain(text))
        {
            sb.Append(CultureInfo.InvariantCulture, $"{h.Key}:{h.Start}-{h.End}:{h.Status} ");
        }
        return sb.ToString().TrimEnd();
    }

    private static string Digest(string text)
    {
        var full = Describe(text);
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(full)))[..16];
        return string.Create(CultureInfo.InvariantCulture, $"{text.Length} chars, {Engine.Explain(text).Count} hits, {hash}");
    }

    private static string SourceDirectory()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "tests", "RuleEngine.Tests");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("tests/RuleEngine.Tests not found above the test assembly");
    }
}
