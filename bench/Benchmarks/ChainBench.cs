using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Contracts.Extractor.V1;
using ClinicalAspire.Contracts.Translator.V1;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Rules;
using Google.Protobuf;
using Grpc.Net.Client;

namespace ClinicalAspire.Benchmarks;

/// <summary>
/// End-to-end numbers against a running stack (`dotnet run -c Release --project AppHost`):
/// gRPC latency over loopback (cache hit and miss) and a 1,221-record run through the whole chain, cold and
/// warm, next to the in-process engine time for the same records.
/// Usage: dotnet run -c Release --project bench/Benchmarks -- chain [--evaluator URL] [--extractor URL] [--translator URL] [--records N] [--calls N]
/// </summary>
public static class ChainBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var evaluatorUrl = Arg("--evaluator", "http://localhost:5090");
        var extractorUrl = Arg("--extractor", "http://localhost:5112");
        var translatorUrl = Arg("--translator", "http://localhost:5102");
        var recordCount = int.Parse(Arg("--records", "1221"));
        var calls = int.Parse(Arg("--calls", "2000"));
        var nonce = Guid.NewGuid().ToString("N")[..6];

        using var extractorChannel = GrpcChannel.ForAddress(extractorUrl);
        using var translatorChannel = GrpcChannel.ForAddress(translatorUrl);
        using var evaluatorChannel = GrpcChannel.ForAddress(evaluatorUrl, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
        var extractor = new Extractor.ExtractorClient(extractorChannel);
        var translator = new Translator.TranslatorClient(translatorChannel);
        var evaluator = new Evaluator.EvaluatorClient(evaluatorChannel);

        var notes = BenchData.PersianNotes(words: 80, count: 50);
        Console.WriteLine($"gRPC over loopback, {calls} sequential calls each, ~80-word Persian notes");
        await Latency("Extract direct, cache hit", calls, i => extractor.ExtractAsync(new ExtractRequest { Text = notes[0], Language = "fa" }).ResponseAsync);
        await Latency("Extract direct, cache miss (rules engine)", calls, i => extractor.ExtractAsync(new ExtractRequest { Text = $"{notes[i % notes.Count]} ({nonce}-{i})", Language = "fa" }).ResponseAsync);
        await Latency("Translate, cache hit", calls, i => translator.TranslateAsync(new TranslateRequest { Text = notes[0], SourceLanguage = "fa", TargetLanguage = "en" }).ResponseAsync);
        await Latency("Translate, cache miss (gloss engine)", calls, i => translator.TranslateAsync(new TranslateRequest { Text = $"{notes[i % notes.Count]} ({nonce}-t{i})", SourceLanguage = "fa", TargetLanguage = "en" }).ResponseAsync);

        // A dataset of the study's size: demo records varied so that no two notes are identical.
        var demo = BenchData.Demo();
        var lines = new StringBuilder();
        var texts = new List<string>();
        for (var i = 0; i < recordCount; i++)
        {
            var record = demo[i % demo.Count];
            var text = $"{record.Text} (تماس {nonce}-{i})";
            texts.Add(text);
            lines.AppendLine(JsonSerializer.Serialize(new
            {
                id = $"bench-{i:D4}",
                text,
                language = record.Language,
                translation = $"{record.Translation} (call {nonce}-{i})",
                labels = record.Labels,
            }));
        }
        var datasetId = $"bench-{recordCount}";
        await evaluator.ImportDatasetAsync(new ImportDatasetRequest
        {
            DatasetId = datasetId, Name = $"benchmark {recordCount}", Format = "jsonl", Replace = true,
            Content = ByteString.CopyFrom(Encoding.UTF8.GetBytes(lines.ToString())),
        });
        Console.WriteLine();
        Console.WriteLine($"{recordCount}-record run through Evaluator -> Extractor (rules) -> Redis, direct strategy");
        var cold = await Run(evaluator, datasetId);
        var warm = await Run(evaluator, datasetId);
        Console.WriteLine($"  cold (cache empty): {cold.TotalSeconds:F2} s   ({recordCount / cold.TotalSeconds:F0} records/s)");
        Console.WriteLine($"  warm (cache hits):  {warm.TotalSeconds:F2} s   ({recordCount / warm.TotalSeconds:F0} records/s)");

        var engine = new RuleExtractionEngine();
        var features = FeatureCatalogue.Default.Features;
        var stopwatch = Stopwatch.StartNew();
        foreach (var text in texts)
        {
            await engine.ExtractAsync(new ExtractionInput(text, "fa", features), CancellationToken.None);
        }
        stopwatch.Stop();
        Console.WriteLine($"  in-process rules engine, same records, one thread: {stopwatch.Elapsed.TotalSeconds:F3} s");
        return 0;
    }

    private static async Task Latency<T>(string name, int calls, Func<int, Task<T>> call)
    {
        for (var i = 0; i < 50; i++)
        {
            await call(i);
        }
        var samples = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await call(i);
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        Array.Sort(samples);
        Console.WriteLine($"  {name,-45} p50 {samples[calls / 2]:F3} ms   p95 {samples[calls * 95 / 100]:F3} ms   p99 {samples[calls * 99 / 100]:F3} ms");
    }

    /// <summary>Time from the run's start to its finish, as the Evaluator recorded them.</summary>
    private static async Task<TimeSpan> Run(Evaluator.EvaluatorClient evaluator, string datasetId)
    {
        var run = await evaluator.StartRunAsync(new StartRunRequest { DatasetId = datasetId, Strategy = "direct", BootstrapResamples = 1000 });
        while (run.State is RunState.Pending or RunState.Running)
        {
            await Task.Delay(50);
            run = await evaluator.GetRunAsync(new GetRunRequest { RunId = run.RunId });
        }
        if (run.State != RunState.Completed)
        {
            throw new InvalidOperationException($"run {run.RunId} ended {run.State}: {run.Error}");
        }
        return run.FinishedAt.ToDateTime() - run.StartedAt.ToDateTime();
    }
}
