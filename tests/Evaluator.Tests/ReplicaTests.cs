using EvaluatorClient = ClinicalAspire.Contracts.Evaluator.V1.Evaluator.EvaluatorClient;
using System.Diagnostics;
using System.Text;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.TestSupport;
using Google.Protobuf;
using Grpc.Core;
using Xunit.Abstractions;

namespace ClinicalAspire.Evaluator.Tests;

/// <summary>
/// Several Evaluators on one Redis share the runs through one lease per run: a crashed replica's runs are taken
/// over within seconds with every record predicted once, a cancel reaches the replica running the run from any
/// other, and a watcher on another replica follows the run.
/// </summary>
public sealed class ReplicaTests(ITestOutputHelper output)
{
    private const int Records = 120;

    /// <summary>Records whose ids start with <paramref name="prefix"/>: the fake Extractor's call counts tell the datasets apart.</summary>
    private static ByteString Dataset(string prefix) => ByteString.CopyFrom(Encoding.UTF8.GetBytes(string.Join("\n",
        Enumerable.Range(1, Records).Select(i =>
        {
            var pain = i % 4 == 0;
            var text = (pain ? "بیمار درد دارد" : "بیمار آرام است") + $" [{prefix}{i}]";
            return $"{{\"id\":\"{prefix}{i:D3}\",\"text\":\"{text}\",\"language\":\"fa\",\"labels\":{{\"pain\":{(pain ? "true" : "false")},\"fever\":false}}}}";
        }))));

    private static int CallsFor(FakeExtractor extractor, string prefix) =>
        extractor.Calls.Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(c => c.Value);

