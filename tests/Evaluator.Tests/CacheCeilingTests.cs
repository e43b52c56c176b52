using System.Text;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.ServiceDefaults.Caching;
using ClinicalAspire.TestSupport;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using EvaluatorClient = ClinicalAspire.Contracts.Evaluator.V1.Evaluator.EvaluatorClient;

namespace ClinicalAspire.Evaluator.Tests;

/// <summary>
/// The cache and the store of record share one Redis under a memory ceiling: a flood of unique cache entries
/// far beyond the ceiling evicts cache entries, never a dataset or a run.
/// </summary>
public sealed class CacheCeilingTests
{
    public static TheoryData<RedisKind> Servers => [RedisKind.RedisServer, RedisKind.Embedded];

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task A_flood_of_unique_cache_entries_beyond_the_ceiling_leaves_the_store_intact(RedisKind kind)
    {
        // The settings the AppHost gives each mode (CacheResourceExtensions), with a small ceiling.
        string[] ceiling = kind == RedisKind.RedisServer ? ["--maxmemory", "24mb", "--maxmemory-policy", "volatile-lru"] : ["--memory", "64m"]; // Garnet: at least four 16 MB pages
        await using var redis = await RedisServerProcess.StartAsync(kind, extraArguments: ceiling);
        await using var extractor = new FakeExtractor { Delay = TimeSpan.Zero };
        await extractor.StartAsync();
        await using var evaluator = await ResumeTests.StartEvaluatorAsync(redis, extractor);
        var client = new EvaluatorClient(evaluator.Channel);
        var lines = Enumerable.Range(0, 200).Select(i =>
            $"{{\"id\":\"c{i:D3}\",\"text\":\"بیمار {(i % 2 == 0 ? "درد" : "آرام")} دارد {i}\",\"language\":\"fa\",\"labels\":{{\"pain\":{(i % 2 == 0 ? "true" : "false")}}}}}");
        await client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "ceiling", Format = "jsonl", Content = ByteString.CopyFromUtf8(string.Join('\n', lines)) });
        var run = await client.StartRunAsync(new StartRunRequest { DatasetId = "ceiling", BootstrapResamples = 50 });
        var before = await ResumeTests.WaitForStateAsync(client, run.RunId);
        Assert.Equal(RunState.Completed, before.State);

        // 96 MB of unique entries, four times the ceiling, as the services write them (with their TTL).
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        using var cache = new ResultCache(connection, new ResultCacheOptions { MemoryEntries = 0 }, NullLogger<ResultCache>.Instance);
        var value = Encoding.UTF8.GetBytes(new string('x', 4096));
        for (var batch = 0; batch < 24_000; batch += 200)
        {
            await Task.WhenAll(Enumerable.Range(batch, 200).Select(i =>
                cache.SetAsync(ResultCache.TextKey("flood", $"note {i}", "v1", $"note {i}"), value, CancellationToken.None)));
        }

        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var flooded = 0;
        await foreach (var _ in server.KeysAsync(pattern: ResultCache.TextEntryPrefix + "flood:*", pageSize: 1000))
        {
            flooded++;
        }
        if (kind == RedisKind.RedisServer)
        {
            // Evicted down to the ceiling: most of the flood is gone.
            Assert.InRange(flooded, 1, 23_999);
            var info = (await server.InfoAsync("memory")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
            Assert.True(long.Parse(info["used_memory"]) <= 26L * 1024 * 1024, $"used_memory {info["used_memory"]}");
        }

        var after = await client.GetRunAsync(new GetRunRequest { RunId = run.RunId });
        Assert.Equal(before, after);
        var dataset = await client.GetDatasetAsync(new GetDatasetRequest { DatasetId = "ceiling", Limit = 1000 });
        Assert.Equal(200, dataset.Records.Count);
        var records = await client.ListRunRecordsAsync(new ListRunRecordsRequest { RunId = run.RunId, Limit = 1000 });
        Assert.Equal(200, records.Total);
    }
}
