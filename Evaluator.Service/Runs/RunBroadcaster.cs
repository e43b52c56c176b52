using System.Collections.Concurrent;
using System.Threading.Channels;
using StackExchange.Redis;

namespace ClinicalAspire.Evaluator.Runs;

/// <summary>
/// Tells WatchRun calls in this process that a run changed. Signals coalesce: a watcher that is busy
/// sees one pending signal, then reads the run's current state. <see cref="Publish"/> also tells the other
/// replicas (Redis pub/sub), whose watchers then read the run from the store.
/// </summary>
public sealed class RunBroadcaster
{
    private static readonly RedisChannel ChangedChannel = RedisChannel.Literal("clinical:runs:changed");
    private static readonly RedisChannel CancelChannel = RedisChannel.Literal("clinical:runs:cancel");

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Channel<bool>, byte>> _watchers = new();
    private readonly IConnectionMultiplexer _redis;

    public RunBroadcaster([FromKeyedServices(RedisExtensions.StoreConnectionName)] IConnectionMultiplexer redis)
    {
        _redis = redis;
        _ = redis.GetSubscriber().SubscribeAsync(ChangedChannel, (_, runId) => Notify(runId!));
        _ = redis.GetSubscriber().SubscribeAsync(CancelChannel, (_, runId) => CancelAnnounced?.Invoke(runId!));
    }

    /// <summary>A run was cancelled on some replica (its cancel is already stored): the one running it stops it.</summary>
    public event Action<string>? CancelAnnounced;

    public void AnnounceCancel(string runId) => _redis.GetSubscriber().Publish(CancelChannel, runId, CommandFlags.FireAndForget);

    /// <summary>The run changed in the store: watchers here and on every other replica re-read it.</summary>
    public void Publish(string runId)
    {
        Notify(runId);
        _redis.GetSubscriber().Publish(ChangedChannel, runId, CommandFlags.FireAndForget);
    }

    public Subscription Subscribe(string runId)
    {
        var channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        _watchers.GetOrAdd(runId, _ => new()).TryAdd(channel, 0);
        return new Subscription(this, runId, channel);
    }

    public void Notify(string runId)
    {
        if (_watchers.TryGetValue(runId, out var channels))
        {
            foreach (var channel in channels.Keys)
            {
                channel.Writer.TryWrite(true);
            }
        }
    }

    public sealed class Subscription(RunBroadcaster owner, string runId, Channel<bool> channel) : IDisposable
    {
        public ChannelReader<bool> Signals => channel.Reader;

        public void Dispose()
        {
            if (owner._watchers.TryGetValue(runId, out var channels))
            {
                channels.TryRemove(channel, out _);
            }
        }
    }
}
