using System.Net;
using Microsoft.Extensions.Hosting;
using Polly;

namespace ClinicalAspire.ServiceDefaults.Tests;

/// <summary>What the clients between the services retry and count toward their circuit breakers.</summary>
public sealed class GrpcClientFailuresTests
{
    private static HttpResponseMessage Response(HttpStatusCode code, string? grpcStatus = null)
    {
        var response = new HttpResponseMessage(code);
        if (grpcStatus is not null)
        {
            response.Headers.Add("grpc-status", grpcStatus);
        }
        return response;
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, "3", false)] // INVALID_ARGUMENT, trailers-only
    [InlineData(HttpStatusCode.OK, "5", false)] // NOT_FOUND
    [InlineData(HttpStatusCode.OK, "8", false)] // RESOURCE_EXHAUSTED: the same message is as large next time
    [InlineData(HttpStatusCode.ServiceUnavailable, "3", false)] // a proxy relaying a client error
    [InlineData(HttpStatusCode.ServiceUnavailable, "14", true)] // a proxy: the service is not there
    [InlineData(HttpStatusCode.ServiceUnavailable, null, true)]
    [InlineData(HttpStatusCode.OK, null, false)]
    public void Answers_are_not_failures_transport_failures_are(HttpStatusCode code, string? grpcStatus, bool transient)
    {
        using var response = Response(code, grpcStatus);
        Assert.Equal(transient, GrpcClientFailures.IsTransient(Outcome.FromResult(response), CancellationToken.None));
    }

    [Fact]
    public void An_answer_too_large_to_read_and_a_cancelled_caller_are_not_retried()
    {
        var tooLarge = new HttpRequestException(HttpRequestError.ConfigurationLimitExceeded, "headers too long");
        Assert.False(GrpcClientFailures.IsTransient(Outcome.FromException<HttpResponseMessage>(tooLarge), CancellationToken.None));
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "refused");
        Assert.True(GrpcClientFailures.IsTransient(Outcome.FromException<HttpResponseMessage>(refused), CancellationToken.None));
        Assert.False(GrpcClientFailures.IsTransient(Outcome.FromException<HttpResponseMessage>(refused), new CancellationToken(canceled: true)));
    }
}
