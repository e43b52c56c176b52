using System.Collections.Concurrent;
using System.Threading.Channels;

namespace ClinicalAspire.Evaluator.Runs;

/// <summary>
/// Tells WatchRun calls in this process that a run changed. Signals coalesce: a watcher that is busy
/// sees one pending signal, then reads the run's current state.
/// </summary>
public sealed class RunBroadcaster
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Channel<bool>, byte>> _watchers = new();

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
