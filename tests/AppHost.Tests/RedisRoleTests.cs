using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicalAspire.AppHost.Tests;

/// <summary>One Redis for the caches and the store by default; two with Redis:SeparateStore, each with its role's settings.</summary>
public sealed class RedisRoleTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("apphost-redis-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private async Task<(Dictionary<string, string[]> Redis, Dictionary<string, Dictionary<string, string>> Env)> ModelAsync(params string[] settings)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["Cache:Mode=redis-server", $"Cache:DataDirectory={Path.Combine(_data, "cache")}", $"Store:DataDirectory={Path.Combine(_data, "store")}", .. settings],
            (options, _) => options.DisableDashboard = true);
        await using var app = await builder.BuildAsync();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var redis = new Dictionary<string, string[]>();
        var env = new Dictionary<string, Dictionary<string, string>>();
        // The one-call way to evaluate callbacks; the replacement needs the whole execution pipeline.
#pragma warning disable CS0618
        foreach (var server in model.Resources.OfType<ExecutableResource>().Where(r => r.Name is "cache" or "store"))
        {
            redis[server.Name] = await server.GetArgumentValuesAsync(DistributedApplicationOperation.Run);
        }
        foreach (var name in new[] { "extractor", "evaluator" })
        {
            env[name] = await model.Resources.OfType<ProjectResource>().Single(r => r.Name == name).GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Run);
        }
#pragma warning restore CS0618
        return (redis, env);
    }

    private static string Policy(string[] args) => args[Array.IndexOf(args, "--maxmemory-policy") + 1];

    [Fact]
    public async Task By_default_one_server_holds_both_and_evicts_only_cache_entries()
    {
        var (redis, env) = await ModelAsync();

        Assert.Equal(["cache"], redis.Keys.ToArray());
        Assert.Equal("volatile-lru", Policy(redis["cache"]));
        Assert.Contains("--appendonly", redis["cache"]);
        // The Evaluator's store falls back to the cache connection.
        Assert.Contains("ConnectionStrings__cache", env["evaluator"].Keys);
        Assert.DoesNotContain("ConnectionStrings__store", env["evaluator"].Keys);
    }

    [Fact]
    public async Task Separated_the_store_persists_and_never_evicts_and_the_cache_evicts_any_key()
    {
        var (redis, env) = await ModelAsync("Redis:SeparateStore=true", "Cache:Persistent=false", "Store:MaxMemory=2gb");

        Assert.Equal(["cache", "store"], redis.Keys.Order().ToArray());
        Assert.Equal("allkeys-lru", Policy(redis["cache"]));
        Assert.Equal("no", redis["cache"][Array.IndexOf(redis["cache"], "--appendonly") + 1]);
        var store = redis["store"];
        Assert.Equal("noeviction", Policy(store));
        Assert.Equal("2gb", store[Array.IndexOf(store, "--maxmemory") + 1]);
        Assert.Equal(("yes", "everysec"), (store[Array.IndexOf(store, "--appendonly") + 1], store[Array.IndexOf(store, "--appendfsync") + 1]));
        Assert.Equal(Path.Combine(_data, "store"), store[Array.IndexOf(store, "--dir") + 1]);

        Assert.Contains("ConnectionStrings__store", env["evaluator"].Keys);
        Assert.NotEqual(env["evaluator"]["ConnectionStrings__store"], env["evaluator"]["ConnectionStrings__cache"]);
        Assert.DoesNotContain("ConnectionStrings__store", env["extractor"].Keys);
    }
}
