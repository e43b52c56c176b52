using EvaluatorClient = ClinicalAspire.Contracts.Evaluator.V1.Evaluator.EvaluatorClient;
using System.Text;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.TestSupport;
using Google.Protobuf;
using Grpc.Core;

namespace ClinicalAspire.Evaluator.Tests;

/// <summary>
/// A run survives a crash of the Evaluator and a restart of Redis: it resumes where it stopped, with no
/// record lost and none counted twice.
/// </summary>
public sealed class ResumeTests
{
    private const int Records = 120;

    private static ByteString Dataset()
    {
        var lines = Enumerable.Range(1, Records).Select(i =>
        {
            var pain = i % 3 == 0;
            var text = (pain ? "بیمار درد دارد" : "بیمار آرام است") + $" ({i})";
            return "{\"id\":\"r" + i.ToString("D3") + "\",\"text\":\"" + text + "\",\"language\":\"fa\",\"labels\":{\"pain\":" + (pain ? "true" : "false") + ",\"fever\":false}}";
        });
        return ByteString.CopyFrom(Encoding.UTF8.GetBytes(string.Join("\n", lines)));
    }

    [Fact]
    public async Task A_run_resumes_after_an_evaluator_crash_and_a_redis_restart_without_losing_or_repeating_records()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("clinical-resume-").FullName;
        await using var extractor = new FakeExtractor();
        await extractor.StartAsync();
        var redisPort = RedisServerProcess.FreePort();
        var redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer, dataDirectory, redisPort);
        try
        {
            string runId;
            int completedBeforeCrash;
            await using (var first = await StartEvaluatorAsync(redis, extractor))
            {
                var client = new EvaluatorClient(first.Channel);
                await client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "resume", Format = "jsonl", Content = Dataset() });
                var run = await client.StartRunAsync(new StartRunRequest { DatasetId = "resume", Concurrency = 2 });
                runId = run.RunId;
                completedBeforeCrash = await WaitForProgressAsync(client, runId, atLeast: 30);
                await first.CrashAsync();
            }
            Assert.InRange(completedBeforeCrash, 30, Records - 1);

            // Redis restarts too (append-only file on disk), while no Evaluator is running.
            await redis.DisposeAsync();
            redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer, dataDirectory, redisPort);

            await using var second = await StartEvaluatorAsync(redis, extractor);
            var resumed = new EvaluatorClient(second.Channel);
            var final = await WaitForStateAsync(resumed, runId);

            Assert.Equal(RunState.Completed, final.State);
            Assert.Equal(Records, final.Total);
            Assert.Equal(Records, final.Completed);
            var records = await resumed.ListRunRecordsAsync(new ListRunRecordsRequest { RunId = runId, Limit = 1000 });
            Assert.Equal(Records, records.Records.Select(r => r.RecordId).Distinct().Count());
            Assert.Equal(Records, extractor.Calls.Count);
            // Only the notes in flight at the crash (at most the run's concurrency) were asked for twice.
            Assert.InRange(extractor.Calls.Values.Count(n => n > 1), 0, 2);

            var pain = final.Metrics.Features.Single(f => f.Key == "pain");
            Assert.Equal((Records / 3, 0, Records - Records / 3, 0), (pain.Tp, pain.Fp, pain.Tn, pain.Fn));
        }
        finally
        {
            await redis.DisposeAsync();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_cancelled_run_stops_keeps_what_it_stored_and_ends_its_watchers()
    {
        await using var extractor = new FakeExtractor();
        await extractor.StartAsync();
        await using var redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer);
        await using var evaluator = await StartEvaluatorAsync(redis, extractor);
        var client = new EvaluatorClient(evaluator.Channel);
        await client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "cancel", Format = "jsonl", Content = Dataset() });
        var run = await client.StartRunAsync(new StartRunRequest { DatasetId = "cancel", Concurrency = 1 });

        using var watch = client.WatchRun(new WatchRunRequest { RunId = run.RunId });
        await WaitForProgressAsync(client, run.RunId, atLeast: 10);
        var cancelled = await client.CancelRunAsync(new CancelRunRequest { RunId = run.RunId });
        Assert.Equal(RunState.Cancelled, cancelled.State);

        RunInfo? last = null;
        await foreach (var update in watch.ResponseStream.ReadAllAsync())
        {
            last = update.Run;
        }
        Assert.NotNull(last);
        Assert.Equal(RunState.Cancelled, last.State);
        Assert.InRange(last.Completed, 10, Records - 1);
        var records = await client.ListRunRecordsAsync(new ListRunRecordsRequest { RunId = run.RunId, Limit = 1000 });
        Assert.Equal(last.Completed, records.Total);
    }

    /// <summary>The Evaluator's build output as a process against this Redis and extractor, demo run off.</summary>
    internal static Task<ServiceProcess> StartEvaluatorAsync(
        RedisServerProcess redis, FakeExtractor extractor, IReadOnlyDictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string>
        {
            ["ConnectionStrings__cache"] = redis.ConnectionString,
            ["Services__extractor__Address"] = extractor.Address,
            ["Evaluator__DemoAutorun"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }
        return ServiceProcess.StartAsync("Evaluator.Service", all);
    }

    internal static async Task<int> WaitForProgressAsync(EvaluatorClient client, string runId, int atLeast)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var run = await client.GetRunAsync(new GetRunRequest { RunId = runId });
            if (run.Completed >= atLeast)
            {
                return run.Completed;
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"the run did not reach {atLeast} records");
    }

    internal static async Task<RunInfo> WaitForStateAsync(EvaluatorClient client, string runId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var run = await client.GetRunAsync(new GetRunRequest { RunId = runId });
                if (run.State is RunState.Completed or RunState.Failed or RunState.Cancelled)
                {
                    return run;
                }
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("the resumed run did not finish within 90 s");
    }
}
