using BenchmarkDotNet.Attributes;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Engines.Rules;

namespace ClinicalAspire.Benchmarks;

/// <summary>
/// The rule engine on one note of 1 to 32 KB (UTF-8), English and Persian, every word a trigger ("pain " * N) or
/// consecutive demo notes. Cost should grow in proportion to the note: 32 KB under 50 ms.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SharedMachineConfig))]
public class NoteLengthBenchmarks
{
    private readonly RuleExtractionEngine _rules = new();
    private readonly string[] _keys = FeatureCatalogue.Default.Keys.ToArray();
    private string _note = "";

    [Params("en", "fa")]
    public string Language { get; set; } = "en";

    [Params("repeat", "demo")]
    public string Kind { get; set; } = "repeat";

    [Params(1, 4, 8, 16, 32)]
    public int KB { get; set; }

    [GlobalSetup]
    public void Setup() => _note = BenchData.LongNote(Language, Kind, KB * 1024);

    [Benchmark(Description = "rules: extract 13 features from one note")]
    public int RulesExtract()
    {
        var positives = 0;
        foreach (var answer in _rules.Extract(_note, _keys))
        {
            positives += answer.Value == FeatureValue.True ? answer.Evidence.Count : 0;
        }
        return positives;
    }
}
