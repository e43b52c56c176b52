using System.Globalization;
using System.Text;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Engines.Rules;
using Xunit;
using Xunit.Abstractions;

namespace ClinicalAspire.RuleEngine.Tests;

/// <summary>Throwaway error analysis (runs only with CA_ERROR_ANALYSIS=file.jsonl): prints errors to test output.</summary>
public sealed class ErrorAnalysisTests(ITestOutputHelper output)
{
    [Fact]
    public void Print_errors()
    {
        var file = Environment.GetEnvironmentVariable("CA_ERROR_ANALYSIS");
        if (string.IsNullOrEmpty(file)) return;
        var engine = new RuleExtractionEngine();
        var keys = FeatureCatalogue.Default.Keys.ToArray();
        var sb = new StringBuilder();
        foreach (var f in file.Split(','))
        {
            var records = DevRecord.Load(f);
            foreach (var key in keys)
            {
                foreach (var r in records)
                {
                    var pred = engine.Extract(r.Text, [key])[0].Value == FeatureValue.True;
                    if (pred == r.Labels[key]) continue;
                    sb.AppendLine(CultureInfo.InvariantCulture, $"{(pred ? "FP" : "FN")} {key} {r.Id}");
                    sb.AppendLine("   TEXT: " + r.Text);
                    foreach (var h in engine.Explain(r.Text))
                    {
                        sb.AppendLine(CultureInfo.InvariantCulture, $"   {h.Key}/{h.Status}: {r.Text[h.Start..h.End]}");
                    }
                }
            }
        }
        output.WriteLine(sb.ToString());
    }
}
