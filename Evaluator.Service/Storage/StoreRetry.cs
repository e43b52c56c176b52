using StackExchange.Redis;

namespace ClinicalAspire.Evaluator.Storage;

/// <summary>
/// Retries a store operation while Redis is unreachable or too slow to answer (a restart, a loaded machine)
/// with a growing delay, until cancelled. Runs and the demo wait in the store; nothing is lost by waiting.
/// </summary>
public static class StoreRetry
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(5);

    /// <summary>Redis errors worth another attempt. A timeout is a <see cref="TimeoutException"/>, not a <see cref="RedisException"/>.</summary>
    public static bool IsTransient(Exception exception) => exception is RedisException or TimeoutException;

    public static async Task<T> RunAsync<T>(Func<Task<T>> action, Action<Exception> onRetry, CancellationToken cancellationToken)
    {
        var delay = FirstDelay;
        while (true)
        {
            try
            {
                return await action();
            }
            catch (Exception ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                onRetry(ex);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestDelay.Ticks));
            }
        }
    }

    public static Task RunAsync(Func<Task> action, Action<Exception> onRetry, CancellationToken cancellationToken) =>
        RunAsync(async () => { await action(); return true; }, onRetry, cancellationToken);
}
