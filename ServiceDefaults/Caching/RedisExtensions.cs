using Microsoft.Extensions.Configuration;
using ClinicalAspire.ServiceDefaults.Caching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class RedisExtensions
{
    /// <summary>Connection name the AppHost gives the Redis resource.</summary>
    public const string CacheConnectionName = "cache";

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

        builder.AddRedisClient(
            CacheConnectionName,
            settings => settings.DisableHealthChecks = true,
            options =>
            {
                // Start and keep answering while Redis is down; reconnect in the background.
                options.AbortOnConnectFail = false;
                options.ConnectTimeout = 2000;
                options.SyncTimeout = timeoutMs;
                options.AsyncTimeout = timeoutMs;
            });
        builder.Services.AddSingleton(sp => new ResultCache(
            sp.GetRequiredService<IConnectionMultiplexer>(), cacheOptions, sp.GetRequiredService<Logging.ILogger<ResultCache>>()));
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", failureStatus: HealthStatus.Degraded);
        return builder;
    }
}

/// <summary>Pings Redis; a failure degrades the service (it still answers, uncached).</summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
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
            return new HealthCheckResult(context.Registration.FailureStatus, $"Redis unreachable ({ex.GetType().Name}); answering without cache");
        }
    }
}
