using System.Diagnostics;
using System.Globalization;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Engines.Rules;
using Xunit;
using Xunit.Abstractions;

namespace ClinicalAspire.RuleEngine.Tests;

public sealed class ProfileTests(ITestOutputHelper output)
{
    [Fact]
    public void Normalizer_cost_is_reported()
    {
        var note = string.Join(" ", DevRecord.Load("dev.jsonl").Where(r => r.Language == "fa").Take(13).Select(r => r.Text));
        for (var i = 0; i < 5000; i++)
        {
            PersianNormalizer.Normalize(note);
        }
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < 20000; i++)
        {
            PersianNormalizer.Normalize(note);
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"normalise: {sw.Elapsed.TotalMilliseconds * 1000 / 20000:0.00} us per {note.Length}-character note (wall clock)"));
    }

    [Fact]
    public void Engine_is_thread_safe()
    {
        var engine = new RuleExtractionEngine();
        var keys = FeatureCatalogue.Default.Keys.ToArray();
        var records = DevRecord.Load("dev.jsonl");
        var expected = records.Select(r => Flatten(engine.Extract(r.Text, keys))).ToArray();
        var failures = 0;
        Parallel.For(0, records.Count * 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var k = i % records.Count;
            if (Flatten(engine.Extract(records[k].Text, keys)) != expected[k])
            {
                Interlocked.Increment(ref failures);
            }
        });
        Assert.Equal(0, failures);
    }

    private static string Flatten(FeatureAnswer[] answers) =>
        string.Join(";", answers.Select(a => $"{a.Key}={a.Value}:{string.Join(",", a.Evidence.Select(e => $"{e.Start}-{e.End}"))}"));
}
