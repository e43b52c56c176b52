using System.Diagnostics;
using System.Globalization;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Models;
using ClinicalAspire.Engines.Models.Prompts;
using ClinicalAspire.TinyModel;

namespace ClinicalAspire.Benchmarks;

/// <summary>
/// Prompt tokens read per note with and without shared-prefix reuse (Engine:PrefixReuse) on the ONNX route, "study" prompt
/// mode and profile, Persian demo notes, against a tiny decoder generated on the spot (tests/TinyModel). Counts, not timings:
/// the tiny model's byte-level tokenizer makes Persian text several times longer in tokens than a real model's would, so
/// only the ratio carries over. Also checks that both runs give the same answers.
/// Usage: dotnet run -c Release --project bench/Benchmarks -- prefix [--notes N] [--words W]
/// </summary>
public static class PrefixBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        int count = int.Parse(Arg("--notes", "8"), CultureInfo.InvariantCulture);
        int words = int.Parse(Arg("--words", "80"), CultureInfo.InvariantCulture);
        var features = FeatureCatalogue.Default.Features;
        var notes = BenchData.PersianNotes(words, count);

        var temp = Directory.CreateTempSubdirectory("clinicalaspire-prefix-bench-");
        try
        {
            var profile = PromptProfile.Load(PromptProfile.Study, FeatureCatalogue.Default);
            var answer = profile.FilledTemplate(profile.For(Languages.Persian), features, features.ToDictionary(f => f.Key, f => f.Key is "pain" or "sleep"));
            var folder = TinyDecoderBuilder.Build(temp.FullName, new TinyDecoderSpec { Answer = answer, Name = "tiny-study" });

            await RunAsync(folder, reuse: false, notes.Take(1).ToArray(), features); // warm-up (JIT, native load)
            var with = await RunAsync(folder, reuse: true, notes, features);
            var without = await RunAsync(folder, reuse: false, notes, features);

            Console.WriteLine($"Prefill tokens per note, study prompt mode and profile, {notes.Count} Persian notes of ~{words} words, tiny decoder (byte-level tokens)");
            Console.WriteLine();
            Console.WriteLine("| note | prompt tokens | prefilled, reuse on | prefilled, reuse off | on/off |");
            Console.WriteLine("|---:|---:|---:|---:|---:|");
            for (int i = 0; i < notes.Count; i++)
            {
                var on = with.Calls[i];
                var off = without.Calls[i];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {i + 1} | {on.PromptTokens} | {on.PrefillTokens} | {off.PrefillTokens} | {(double)on.PrefillTokens / off.PrefillTokens:P1} |"));
            }
            int totalOn = with.Calls.Sum(c => c.PrefillTokens), totalOff = without.Calls.Sum(c => c.PrefillTokens);
            var later = with.Calls.Skip(1).ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| all | {with.Calls.Sum(c => c.PromptTokens)} | {totalOn} | {totalOff} | {(double)totalOn / totalOff:P1} |"));
            Console.WriteLine();
            if (later.Length > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Notes 2..{notes.Count}: {later.Average(c => (double)c.PrefillTokens / c.PromptTokens):P1} of the prompt read on average with reuse (100% without)."));
            }
            bool same = with.Outputs.SequenceEqual(without.Outputs);
            Console.WriteLine($"Same answers with and without reuse: {(same ? "yes" : "NO")}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Wall time (informative only, tiny model): reuse on {with.Elapsed.TotalMilliseconds:F0} ms, off {without.Elapsed.TotalMilliseconds:F0} ms"));
            return same ? 0 : 1;
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    private sealed record Run(IReadOnlyList<ModelCallRecord> Calls, IReadOnlyList<string> Outputs, TimeSpan Elapsed);

    private static async Task<Run> RunAsync(string folder, bool reuse, IReadOnlyList<string> notes, IReadOnlyList<FeatureDefinition> features)
    {
        using var engine = ChatExtractionEngine.Create(new ModelEngineOptions
        {
            Kind = "onnx", ModelPath = folder, PromptMode = "study", PromptProfile = "study", PrefixReuse = reuse,
        });
        var calls = new List<ModelCallRecord>();
        var outputs = new List<string>();
        var started = Stopwatch.GetTimestamp();
        foreach (var note in notes)
        {
            var output = await engine.ExtractAsync(new ExtractionInput(note, Languages.Persian, features, IncludeRawOutput: true), CancellationToken.None);
            calls.Add(output.Calls.Single());
            outputs.Add(output.RawOutput + "|" + string.Join(",", output.Answers.Select(a => $"{a.Key}={a.Value}")));
        }
        return new Run(calls, outputs, Stopwatch.GetElapsedTime(started));
    }
}
