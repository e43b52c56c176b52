using Medallion.Threading.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClinicalAspire.Evaluator.Runs;

/// <summary>
/// One lease per run (DistributedLock.Redis), so several Evaluators share runs and never work on one run at once.
/// The holder's handle renews the lease in the background; a replica that dies stops renewing and the lease
/// lapses after <see cref="EvaluatorOptions.LeaseTtl"/>, when another replica's takeover scan can take the run.
/// </summary>
// Leases live in the store of record (never evicted), not in the cache.
public sealed class RunLeases([FromKeyedServices(RedisExtensions.StoreConnectionName)] IConnectionMultiplexer redis, IOptions<EvaluatorOptions> options)
{
    private static RedisKey LeaseKey(string runId) => $"clinical:run:{runId}:lease";

    private RedisDistributedLock Lock(string runId)
    {
        var ttl = options.Value.LeaseTtl;
        return new RedisDistributedLock(LeaseKey(runId), redis.GetDatabase(), o => o
            .Expiry(ttl)
            // Three renewals per TTL: one slow round trip on a loaded machine does not lose the lease.
            .ExtensionCadence(ttl / 3));
    }

    /// <summary>The run's lease, or null when another replica holds it (one attempt, no wait).</summary>
    public async Task<RedisDistributedLockHandle?> TryAcquireAsync(string runId, CancellationToken cancellationToken) =>
        await Lock(runId).TryAcquireAsync(TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// The token of whoever holds the run's lease now, or null. The holder compares it with the one it read when it took
    /// the lease: a lease evicted (store and cache on one server under memory pressure) or taken by another replica is
    /// noticed at the next progress checkpoint, not only at the lock's next renewal.
    /// </summary>
    public async Task<string?> HolderAsync(string runId) => await redis.GetDatabase().StringGetAsync(LeaseKey(runId));

    /// <summary>True while some replica holds the run's lease.</summary>
    public Task<bool> IsHeldAsync(string runId) => redis.GetDatabase().KeyExistsAsync(LeaseKey(runId));
}
