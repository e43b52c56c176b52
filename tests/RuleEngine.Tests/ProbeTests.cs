using ClinicalAspire.Engines.Rules;
using Xunit;
using Xunit.Abstractions;

namespace ClinicalAspire.RuleEngine.Tests;

/// <summary>Developer aid: explains the engine's decisions for the lines of the file named by RULES_PROBE (if set).</summary>
public sealed class ProbeTests(ITestOutputHelper output)
{
    [Fact]
    public void Probe()
    {
        var path = Environment.GetEnvironmentVariable("RULES_PROBE");
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            return;
        }
        var engine = new RuleExtractionEngine();
        var n = 0;
        foreach (var line in File.ReadLines(path))
        {
            n++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var hits = engine.Explain(line);
            output.WriteLine($"#{n}: " + string.Join("; ", hits.Select(h => $"{h.Key}={h.Status}[{line[h.Start..h.End]}]")));
        }
    }
}
