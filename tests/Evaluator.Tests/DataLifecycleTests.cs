using System.Text;
using System.Text.Json.Nodes;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.TestSupport;
using Google.Protobuf;
using Grpc.Core;
using StackExchange.Redis;
using EvaluatorClient = ClinicalAspire.Contracts.Evaluator.V1.Evaluator.EvaluatorClient;
using ExtractorClient = ClinicalAspire.Contracts.Extractor.V1.Extractor.ExtractorClient;

namespace ClinicalAspire.Evaluator.Tests;

/// <summary>redis-server and the Translator, Extractor and Evaluator as processes, all caching in that Redis.</summary>
public sealed class RealStackFixture : IAsyncLifetime
{
    public RedisServerProcess Redis { get; private set; } = null!;
    public ServiceProcess Translator { get; private set; } = null!;
    public ServiceProcess Extractor { get; private set; } = null!;
    public ServiceProcess Evaluator { get; private set; } = null!;
    public ConnectionMultiplexer Connection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer);
        Translator = await ServiceProcess.StartAsync("Translator.Service", new Dictionary<string, string> { ["ConnectionStrings__cache"] = Redis.ConnectionString });
        Extractor = await ServiceProcess.StartAsync("Extractor.Service", new Dictionary<string, string>
        {
            ["ConnectionStrings__cache"] = Redis.ConnectionString,
            ["Services__translator__Address"] = Translator.GrpcAddress,
        });
        Evaluator = await ServiceProcess.StartAsync("Evaluator.Service", new Dictionary<string, string>
        {
            ["ConnectionStrings__cache"] = Redis.ConnectionString,
            ["Services__extractor__Address"] = Extractor.GrpcAddress,
            ["Evaluator__DemoAutorun"] = "false",
        });
        Connection = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Evaluator.DisposeAsync();
        await Extractor.DisposeAsync();
        await Translator.DisposeAsync();
        await Redis.DisposeAsync();
    }
}

/// <summary>
/// The data lifecycle over real gRPC: erasing a dataset leaves no byte of its notes in Redis (store or cache),
/// DeleteRun removes a run whole, and the running metrics an active run reports equal its final metrics.
/// </summary>
public sealed class DataLifecycleTests(RealStackFixture stack) : IClassFixture<RealStackFixture>
{
    private EvaluatorClient Client => new(stack.Evaluator.Channel);

    /// <summary>Demo notes (with their labels and reference translations), each made unique with <paramref name="marker"/>.</summary>
    private static ByteString Dataset(string prefix, int records, Func<int, string> marker)
    {
        var demo = File.ReadLines(Path.Combine(RedisServerProcess.RepositoryRoot(), "data", "demo", "demo.jsonl")).Where(l => l.Length > 0).ToArray();
        var lines = Enumerable.Range(0, records).Select(i =>
        {
            var record = JsonNode.Parse(demo[i % demo.Length])!.AsObject();
            record["id"] = $"{prefix}-{i:D4}";
            record["text"] = $"{record["text"]} {marker(i)}";
            return record.ToJsonString();
        });
        return ByteString.CopyFromUtf8(string.Join('\n', lines));
    }

