using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ClinicalAspire.ServiceDefaults.Caching;

/// <summary>Time-to-live of cached results (configuration section "Cache").</summary>
public sealed class ResultCacheOptions
{
    public const string SectionName = "Cache";

    /// <summary>How long a cached result lives; 0 disables caching.</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Results also kept in this process's memory (most recent first); 0 keeps none.</summary>
    public int MemoryEntries { get; set; } = 10_000;
}

/// <summary>
/// A best-effort cache of engine results: Redis, shared by every instance, with a small in-process layer in
/// front. A key is a hash of everything that determines the result, so an entry never changes and the
/// in-process copy can't go stale. Keys are hashes (never clinical text); when Redis is down the cache
/// answers from memory or "miss" and drops writes, so the service keeps answering.
/// </summary>
public sealed partial class ResultCache(IConnectionMultiplexer? redis, ResultCacheOptions options, ILogger<ResultCache> logger) : IDisposable
{
    private readonly MemoryCache? _memory = options.MemoryEntries > 0 && options.TimeToLive > TimeSpan.Zero
        ? new MemoryCache(new MemoryCacheOptions { SizeLimit = options.MemoryEntries })
        : null;

    public bool Enabled => redis is not null && options.TimeToLive > TimeSpan.Zero;

    /// <summary>
    /// A cache key: <c>clinical:{kind}:{sha256 of the parts}</c>. Parts are joined with a separator that
    /// cannot occur in them ambiguously, so ("ab","c") and ("a","bc") differ.
    /// </summary>
    public static string Key(string kind, params ReadOnlySpan<string> parts)
    {
        var builder = new StringBuilder();
        foreach (var part in parts)
        {
            builder.Append(part.Length).Append(':').Append(part).Append('\u001f');
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString()));
        return $"clinical:{kind}:{Convert.ToHexStringLower(hash)}";
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return null;
        }
        if (_memory is not null && _memory.TryGetValue(key, out byte[]? local))
        {
            return local;
        }
        try
        {
            var value = await redis!.GetDatabase().StringGetAsync(key).WaitAsync(cancellationToken);
            if (value.IsNull)
            {
                return null;
            }
            var bytes = (byte[])value!;
            Remember(key, bytes);
            return bytes;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogUnavailable(logger, "read", ex.GetType().Name);
            return null;
        }
    }

    public async Task SetAsync(string key, byte[] value, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }
        Remember(key, value);
        try
        {
            await redis!.GetDatabase().StringSetAsync(key, value, options.TimeToLive).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogUnavailable(logger, "write", ex.GetType().Name);
        }
    }

    private void Remember(string key, byte[] value) =>
        _memory?.Set(key, value, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = options.TimeToLive });

    public void Dispose() => _memory?.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Result cache {Operation} skipped: Redis unavailable ({ExceptionType})")]
    private static partial void LogUnavailable(ILogger logger, string operation, string exceptionType);
}
