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
/// <remarks>
/// Every entry has a TTL: with <c>maxmemory-policy volatile-lru</c> Redis evicts only entries with a TTL, so the
/// cache stays under the ceiling while the Evaluator's store of record (no TTL) is never evicted.
/// Entries derived from a note carry the note's <see cref="TextTag"/> in their key (<see cref="TextKey"/>), so
/// erasing a dataset can find them with one SCAN whatever model, prompt or catalogue version made them.
/// </remarks>
public sealed partial class ResultCache : IDisposable
{
    /// <summary>Prefix of every entry derived from a note's text (<c>clinical:cache:{kind}:{text tag}:{hash}</c>).</summary>
    public const string TextEntryPrefix = "clinical:cache:";

    /// <summary>Published after an erasure: every process drops its in-memory layer (it may hold erased results).</summary>
    public static readonly RedisChannel ErasedChannel = RedisChannel.Literal("clinical:cache:erased");

    private readonly IConnectionMultiplexer? redis;
    private readonly ResultCacheOptions options;
    private readonly ILogger<ResultCache> logger;
    private readonly MemoryCache? _memory;

    public ResultCache(IConnectionMultiplexer? redis, ResultCacheOptions options, ILogger<ResultCache> logger)
    {
        this.redis = redis;
        this.options = options;
        this.logger = logger;
        _memory = options.MemoryEntries > 0 && options.TimeToLive > TimeSpan.Zero
            ? new MemoryCache(new MemoryCacheOptions { SizeLimit = options.MemoryEntries })
            : null;
        if (redis is not null && _memory is not null)
        {
            // The client re-subscribes after a reconnect; a process that missed a message keeps at most its
            // in-memory entries until their TTL (documented in the README's data lifecycle section).
            _ = redis.GetSubscriber().SubscribeAsync(ErasedChannel, (_, _) => _memory.Clear())
                .ContinueWith(t => LogUnavailable(logger, "subscribe", t.Exception?.InnerException?.GetType().Name ?? "?"), TaskContinuationOptions.OnlyOnFaulted);
        }
    }

    public bool Enabled => redis is not null && options.TimeToLive > TimeSpan.Zero;

    /// <summary>
    /// A short hash naming a note (its normalised text), never the text: the Evaluator computes the same tag
    /// from the notes it erases.
    /// </summary>
    public static string TextTag(string normalizedText) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("note\u001f" + normalizedText)).AsSpan(0, 16));

    /// <summary>A key for a result derived from the note <paramref name="normalizedNote"/>, findable by its text tag.</summary>
    public static string TextKey(string kind, string normalizedNote, params ReadOnlySpan<string> parts) =>
        $"{TextEntryPrefix}{kind}:{TextTag(normalizedNote)}:{Key(kind, parts)[($"clinical:{kind}:".Length)..]}";

    /// <summary>The text tag inside a <see cref="TextKey"/>, or null for any other key.</summary>
    public static string? TagOf(string key)
    {
        if (!key.StartsWith(TextEntryPrefix, StringComparison.Ordinal))
        {
            return null;
        }
        var parts = key[TextEntryPrefix.Length..].Split(':');
        return parts.Length == 3 ? parts[1] : null;
    }

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

    /// <summary>
    /// Deletes every entry whose text tag is in <paramref name="tags"/> (one SCAN of the cache's keys, in pages), then
    /// tells every process to drop its in-memory layer. Returns the entries deleted; 0 with no cache configured.
    /// </summary>
    public async Task<int> EraseTextEntriesAsync(IReadOnlySet<string> tags, CancellationToken cancellationToken)
    {
        if (redis is null)
        {
            return 0;
        }
        const int page = 1000;
        var db = redis.GetDatabase();
        var deleted = 0;
        foreach (var endpoint in redis.GetEndPoints())
        {
            var server = redis.GetServer(endpoint);
            if (!server.IsConnected || server.IsReplica)
            {
                continue;
            }
            var batch = new List<RedisKey>(page);
            await foreach (var key in server.KeysAsync(pattern: TextEntryPrefix + "*", pageSize: page).WithCancellation(cancellationToken))
            {
                if (TagOf(key!) is { } tag && tags.Contains(tag))
                {
                    batch.Add(key);
                }
                if (batch.Count == page)
                {
                    deleted += (int)await db.KeyDeleteAsync([.. batch]);
                    batch.Clear();
                }
            }
            if (batch.Count > 0)
            {
                deleted += (int)await db.KeyDeleteAsync([.. batch]);
            }
        }
        await redis.GetSubscriber().PublishAsync(ErasedChannel, "erased");
        return deleted;
    }

    private void Remember(string key, byte[] value) =>
        _memory?.Set(key, value, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = options.TimeToLive });

    public void Dispose() => _memory?.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Result cache {Operation} skipped: Redis unavailable ({ExceptionType})")]
    private static partial void LogUnavailable(ILogger logger, string operation, string exceptionType);
}