    [Fact]
    public async Task Deleting_a_dataset_leaves_no_byte_of_its_notes_in_redis_and_its_runs_keep_only_metrics()
    {
        var canary = "qzcanary" + Guid.NewGuid().ToString("N")[..12];
        var canaryBytes = Encoding.UTF8.GetBytes(canary);
        await Client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "erase-me", Format = "jsonl", Content = Dataset("e", 40, i => $"{canary} {i}") });
        await Client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "keep-me", Format = "jsonl", Content = Dataset("k", 20, i => $"keep {i}") });
        // Direct and translate-first: translations and both kinds of extraction are cached.
        var pair = await Client.StartRunAsync(new StartRunRequest { DatasetId = "erase-me", Strategy = "both", BootstrapResamples = 50 });
        var kept = await Client.StartRunAsync(new StartRunRequest { DatasetId = "keep-me", Strategy = "translate-first", BootstrapResamples = 50 });
        var direct = await ResumeTests.WaitForStateAsync(Client, pair.RunId);
        var translated = await ResumeTests.WaitForStateAsync(Client, pair.PairedRunId);
        await ResumeTests.WaitForStateAsync(Client, kept.RunId);
        Assert.Equal((RunState.Completed, RunState.Completed), (direct.State, translated.State));

        var before = await ScanAsync(canaryBytes);
        Assert.NotEmpty(before.Hits); // the scan sees the notes where they are
        Assert.Contains(before.Keys, k => k.StartsWith("clinical:cache:translation:", StringComparison.Ordinal));
        var keptEntries = before.Keys.Count(k => k.StartsWith("clinical:cache:", StringComparison.Ordinal));

        // The Extractor answers the canary note from its cache (Redis or its in-process layer) before the erasure...
        var extractor = new ExtractorClient(stack.Extractor.Channel);
        var note = new Contracts.Extractor.V1.ExtractRequest { Text = JsonNode.Parse(Dataset("e", 1, i => $"{canary} {i}").ToStringUtf8())!["text"]!.GetValue<string>(), Language = "fa", Strategy = "translate-first" };
        Assert.True((await extractor.ExtractAsync(note)).CacheHit);

        var deleted = await Client.DeleteDatasetAsync(new DeleteDatasetRequest { DatasetId = "erase-me" });
        Assert.True(deleted.Deleted);
        Assert.Equal(2, deleted.RunsErased);
        Assert.True(deleted.CacheEntriesErased >= 40 * 3, $"{deleted.CacheEntriesErased} cache entries erased");

        var after = await ScanAsync(canaryBytes);
        Assert.True(after.Hits.Count == 0, "canary found in: " + string.Join(", ", after.Hits));
        Assert.DoesNotContain(after.Keys, k => k.Contains("erase-me", StringComparison.Ordinal) && !k.StartsWith("clinical:run", StringComparison.Ordinal));
        // Only the erased notes' entries went: the other dataset's cached results stay.
        Assert.Equal(keptEntries - deleted.CacheEntriesErased, after.Keys.Count(k => k.StartsWith("clinical:cache:", StringComparison.Ordinal)));

        // The runs stay as summaries: metrics, counts, ids; their records are gone and say why.
        var summary = await Client.GetRunAsync(new GetRunRequest { RunId = direct.RunId });
        Assert.True(summary.DatasetErased);
        Assert.Equal(direct.Metrics, summary.Metrics);
        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.ListRunRecordsAsync(new ListRunRecordsRequest { RunId = direct.RunId }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        var gone = await Assert.ThrowsAsync<RpcException>(() => Client.GetDatasetAsync(new GetDatasetRequest { DatasetId = "erase-me" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);

        // ...and not after it: the in-process layer was dropped too (the erasure is published to every process).
        var deadline = DateTime.UtcNow.AddSeconds(5);
        bool hit;
        while ((hit = (await extractor.ExtractAsync(note)).CacheHit) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.False(hit);
    }

    [Fact]
    public async Task DeleteRun_removes_a_finished_run_whole_and_refuses_a_running_one()
    {
        await Client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "runs-delete", Format = "jsonl", Content = Dataset("d", 300, i => $"({i})"), Replace = true });
        var slow = await Client.StartRunAsync(new StartRunRequest { DatasetId = "runs-delete", Concurrency = 1, BootstrapResamples = 50 });
        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.DeleteRunAsync(new DeleteRunRequest { RunId = slow.RunId }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        await Client.CancelRunAsync(new CancelRunRequest { RunId = slow.RunId });
        await ResumeTests.WaitForStateAsync(Client, slow.RunId);

        Assert.True((await Client.DeleteRunAsync(new DeleteRunRequest { RunId = slow.RunId })).Deleted);
        var missing = await Assert.ThrowsAsync<RpcException>(() => Client.GetRunAsync(new GetRunRequest { RunId = slow.RunId }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.DoesNotContain((await Client.ListRunsAsync(new ListRunsRequest { Limit = 0 })).Runs, r => r.RunId == slow.RunId);
        var keys = (await ScanAsync([])).Keys;
        Assert.DoesNotContain(keys, k => k.Contains(slow.RunId, StringComparison.Ordinal));
        // The dataset is untouched.
        Assert.Equal(300, (await Client.GetDatasetAsync(new GetDatasetRequest { DatasetId = "runs-delete" })).Info.RecordCount);
    }

    [Fact]
    public async Task An_active_runs_running_metrics_equal_its_final_metrics()
    {
        await Client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "aggregates", Format = "jsonl", Content = Dataset("a", 400, i => $"[{i}]"), Replace = true });
        // Many resamples: the final scoring takes long enough for GetRun to see the run complete but still active.
        var run = await Client.StartRunAsync(new StartRunRequest { DatasetId = "aggregates", Strategy = "translate-first", Concurrency = 4, BootstrapResamples = 60_000 });
        RunInfo? live = null;
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            var now = await Client.GetRunAsync(new GetRunRequest { RunId = run.RunId });
            if (now.State == RunState.Running && now.Completed == now.Total)
            {
                live = now;
                break;
            }
            // Finishing before we looked would make this test say nothing.
            Assert.True(now.State is RunState.Pending or RunState.Running, $"the run is {now.State} before GetRun saw it complete");
            await Task.Delay(5);
        }
        Assert.NotNull(live);
        var final = await ResumeTests.WaitForStateAsync(Client, run.RunId);
        Assert.Equal(RunState.Completed, final.State);
        Assert.True(live.Metrics.ChrfRecords > 0);

        // Point estimates are equal; only the intervals (NaN while live) and the resample count differ.
        Assert.Equal(PointEstimates(final.Metrics), PointEstimates(live.Metrics));
        Assert.Equal((final.Completed, final.Failed, final.TruncatedOutputs), (live.Completed, live.Failed, live.TruncatedOutputs));
        Assert.True(double.IsNaN(live.Metrics.Summary.MacroF1.CiLow));
        Assert.False(double.IsNaN(final.Metrics.Summary.MacroF1.CiLow));
        // Each feature's own intervals come with the final metrics only.
        Assert.All(live.Metrics.Features, f => Assert.Null(f.MacroF1Ci));
        Assert.All(final.Metrics.Features, f => Assert.True(f.MacroF1Ci.Low <= f.MacroF1 && f.MacroF1 <= f.MacroF1Ci.High, $"{f.Key}: {f.MacroF1} not in its CI"));
    }

    private static Metrics PointEstimates(Metrics metrics)
    {
        var copy = metrics.Clone();
        foreach (var quartiles in new[] { copy.Summary.MacroF1, copy.Summary.Mcc, copy.Summary.Sensitivity, copy.Summary.Specificity, copy.Summary.Precision, copy.Summary.Accuracy })
        {
            quartiles.CiLow = 0;
            quartiles.CiHigh = 0;
        }
        copy.Summary.BootstrapResamples = 0;
        foreach (var feature in copy.Features)
        {
            feature.MacroF1Ci = feature.MccCi = feature.SensitivityCi = feature.SpecificityCi = null;
        }
        return copy;
    }

    /// <summary>Every live key, and every key whose name or value (by type) contains <paramref name="needle"/>.</summary>
    private async Task<(List<string> Keys, List<string> Hits)> ScanAsync(byte[] needle)
    {
        var server = stack.Connection.GetServer(stack.Connection.GetEndPoints()[0]);
        var db = stack.Connection.GetDatabase();
        var keys = new List<string>();
        var hits = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: "*", pageSize: 500))
        {
            keys.Add(key!);
            if (needle.Length == 0)
            {
                continue;
            }
            var values = new List<byte[]> { key! };
            switch (await db.KeyTypeAsync(key))
            {
                case RedisType.String:
                    values.Add((byte[])(await db.StringGetAsync(key))!);
                    break;
                case RedisType.Hash:
                    values.AddRange((await db.HashGetAllAsync(key)).SelectMany(e => new[] { (byte[])e.Name!, (byte[])e.Value! }));
                    break;
                case RedisType.List:
                    values.AddRange((await db.ListRangeAsync(key)).Select(v => (byte[])v!));
                    break;
                case RedisType.Set:
                    values.AddRange((await db.SetMembersAsync(key)).Select(v => (byte[])v!));
                    break;
                case RedisType.SortedSet:
                    values.AddRange((await db.SortedSetRangeByRankAsync(key)).Select(v => (byte[])v!));
                    break;
                case RedisType.Stream:
                    values.AddRange((await db.StreamRangeAsync(key)).SelectMany(e => e.Values).SelectMany(v => new[] { (byte[])v.Name!, (byte[])v.Value! }));
                    break;
                default:
                    throw new InvalidOperationException($"key {key} has a type this scan does not read");
            }
            if (values.Any(v => v.AsSpan().IndexOf(needle) >= 0))
            {
                hits.Add(key!);
            }
        }
        return (keys, hits);
    }
}
