using ClinicalAspire.Evaluator.Storage;
using StackExchange.Redis;

namespace ClinicalAspire.Evaluator.Tests;

/// <summary>
/// Store operations wait out a Redis that is down or too slow. A command timeout is a TimeoutException, not a
/// RedisException: missing it once let a slow demo import stop the whole Evaluator.
/// </summary>
public sealed class StoreRetryTests
{
    [Fact]
    public async Task Timeouts_and_lost_connections_are_retried_until_the_store_answers()
    {
        var failures = new Queue<Exception>(
        [
            new RedisTimeoutException("Timeout awaiting response", CommandStatus.Sent),
            new RedisConnectionException(ConnectionFailureType.SocketFailure, "socket closed"),
            new TimeoutException(),
        ]);
        var retried = new List<string>();

        var answer = await StoreRetry.RunAsync(
            () => failures.TryDequeue(out var failure) ? Task.FromException<int>(failure) : Task.FromResult(42),
            ex => retried.Add(ex.GetType().Name),
            CancellationToken.None);

        Assert.Equal(42, answer);
        Assert.Equal(["RedisTimeoutException", "RedisConnectionException", "TimeoutException"], retried);
    }

    [Fact]
    public async Task Other_errors_are_not_retried()
    {
        var attempts = 0;
        await Assert.ThrowsAsync<InvalidOperationException>(() => StoreRetry.RunAsync(
            () => { attempts++; throw new InvalidOperationException("a bug, not Redis"); },
            _ => { },
            CancellationToken.None));
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Waiting_ends_when_the_service_stops()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => StoreRetry.RunAsync(
            () => Task.FromException(new RedisTimeoutException("Timeout awaiting response", CommandStatus.Sent)),
            _ => { },
            stopping.Token));
    }
}
