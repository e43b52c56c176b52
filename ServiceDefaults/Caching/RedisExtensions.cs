using Microsoft.Extensions.Configuration;
using ClinicalAspire.ServiceDefaults.Caching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class RedisExtensions
{
    /// <summary>Connection name of the result caches' Redis (every service).</summary>
    public const string CacheConnectionName = "cache";

    /// <summary>Connection name of the Evaluator's store of record; falls back to <see cref="CacheConnectionName"/>.</summary>
    public const string StoreConnectionName = "store";

    /// <summary>
    /// Connects to the AppHost's "cache" Redis (container, local redis-server, embedded Garnet or external:
    /// the service doesn't care) without failing when it is down; registers <see cref="ResultCache"/> and a
    /// health check that reports Degraded, not Unhealthy, when Redis can't be reached.
    /// With no connection string at all, the service runs without a cache.
    /// </summary>
    /// <param name="commandTimeout">
    /// How long a command may take: short (2 s) where Redis is only a cache and answering uncached is better
    /// than waiting; longer where Redis is the store of record (the Evaluator's datasets and runs).
    /// </param>
    public static TBuilder AddClinicalRedis<TBuilder>(this TBuilder builder, TimeSpan? commandTimeout = null) where TBuilder : IHostApplicationBuilder
    {
        var timeoutMs = (int)(commandTimeout ?? TimeSpan.FromSeconds(2)).TotalMilliseconds;
        var cacheOptions = builder.Configuration.GetSection(ResultCacheOptions.SectionName).Get<ResultCacheOptions>() ?? new ResultCacheOptions();
        builder.Services.AddSingleton(cacheOptions);

        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(CacheConnectionName)))
        {
            builder.Services.AddSingleton(sp => new ResultCache(null, cacheOptions, sp.GetRequiredService<Logging.ILogger<ResultCache>>()));
            return builder;
        }

        builder.AddRedisClient(CacheConnectionName, settings => settings.DisableHealthChecks = true, options => Tolerant(options, timeoutMs));
        builder.Services.AddSingleton(sp => new ResultCache(
            sp.GetRequiredService<IConnectionMultiplexer>(), cacheOptions, sp.GetRequiredService<Logging.ILogger<ResultCache>>()));
        // A cache that is down slows the service, it does not stop it: Degraded (HTTP 200), not Unhealthy.
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration("redis",
            sp => new RedisHealthCheck(sp.GetRequiredService<IConnectionMultiplexer>(), "answering without cache"), HealthStatus.Degraded, tags: null));
        return builder;
    }

    /// <summary>
    /// Connects to the store of record (<c>ConnectionStrings:store</c>; when only <c>ConnectionStrings:cache</c> is set,
    /// that one: one server for both, as before the roles were separated) as the keyed <see cref="IConnectionMultiplexer"/>
    /// <see cref="StoreConnectionName"/>, with a health check that reports Unhealthy (HTTP 503 on /health) while it is
    /// unreachable: a service whose data lives there can do nothing without it. Throws when neither is configured.
    /// </summary>
    public static TBuilder AddClinicalStore<TBuilder>(this TBuilder builder, TimeSpan commandTimeout) where TBuilder : IHostApplicationBuilder
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(StoreConnectionName)))
        {
            var cache = builder.Configuration.GetConnectionString(CacheConnectionName);
            if (string.IsNullOrWhiteSpace(cache))
            {
                throw new InvalidOperationException(
                    $"ConnectionStrings:{StoreConnectionName} (or ConnectionStrings:{CacheConnectionName}) is required: the store of record is Redis.");
            }
            builder.Configuration[$"ConnectionStrings:{StoreConnectionName}"] = cache;
        }
        builder.AddKeyedRedisClient(StoreConnectionName, settings => settings.DisableHealthChecks = true,
            options => Tolerant(options, (int)commandTimeout.TotalMilliseconds));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(StoreConnectionName,
            sp => new RedisHealthCheck(sp.GetRequiredKeyedService<IConnectionMultiplexer>(StoreConnectionName), "the store of record is unavailable"),
            HealthStatus.Unhealthy, tags: null));
        return builder;
    }

    // Start and keep answering while Redis is down; reconnect in the background.
    private static void Tolerant(ConfigurationOptions options, int timeoutMs)
    {
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2000;
        options.SyncTimeout = timeoutMs;
        options.AsyncTimeout = timeoutMs;
    }
}

/// <summary>Pings Redis; a failure reports the registration's failure status with what it means for the service.</summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis, string consequence) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy($"ping {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Redis unreachable ({ex.GetType().Name}); {consequence}");
        }
    }
}
