using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Engines.Rules;
using Xunit;
using Xunit.Abstractions;

namespace ClinicalAspire.RuleEngine.Tests;

/// <summary>Throwaway probe (runs only with CA_PROBE=file): prints the failing cases.</summary>
public sealed class ProbeTests(ITestOutputHelper output)
{
    [Fact]
    public void Probe()
    {
        var file = Environment.GetEnvironmentVariable("CA_PROBE");
        if (string.IsNullOrEmpty(file)) return;
        var engine = new RuleExtractionEngine();
        int n = 0, bad = 0;
        foreach (var line in File.ReadLines(file))
        {
            var p = line.Split('|');
            if (p.Length < 3) continue;
            n++;
            var got = engine.Extract(p[2], [p[0]])[0].Value == FeatureValue.True;
            if (got == (p[1] == "1")) continue;
            bad++;
            output.WriteLine($"FAIL {p[0]} expected {p[1]}: {p[2]}");
            foreach (var h in engine.Explain(p[2])) output.WriteLine($"     {h.Key}/{h.Status}: {p[2][h.Start..h.End]}");
        }
        output.WriteLine($"{bad} of {n} failed");
    }
}
