using System.Diagnostics;
using System.Globalization;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Engines.Rules;
using Xunit;
using Xunit.Abstractions;

namespace ClinicalAspire.RuleEngine.Tests;

public sealed class ProfileTests(ITestOutputHelper output)
{
    [Fact]
    public void Stage_profile()
    {
        var notes = DevRecord.Load("dev.jsonl").Where(r => r.Language == "fa").Select(r => r.Text).ToArray();
        var note = string.Join(" ", notes.Take(7));
        var sw = Stopwatch.StartNew();
        var n = 0;
        while (sw.ElapsedMilliseconds < 500) { PersianNormalizer.Normalize(note); n++; }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"normalise: {n / sw.Elapsed.TotalSeconds:0}/s"));
        sw.Restart(); n = 0;
        while (sw.ElapsedMilliseconds < 500) { note.ToUpperInvariant(); n++; }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"baseline ToUpperInvariant: {n / sw.Elapsed.TotalSeconds:0}/s, length {note.Length}"));
        sw.Restart(); n = 0;
        var buf = new char[note.Length];
        while (sw.ElapsedMilliseconds < 500) { for (var i = 0; i < note.Length; i++) { buf[i] = char.IsWhiteSpace(note[i]) ? ' ' : note[i]; } n++; }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"baseline loop: {n / sw.Elapsed.TotalSeconds:0}/s"));
        foreach (var mult in new[] { 1, 10, 50 })
        {
            var big = string.Concat(Enumerable.Repeat(note + " ", mult));
            sw.Restart(); n = 0;
            while (sw.ElapsedMilliseconds < 300) { PersianNormalizer.Normalize(big); n++; }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"x{mult}: {sw.Elapsed.TotalMilliseconds * 1000 / n:0.0} us per call"));
        }
        var engine = new RuleExtractionEngine();
        var keys = ClinicalAspire.Domain.Features.FeatureCatalogue.Default.Keys.ToArray();
        for (var i = 0; i < 5000; i++) engine.Extract(note, keys);
        Array.Clear(RuleExtractionEngine.StageTicks);
        sw.Restart();
        for (var i = 0; i < 5000; i++) engine.Extract(note, keys);
        var total = sw.Elapsed.TotalMilliseconds * 1000 / 5000;
        var st = RuleExtractionEngine.StageTicks.Select(t => t * 1e6 / Stopwatch.Frequency / 5000).ToArray();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"per note: total {total:0.0} us; normalise {st[0]:0.0}, tokenise {st[1]:0.0}, match {st[2]:0.0}, resolve {st[3]:0.0}"));
        var lex = RuleLexicon.Default;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"entries {lex.EntryCount} terms {lex.TermCountPublic} maxprefix {lex.MaxPrefixLength}"));
    }
}
