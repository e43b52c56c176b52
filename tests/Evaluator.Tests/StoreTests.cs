using System.Net;
using System.Text;
using System.Text.Json;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.ServiceDefaults.Caching;
using ClinicalAspire.TestSupport;
using Google.Protobuf;
using StackExchange.Redis;
using EvaluatorClient = ClinicalAspire.Contracts.Evaluator.V1.Evaluator.EvaluatorClient;

namespace ClinicalAspire.Evaluator.Tests;

/// <summary>
/// The store of record apart from the cache: readiness follows the store, the two roles can be two servers (the
/// store falling back to the cache when only that is configured), and the store's schema version is checked at start.
/// </summary>
public sealed class StoreTests
{
    internal const string Note = "بیمار از دیشب درد شدید دارد.";

    internal static ByteString Jsonl(int records, string prefix = "r") => ByteString.CopyFromUtf8(string.Concat(Enumerable.Range(1, records).Select(i =>
        $"{{\"id\":\"{prefix}{i:D3}\",\"text\":\"{(i == 1 ? Note : $"بیمار آرام است ({prefix}{i})")}\",\"language\":\"fa\",\"labels\":{{\"pain\":{(i % 3 == 1 ? "true" : "false")},\"fever\":null}}}}\n")));

    internal static Task<ServiceProcess> StartEvaluatorAsync(FakeExtractor extractor, string? store, string? cache) =>
        ServiceProcess.StartAsync("Evaluator.Service", new Dictionary<string, string>
        {
            ["ConnectionStrings__store"] = store ?? "",
            ["ConnectionStrings__cache"] = cache ?? "",
            ["Services__extractor__Address"] = extractor.Address,
            ["Evaluator__DemoAutorun"] = "false",
        });

