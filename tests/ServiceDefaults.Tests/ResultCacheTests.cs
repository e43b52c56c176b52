using ClinicalAspire.ServiceDefaults.Caching;
using ClinicalAspire.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace ClinicalAspire.ServiceDefaults.Tests;

/// <summary>
/// The result cache behaves the same on a real redis-server and on the embedded Garnet server,
/// and keeps the service answering when Redis is gone.
/// </summary>
public sealed class ResultCacheTests
{
    public static TheoryData<RedisKind> Servers => [RedisKind.RedisServer, RedisKind.Embedded];

    [Fact]
    public void Keys_are_hashes_that_never_contain_the_text_and_separate_their_parts()
    {
        var key = ResultCache.Key("extraction", "rules", "m1", "v1", "بیمار درد شدید دارد");
        Assert.StartsWith("clinical:extraction:", key);
        Assert.DoesNotContain("درد", key);
        Assert.Equal(64, key["clinical:extraction:".Length..].Length);
        Assert.NotEqual(ResultCache.Key("k", "ab", "c"), ResultCache.Key("k", "a", "bc"));
        Assert.Equal(key, ResultCache.Key("extraction", "rules", "m1", "v1", "بیمار درد شدید دارد"));
    }

    [Fact]
    public async Task Both_servers_give_identical_results_for_the_same_operations()
    {
        var outcomes = new Dictionary<RedisKind, string[]>();
        foreach (var kind in new[] { RedisKind.RedisServer, RedisKind.Embedded })
        {
            await using var server = await RedisServerProcess.StartAsync(kind);
            await using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
            // Memory layer off: this compares the servers.
            using var cache = new ResultCache(redis, new ResultCacheOptions { TimeToLive = TimeSpan.FromSeconds(1), MemoryEntries = 0 }, NullLogger<ResultCache>.Instance);
            outcomes[kind] = await RunScriptAsync(cache);
        }
        Assert.Equal(outcomes[RedisKind.RedisServer], outcomes[RedisKind.Embedded]);
        Assert.Equal(["miss", "hit:3", "hit:4", "expired"], outcomes[RedisKind.RedisServer]);
    }

    private static async Task<string[]> RunScriptAsync(ResultCache cache)
    {
        var results = new List<string>();
        var key = ResultCache.Key("test", Guid.NewGuid().ToString());
        results.Add(await cache.GetAsync(key, default) is null ? "miss" : "hit");
        await cache.SetAsync(key, [1, 2, 3], default);
        results.Add(await cache.GetAsync(key, default) is { } first ? $"hit:{first.Length}" : "miss");
        await cache.SetAsync(key, [1, 2, 3, 4], default);
        results.Add(await cache.GetAsync(key, default) is { } second ? $"hit:{second.Length}" : "miss");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        results.Add(await cache.GetAsync(key, default) is null ? "expired" : "still there");
        return [.. results];
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task When_redis_goes_down_the_cache_answers_from_memory_or_misses_instead_of_failing(RedisKind kind)
    {
        var server = await RedisServerProcess.StartAsync(kind);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString + ",syncTimeout=1000,asyncTimeout=1000");
        using var cache = new ResultCache(redis, new ResultCacheOptions(), NullLogger<ResultCache>.Instance);
        var key = ResultCache.Key("test", "down");
        await cache.SetAsync(key, [7], default);
        Assert.NotNull(await cache.GetAsync(key, default));

        await server.DisposeAsync();

        Assert.Equal([7], await cache.GetAsync(key, default));
        var other = ResultCache.Key("test", "never stored");
        Assert.Null(await cache.GetAsync(other, default));
        await cache.SetAsync(other, [8], default);
    }

    [Fact]
    public async Task A_second_instance_finds_what_the_first_stored_in_redis()
    {
        await using var server = await RedisServerProcess.StartAsync(RedisKind.RedisServer);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        using var first = new ResultCache(redis, new ResultCacheOptions(), NullLogger<ResultCache>.Instance);
        using var second = new ResultCache(redis, new ResultCacheOptions(), NullLogger<ResultCache>.Instance);
        var key = ResultCache.Key("test", "shared");
        await first.SetAsync(key, [1, 2], default);
        Assert.Equal([1, 2], await second.GetAsync(key, default));
    }

    [Fact]
    public async Task Without_a_connection_the_cache_is_disabled_and_silent()
    {
        var cache = new ResultCache(null, new ResultCacheOptions(), NullLogger<ResultCache>.Instance);
        Assert.False(cache.Enabled);
        await cache.SetAsync("k", [1], default);
        Assert.Null(await cache.GetAsync("k", default));
    }
}
