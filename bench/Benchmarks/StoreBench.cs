using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.TestSupport;
using Google.Protobuf;
using EvaluatorClient = ClinicalAspire.Contracts.Evaluator.V1.Evaluator.EvaluatorClient;
using ExtractorClient = ClinicalAspire.Contracts.Extractor.V1.Extractor.ExtractorClient;

namespace ClinicalAspire.Benchmarks;

/// <summary>
/// <c>store [records] [flood-notes]</c>: the Evaluator's data path with the real services as processes and
/// redis-server: GetRun latency on active runs of 1k and 10k records, the Evaluator's resident memory through the
/// import and run of a large dataset (default 100,000 records), and Redis memory under a flood of unique notes
/// with a small ceiling (maxmemory, volatile-lru).
/// </summary>
public static class StoreBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var large = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        var flood = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
        var demo = File.ReadLines(Path.Combine(RedisServerProcess.RepositoryRoot(), "data", "demo", "demo.jsonl")).Where(l => l.Length > 0)
            .Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();

        await using (var stack = await Stack.StartAsync(["--maxmemory", "1gb", "--maxmemory-policy", "volatile-lru"]))
        {
            foreach (var size in new[] { 1_000, 10_000 })
            {
                await GetRunLatencyAsync(stack, demo, size);
            }
            await MemoryAsync(stack, demo, large);
        }
        await using (var stack = await Stack.StartAsync(["--maxmemory", "32mb", "--maxmemory-policy", "volatile-lru"]))
        {
            await FloodAsync(stack, demo, flood);
        }
        return 0;
    }

    private static readonly System.Text.Json.JsonSerializerOptions Utf8Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] LabelKeys = ["pain", "fever", "sleep", "fatigue", "respiratory", "psychological"];

    /// <summary>
    /// Notes from the demo set, shortened and made unique, with six of their labels: ~270 bytes a line, so 100,000
    /// records stay under Kestrel's 30 MB request body limit.
    /// </summary>
    private static ByteString Dataset(JsonObject[] demo, int records, string tag)
    {
        var builder = new StringBuilder(records * 400);
        for (var i = 0; i < records; i++)
        {
            var source = demo[i % demo.Length];
            var text = source["text"]!.GetValue<string>();
            var record = new JsonObject
            {
                ["id"] = $"{tag}-{i:D6}",
                ["text"] = $"{text[..Math.Min(text.Length, 40)]} ({tag} {i})",
                ["language"] = "fa",
                ["labels"] = new JsonObject(LabelKeys.Select(k => KeyValuePair.Create(k, source["labels"]![k]?.DeepClone()))),
            };
            builder.Append(record.ToJsonString(Utf8Json)).Append('\n');
        }
        return ByteString.CopyFromUtf8(builder.ToString());
    }

    private static async Task GetRunLatencyAsync(Stack stack, JsonObject[] demo, int size)
    {
        var client = stack.Client;
        var id = $"latency-{size}";
        await client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = id, Format = "jsonl", Content = Dataset(demo, size, id), Replace = true });
        var run = await client.StartRunAsync(new StartRunRequest { DatasetId = id, Concurrency = 4, BootstrapResamples = 200 });
        RunInfo now;
        do
        {
            await Task.Delay(50);
            now = await client.GetRunAsync(new GetRunRequest { RunId = run.RunId });
        }
        while (now.Completed < size / 2 && now.State is RunState.Pending or RunState.Running);
        var samples = new List<double>();
        var completedAtStart = now.Completed;
        for (var i = 0; i < 200; i++)
        {
            var started = Stopwatch.GetTimestamp();
            now = await client.GetRunAsync(new GetRunRequest { RunId = run.RunId });
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        samples.Sort();
        Console.WriteLine($"GetRun on an active run of {size,6:N0} records ({completedAtStart:N0}..{now.Completed:N0} done, state {now.State}): " +
            $"p50 {samples[100]:F2} ms, p95 {samples[190]:F2} ms, max {samples[^1]:F2} ms (200 calls)");
        await client.CancelRunAsync(new CancelRunRequest { RunId = run.RunId });
    }

    private static async Task MemoryAsync(Stack stack, JsonObject[] demo, int records)
    {
        var client = stack.Client;
        var content = Dataset(demo, records, "big");
        var baseline = Rss(stack.Evaluator.ProcessId);
        using var sampler = new RssSampler(stack.Evaluator.ProcessId);
        var started = Stopwatch.GetTimestamp();
        await client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "big", Format = "jsonl", Content = content, Replace = true });
        var importPeak = sampler.TakePeak();
        var importSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        started = Stopwatch.GetTimestamp();
        var run = await client.StartRunAsync(new StartRunRequest { DatasetId = "big", Concurrency = 8, BootstrapResamples = 1000 });
        RunInfo now;
        do
        {
            await Task.Delay(500);
            now = await client.GetRunAsync(new GetRunRequest { RunId = run.RunId });
        }
        while (now.State is RunState.Pending or RunState.Running);
        var runPeak = sampler.TakePeak();
        Console.WriteLine($"Import of {records:N0} records ({content.Length / 1e6:F1} MB JSONL) in {importSeconds:F1} s; " +
            $"run {now.State} ({now.Completed:N0} records, {now.Failed} failed) in {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s");
        Console.WriteLine($"Evaluator resident memory: {baseline / 1e6:F0} MB before, peak {importPeak / 1e6:F0} MB during the import, " +
            $"peak {runPeak / 1e6:F0} MB during the run, {Rss(stack.Evaluator.ProcessId) / 1e6:F0} MB after");
        Console.WriteLine($"Redis after the run: {await stack.RedisInfoAsync("used_memory_human")} used");
    }

    private static async Task FloodAsync(Stack stack, JsonObject[] demo, int notes)
    {
        var extractor = new ExtractorClient(stack.Extractor.Channel);
        await stack.Client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "kept", Format = "jsonl", Content = Dataset(demo, 500, "kept") });
        var run = await stack.Client.StartRunAsync(new StartRunRequest { DatasetId = "kept", BootstrapResamples = 100 });
        while ((await stack.Client.GetRunAsync(new GetRunRequest { RunId = run.RunId })).State is RunState.Pending or RunState.Running)
        {
            await Task.Delay(200);
        }
        var started = Stopwatch.GetTimestamp();
        for (var batch = 0; batch < notes; batch += 64)
        {
            // Translate-first: each unique note writes a translation and an extraction entry.
            await Task.WhenAll(Enumerable.Range(batch, Math.Min(64, notes - batch)).Select(i => extractor.ExtractAsync(new Contracts.Extractor.V1.ExtractRequest
            {
                Text = $"{demo[i % demo.Length]["text"]!.GetValue<string>()} flood {i}",
                Language = "fa",
                Strategy = "translate-first",
            }).ResponseAsync));
            if ((batch / 64) % 50 == 0)
            {
                Console.WriteLine($"  flood {batch,6:N0} notes: used_memory {await stack.RedisInfoAsync("used_memory_human")}, evicted_keys {await stack.RedisInfoAsync("evicted_keys", "stats")}");
            }
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var kept = await stack.Client.GetRunAsync(new GetRunRequest { RunId = run.RunId });
        var records = await stack.Client.ListRunRecordsAsync(new ListRunRecordsRequest { RunId = run.RunId, Limit = 1000 });
        Console.WriteLine($"Flood of {notes:N0} unique notes in {seconds:F0} s under maxmemory 32mb volatile-lru: used_memory {await stack.RedisInfoAsync("used_memory_human")} " +
            $"(peak {await stack.RedisInfoAsync("used_memory_peak_human")}), evicted_keys {await stack.RedisInfoAsync("evicted_keys", "stats")}; " +
            $"the store's run: {kept.State}, {records.Total} records listed, dataset {(await stack.Client.GetDatasetAsync(new GetDatasetRequest { DatasetId = "kept" })).Info.RecordCount} records");
    }

    private static long Rss(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Samples a process's resident memory every 100 ms; <see cref="TakePeak"/> returns and resets the peak.</summary>
    private sealed class RssSampler : IDisposable
    {
        private readonly Timer _timer;
        private long _peak;

        public RssSampler(int pid) => _timer = new Timer(_ => InterlockedMax(Rss(pid)), null, 0, 100);

        private void InterlockedMax(long value)
        {
            long seen;
            while (value > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, value, seen) != seen)
            {
            }
        }

        public long TakePeak() => Interlocked.Exchange(ref _peak, 0);

        public void Dispose() => _timer.Dispose();
    }

    /// <summary>redis-server with a ceiling, and the three services caching in it.</summary>
    private sealed class Stack : IAsyncDisposable
    {
        public required RedisServerProcess Redis { get; init; }
        public required ServiceProcess Translator { get; init; }
        public required ServiceProcess Extractor { get; init; }
        public required ServiceProcess Evaluator { get; init; }
        public EvaluatorClient Client => new(Evaluator.Channel);

        public static async Task<Stack> StartAsync(string[] ceiling)
        {
            var redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer, extraArguments: ceiling);
            var translator = await ServiceProcess.StartAsync("Translator.Service", new Dictionary<string, string> { ["ConnectionStrings__cache"] = redis.ConnectionString });
            var extractor = await ServiceProcess.StartAsync("Extractor.Service", new Dictionary<string, string>
            {
                ["ConnectionStrings__cache"] = redis.ConnectionString,
                ["Services__translator__Address"] = translator.GrpcAddress,
            });
            var evaluator = await ServiceProcess.StartAsync("Evaluator.Service", new Dictionary<string, string>
            {
                ["ConnectionStrings__cache"] = redis.ConnectionString,
                ["Services__extractor__Address"] = extractor.GrpcAddress,
                ["Evaluator__DemoAutorun"] = "false",
            });
            return new Stack { Redis = redis, Translator = translator, Extractor = extractor, Evaluator = evaluator };
        }

        public async Task<string> RedisInfoAsync(string field, string section = "memory")
        {
            var info = new ProcessStartInfo("redis-cli") { ArgumentList = { "-p", Redis.Port.ToString(CultureInfo.InvariantCulture), "info", section }, RedirectStandardOutput = true };
            using var process = Process.Start(info)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal))?[(field.Length + 1)..] ?? "?";
        }

        public async ValueTask DisposeAsync()
        {
            await Evaluator.DisposeAsync();
            await Extractor.DisposeAsync();
            await Translator.DisposeAsync();
            await Redis.DisposeAsync();
        }
    }
}
