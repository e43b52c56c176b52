using Grpc.Core;

namespace ClinicalAspire.Dashboard.Presentation;

/// <summary>
/// How a page lives through an Evaluator outage: a short deadline while prerendering (the frame must not wait on the
/// resilience handler's retries), one message in words, and a background retry once the circuit is up.
/// </summary>
public static class Outage
{
    public const string Message =
        "The Evaluator cannot be reached at the moment. This page keeps trying in the background and fills in by itself when it answers.";

    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    /// <summary>Failures that say "not reachable now" rather than "this request is wrong".</summary>
    public static bool IsTransient(RpcException exception) =>
        exception.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled or StatusCode.Unknown or StatusCode.Internal;

    /// <summary>3 s while prerendering (the page's frame waits for it), 15 s on a live circuit.</summary>
    public static DateTime Deadline(bool interactive) => DateTime.UtcNow.Add(interactive ? TimeSpan.FromSeconds(15) : TimeSpan.FromSeconds(3));

    /// <summary>
    /// Calls <paramref name="attempt"/> until it returns true (it returns false on a transient failure), waiting
    /// <paramref name="interval"/> between tries; ends quietly when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public static async Task RetryAsync(Func<Task<bool>> attempt, TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(interval, cancellationToken);
                if (await attempt())
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
