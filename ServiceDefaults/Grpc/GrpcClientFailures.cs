using System.Net.Http;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What the resilience handler of a client between the services may retry and count toward its circuit breaker: failures
/// to reach the other service, never its answers. A gRPC error travels as HTTP 200 with a grpc-status header (a
/// trailers-only response) or trailer: the other service answered, and INVALID_ARGUMENT, NOT_FOUND and the like would be
/// answered the same way again, so a flood of bad requests must neither be repeated nor open the breaker for everyone.
/// </summary>
public static class GrpcClientFailures
{
    private const string StatusHeader = "grpc-status";
    private const string Unavailable = "14";

    /// <summary>
    /// True for a transient transport failure: refused or reset connections, timeouts, 408/429/5xx from something that is
    /// not a gRPC server (a proxy, a server starting up). False for any gRPC status other than UNAVAILABLE, for a cancelled
    /// caller, and for an answer too large to read (response headers over the client's limit: the same request would get
    /// the same answer).
    /// </summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken)
    {
        if (outcome.Result is { } response && response.Headers.TryGetValues(StatusHeader, out var values)
            && values.FirstOrDefault() != Unavailable)
        {
            return false;
        }
        if (outcome.Exception is { } exception && IsUnreadableAnswer(exception))
        {
            return false;
        }
        // The caller gave up: nothing to retry, and not the other service's fault.
        return !cancellationToken.IsCancellationRequested && HttpClientResiliencePredicates.IsTransient(outcome);
    }

    /// <summary>
    /// The other service answered with headers this client refuses to read: over the header length limit
    /// (ConfigurationLimitExceeded, or over HTTP/2 an HPackDecodingException, an internal type named here by its name).
    /// </summary>
    private static bool IsUnreadableAnswer(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException { HttpRequestError: HttpRequestError.ConfigurationLimitExceeded }
                || current.GetType().Name is "HPackDecodingException" or "QPackDecodingException")
            {
                return true;
            }
        }
        return false;
    }
}
