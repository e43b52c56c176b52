using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Gloss;
using ClinicalAspire.Engines.Rules;

namespace ClinicalAspire.Benchmarks;

/// <summary>
/// The embedded engines in-process, one thread, on ~80-word Persian notes. One operation is one note:
/// notes/s = 1e9 / Mean(ns). Targets: rules >= 20,000 notes/s, gloss >= 5,000 notes/s.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SharedMachineConfig))]
public class EngineBenchmarks
{
    private const int Notes = 200;
    private IReadOnlyList<string> _notes = null!;
    private readonly RuleExtractionEngine _rules = new();
    private readonly GlossTranslationEngine _gloss = new();
    private readonly IReadOnlyList<FeatureDefinition> _features = FeatureCatalogue.Default.Features;

    [GlobalSetup]
    public void Setup() => _notes = BenchData.PersianNotes(words: 80, count: Notes);

    [Benchmark(OperationsPerInvoke = Notes, Description = "rules: extract 13 features from one ~80-word Persian note")]
    public async Task<int> RulesExtract()
    {
        var positives = 0;
        foreach (var note in _notes)
        {
            var output = await _rules.ExtractAsync(new ExtractionInput(note, "fa", _features), CancellationToken.None);
            positives += output.Answers.Count;
        }
        return positives;
    }

    [Benchmark(OperationsPerInvoke = Notes, Description = "gloss: translate one ~80-word Persian note")]
    public int GlossTranslate()
    {
        var length = 0;
        foreach (var note in _notes)
        {
            length += _gloss.Translate(note).Text.Length;
        }
        return length;
    }
}