    [Fact]
    public async Task A_crashed_replicas_runs_are_taken_over_within_seconds_each_record_predicted_once_with_the_metrics_of_one_replica()
    {
        await using var extractor = new FakeExtractor { Delay = TimeSpan.FromMilliseconds(100) };
        await extractor.StartAsync();
        await using var redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer);
        await using var a = await ResumeTests.StartEvaluatorAsync(redis, extractor);
        var clientA = new EvaluatorClient(a.Channel);
        await clientA.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "shared-a", Format = "jsonl", Content = Dataset("a") });
        await clientA.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "shared-b", Format = "jsonl", Content = Dataset("b") });

        // The reference: the same dataset run by one replica alone.
        var reference = await ResumeTests.WaitForStateAsync(clientA,
            (await clientA.StartRunAsync(new StartRunRequest { DatasetId = "shared-a", Concurrency = 8 })).RunId);
        Assert.Equal(RunState.Completed, reference.State);
        extractor.Calls.Clear();

        await using var b = await ResumeTests.StartEvaluatorAsync(redis, extractor);
        await using var c = await ResumeTests.StartEvaluatorAsync(redis, extractor);
        var clientB = new EvaluatorClient(b.Channel);
        var runs = new[]
        {
            (Prefix: "a", Run: await clientA.StartRunAsync(new StartRunRequest { DatasetId = "shared-a", Concurrency = 2 })),
            (Prefix: "b", Run: await clientA.StartRunAsync(new StartRunRequest { DatasetId = "shared-b", Concurrency = 2 })),
        };

        // Progress of a run on replica A, as replica B reads it from the store.
        await ResumeTests.WaitForProgressAsync(clientB, runs[0].Run.RunId, atLeast: 15);
        await a.CrashAsync();
        var crashed = Stopwatch.StartNew();
        var atCrash = runs.Select(r => CallsFor(extractor, r.Prefix)).ToArray();
        Assert.All(atCrash, calls => Assert.InRange(calls, 1, Records - 1));

        // Taken over: the Extractor is asked for the run's records again, by B or C.
        var recovery = new TimeSpan?[runs.Length];
        while (recovery.Any(r => r is null) && crashed.Elapsed < TimeSpan.FromSeconds(60))
        {
            for (var i = 0; i < runs.Length; i++)
            {
                if (recovery[i] is null && CallsFor(extractor, runs[i].Prefix) > atCrash[i])
                {
                    recovery[i] = crashed.Elapsed;
                }
            }
            await Task.Delay(50);
        }
        output.WriteLine($"recovery after the crash of the lease holder: {string.Join(", ", recovery.Select(r => r is null ? "none" : $"{r.Value.TotalSeconds:0.0} s"))}");
        Assert.All(recovery, r => Assert.True(r < TimeSpan.FromSeconds(30), $"a run was taken over after {r}"));

        foreach (var (prefix, run) in runs)
        {
            var final = await ResumeTests.WaitForStateAsync(clientB, run.RunId);
            Assert.Equal(RunState.Completed, final.State);
            Assert.Equal(Records, final.Completed);
            var calls = extractor.Calls.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
            Assert.Equal(Records, calls.Length);
            // Only the records in flight at the crash (the run's concurrency) were asked for twice; none by two live replicas.
            Assert.InRange(calls.Count(e => e.Value > 1), 0, 2);
            var records = await clientB.ListRunRecordsAsync(new ListRunRecordsRequest { RunId = run.RunId, Limit = 1000 });
            Assert.Equal(Records, records.Records.Select(r => r.RecordId).Distinct().Count());
        }
        var takenOver = await clientB.GetRunAsync(new GetRunRequest { RunId = runs[0].Run.RunId });
        Assert.Equal(reference.Metrics, takenOver.Metrics);
    }

    [Fact]
    public async Task A_replica_stopped_by_SIGTERM_hands_its_run_over_at_once_instead_of_after_the_lease_TTL()
    {
        await using var extractor = new FakeExtractor { Delay = TimeSpan.FromMilliseconds(100) };
        await extractor.StartAsync();
        await using var redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer);
        // A lease that only expires after a minute: a takeover within seconds means the stopping replica released it.
        var longLease = new Dictionary<string, string> { ["Evaluator__LeaseTtl"] = "00:01:00" };
        await using var a = await ResumeTests.StartEvaluatorAsync(redis, extractor, longLease);
        await using var b = await ResumeTests.StartEvaluatorAsync(redis, extractor, longLease);
        var clientA = new EvaluatorClient(a.Channel);
        var clientB = new EvaluatorClient(b.Channel);
        await clientA.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "rolling", Format = "jsonl", Content = Dataset("r") });
        var run = await clientA.StartRunAsync(new StartRunRequest { DatasetId = "rolling", Concurrency = 2 });
        await ResumeTests.WaitForProgressAsync(clientB, run.RunId, atLeast: 15);

        var stopped = Stopwatch.StartNew();
        Assert.Equal(0, await a.TerminateAsync(TimeSpan.FromSeconds(30)));
        var atStop = CallsFor(extractor, "r");
        Assert.InRange(atStop, 15, Records - 1);
        while (CallsFor(extractor, "r") == atStop && stopped.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50);
        }
        output.WriteLine($"SIGTERM to the lease holder: exited and the run taken over after {stopped.Elapsed.TotalSeconds:0.0} s (lease TTL 60 s)");
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(20), $"taken over after {stopped.Elapsed}: the lease was not released at shutdown");

        var final = await ResumeTests.WaitForStateAsync(clientB, run.RunId);
        Assert.Equal(RunState.Completed, final.State);
        Assert.Equal(Records, final.Completed);
        var records = await clientB.ListRunRecordsAsync(new ListRunRecordsRequest { RunId = run.RunId, Limit = 1000 });
        Assert.Equal(Records, records.Records.Select(r => r.RecordId).Distinct().Count());
        // A graceful stop finishes or abandons its in-flight calls; none is asked for by both replicas beyond those.
        Assert.InRange(extractor.Calls.Count(c => c.Key.StartsWith('r') && c.Value > 1), 0, 2);
    }

    [Fact]
    public async Task A_lease_evicted_from_the_store_stops_its_holder_and_the_run_still_gets_each_record_once()
    {
        await using var extractor = new FakeExtractor { Delay = TimeSpan.FromMilliseconds(100) };
        await extractor.StartAsync();
        await using var redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer);
        await using var a = await ResumeTests.StartEvaluatorAsync(redis, extractor);
        await using var b = await ResumeTests.StartEvaluatorAsync(redis, extractor);
        var clientA = new EvaluatorClient(a.Channel);
        await clientA.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "evicted", Format = "jsonl", Content = Dataset("e") });
        var run = await clientA.StartRunAsync(new StartRunRequest { DatasetId = "evicted", Concurrency = 2 });
        await ResumeTests.WaitForProgressAsync(clientA, run.RunId, atLeast: 15);

        // What an eviction under memory pressure does to a key with a TTL (store and cache on one server, volatile-lru).
        await using (var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
        {
            Assert.True(await connection.GetDatabase().KeyDeleteAsync($"clinical:run:{run.RunId}:lease"));
        }

        var final = await ResumeTests.WaitForStateAsync(new EvaluatorClient(b.Channel), run.RunId);
        Assert.Equal(RunState.Completed, final.State);
        Assert.Equal(Records, final.Completed);
        var records = await clientA.ListRunRecordsAsync(new ListRunRecordsRequest { RunId = run.RunId, Limit = 1000 });
        Assert.Equal(Records, records.Total);
        Assert.Equal(Records, records.Records.Select(r => r.RecordId).Distinct().Count());
        // The holder notices at its next progress checkpoint (1 s) and stops; only records in flight around then may be
        // asked for twice (before that check, the lock's renewal every 4 s: 40 of 120 here).
        var twice = extractor.Calls.Count(c => c.Key.StartsWith('e') && c.Value > 1);
        output.WriteLine($"records asked for twice after the lease was evicted: {twice}");
        Assert.InRange(twice, 0, 8);
        Assert.Contains(a.Output.Split('\n').Concat(b.Output.Split('\n')), line => line.Contains("lease lost", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cancel_sent_to_a_replica_without_the_lease_stops_the_run_and_stays_and_its_watchers_there_see_the_progress()
    {
        await using var extractor = new FakeExtractor { Delay = TimeSpan.FromMilliseconds(100) };
        await extractor.StartAsync();
        await using var redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer);
        await using var a = await ResumeTests.StartEvaluatorAsync(redis, extractor);
        await using var b = await ResumeTests.StartEvaluatorAsync(redis, extractor);
        var clientA = new EvaluatorClient(a.Channel);
        var clientB = new EvaluatorClient(b.Channel);
        await clientA.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "cancel-x", Format = "jsonl", Content = Dataset("x") });
        var run = await clientA.StartRunAsync(new StartRunRequest { DatasetId = "cancel-x", Concurrency = 1 });

        // B watches the run that A executes: its updates carry A's progress (store + pub/sub).
        using var watch = clientB.WatchRun(new WatchRunRequest { RunId = run.RunId });
        var seen = new List<RunInfo>();
        var stream = watch.ResponseStream;
        while (await stream.MoveNext())
        {
            seen.Add(stream.Current.Run);
            if (stream.Current.Run.Completed >= 10)
            {
                break;
            }
        }
        Assert.Contains(seen, update => update.State == RunState.Running && update.Completed is > 0 and < Records);

        var cancelled = await clientB.CancelRunAsync(new CancelRunRequest { RunId = run.RunId });
        Assert.Equal(RunState.Cancelled, cancelled.State);
        RunInfo? last = null;
        while (await stream.MoveNext())
        {
            last = stream.Current.Run;
        }
        Assert.Equal(RunState.Cancelled, last?.State);

        // A stops: the Extractor is asked for nothing more, and A's final save keeps the cancel.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var calls = CallsFor(extractor, "x");
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal(calls, CallsFor(extractor, "x"));
        Assert.InRange(calls, 10, Records - 1);
        foreach (var client in new[] { clientA, clientB })
        {
            var final = await client.GetRunAsync(new GetRunRequest { RunId = run.RunId });
            Assert.Equal(RunState.Cancelled, final.State);
            var records = await client.ListRunRecordsAsync(new ListRunRecordsRequest { RunId = run.RunId, Limit = 1000 });
            Assert.Equal(final.Completed, records.Total);
        }
    }
}