    private static async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync(ServiceProcess service)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync($"{service.HttpAddress}/health");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    internal static async Task<(HttpStatusCode Status, JsonElement Body)> WaitForHealthAsync(ServiceProcess service, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var health = await HealthAsync(service);
            if (health.Status == expected || DateTime.UtcNow > deadline)
            {
                Assert.True(health.Status == expected, $"/health stayed {health.Status}: {health.Body}");
                return health;
            }
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task The_evaluator_is_unready_while_its_store_is_down_and_ready_again_when_it_is_back()
    {
        await using var extractor = new FakeExtractor();
        await extractor.StartAsync();
        var redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer);
        var port = redis.Port;
        try
        {
            await using var evaluator = await StartEvaluatorAsync(extractor, store: null, cache: redis.ConnectionString);
            var (_, healthy) = await WaitForHealthAsync(evaluator, HttpStatusCode.OK);
            Assert.Equal("Healthy", healthy.GetProperty("status").GetString());
            Assert.Equal("Healthy", healthy.GetProperty("checks").GetProperty("schema").GetProperty("status").GetString());

            await redis.DisposeAsync();
            var (_, down) = await WaitForHealthAsync(evaluator, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("Unhealthy", down.GetProperty("status").GetString());
            var store = down.GetProperty("checks").GetProperty("store");
            Assert.Equal("Unhealthy", store.GetProperty("status").GetString());
            Assert.Contains("store of record", store.GetProperty("description").GetString(), StringComparison.Ordinal);
            // Only the cache's own check is Degraded: the same server serves both roles here.
            Assert.Equal("Degraded", down.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
            using (var http = new HttpClient())
            {
                Assert.True((await http.GetAsync($"{evaluator.HttpAddress}/alive")).IsSuccessStatusCode, "liveness must not follow the store");
            }

            redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer, port: port);
            await WaitForHealthAsync(evaluator, HttpStatusCode.OK);
        }
        finally
        {
            await redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task With_two_servers_the_records_live_in_the_store_and_erasure_sweeps_the_cache()
    {
        await using var extractor = new FakeExtractor();
        await extractor.StartAsync();
        await using var store = await RedisServerProcess.StartAsync(RedisKind.RedisServer);
        await using var cache = await RedisServerProcess.StartAsync(RedisKind.RedisServer);
        await using var evaluator = await StartEvaluatorAsync(extractor, store.ConnectionString, cache.ConnectionString);
        await WaitForHealthAsync(evaluator, HttpStatusCode.OK);
        var client = new EvaluatorClient(evaluator.Channel);

        await client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "split", Format = "jsonl", Content = Jsonl(5) });

        await using var storeRedis = await ConnectionMultiplexer.ConnectAsync(store.ConnectionString + ",allowAdmin=true");
        await using var cacheRedis = await ConnectionMultiplexer.ConnectAsync(cache.ConnectionString + ",allowAdmin=true");
        Assert.Equal("1", (string?)await storeRedis.GetDatabase().StringGetAsync("clinical:schema"));
        Assert.True(await storeRedis.GetDatabase().KeyExistsAsync("clinical:dataset:split"));
        Assert.Equal(0, await cacheRedis.GetServer(cacheRedis.GetEndPoints()[0]).DatabaseSizeAsync());

        // A cached translation of one of the dataset's notes, as the Translator writes it, on the cache server.
        var cached = ResultCache.TextKey("translation", PersianNormalizer.NormalizeString(Note), "gloss", "m", "p");
        await cacheRedis.GetDatabase().StringSetAsync(cached, "x", TimeSpan.FromHours(1));

        var erased = await client.DeleteDatasetAsync(new DeleteDatasetRequest { DatasetId = "split" });

        Assert.Equal(1, erased.CacheEntriesErased);
        Assert.False(await cacheRedis.GetDatabase().KeyExistsAsync(cached));
        Assert.False(await storeRedis.GetDatabase().KeyExistsAsync("clinical:dataset:split"));
    }

    [Fact]
    public async Task A_store_without_a_version_is_stamped_and_one_from_a_newer_evaluator_stops_this_one()
    {
        await using var extractor = new FakeExtractor();
        await extractor.StartAsync();
        await using var redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer);
        await using var direct = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var db = direct.GetDatabase();

        await using (var evaluator = await StartEvaluatorAsync(extractor, redis.ConnectionString, cache: null))
        {
            await WaitForHealthAsync(evaluator, HttpStatusCode.OK);
            await new EvaluatorClient(evaluator.Channel).ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "kept", Format = "jsonl", Content = Jsonl(3) });
        }
        // As a store written before the version key existed.
        await db.KeyDeleteAsync("clinical:schema");
        await using (var evaluator = await StartEvaluatorAsync(extractor, redis.ConnectionString, cache: null))
        {
            await WaitForHealthAsync(evaluator, HttpStatusCode.OK);
            Assert.Equal("1", (string?)await db.StringGetAsync("clinical:schema"));
            var kept = await new EvaluatorClient(evaluator.Channel).GetDatasetAsync(new GetDatasetRequest { DatasetId = "kept", Limit = 10 });
            Assert.Equal(3, kept.Records.Count);
        }

        await db.StringSetAsync("clinical:schema", "2");
        int? exitCode;
        string output;
        try
        {
            await using var evaluator = await StartEvaluatorAsync(extractor, redis.ConnectionString, cache: null);
            exitCode = await evaluator.WaitForExitAsync(TimeSpan.FromSeconds(60));
            output = evaluator.Output;
        }
        catch (InvalidOperationException stopped)
        {
            // It stopped before its first /alive answer.
            exitCode = stopped.Message.Contains("exited with code 3:", StringComparison.Ordinal) ? 3 : -1;
            output = stopped.Message;
        }
        Assert.True(exitCode == 3, output);
        Assert.Contains("schema version 2, newer than this Evaluator's 1", output, StringComparison.Ordinal);
        Assert.Equal("2", (string?)await db.StringGetAsync("clinical:schema"));
    }

    [Fact]
    public async Task An_evaluator_without_any_redis_refuses_to_start_naming_the_setting()
    {
        await using var extractor = new FakeExtractor();
        await extractor.StartAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartEvaluatorAsync(extractor, store: null, cache: null));
        Assert.Contains("ConnectionStrings:store (or ConnectionStrings:cache) is required", error.Message, StringComparison.Ordinal);
    }
}
