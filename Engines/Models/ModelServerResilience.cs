using System.Net.Sockets;
using System.ClientModel;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace ClinicalAspire.Engines.Models;

/// <summary>
/// How the OpenAI-compatible route survives a model server that is busy or restarting: retries with exponential
/// backoff and jitter on refused connections, timeouts, 408/429/5xx (Microsoft.Extensions.Http.Resilience), instead of
/// the OpenAI SDK's three quick retries, whose failure surfaces as an AggregateException.
/// </summary>
public static class ModelServerResilience
{
    /// <summary>Retries per call; with the delays below about 40 s of a server that refuses before the call fails.</summary>
    public const int MaxRetryAttempts = 8;

    /// <summary>The handler a model server's HttpClient uses: the retry pipeline over <paramref name="inner"/>.</summary>
    public static HttpMessageHandler CreateHandler(ILogger logger, HttpMessageHandler? inner = null, TimeSpan? baseDelay = null)
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = baseDelay ?? TimeSpan.FromMilliseconds(500),
                MaxDelay = TimeSpan.FromSeconds(8),
                OnRetry = args =>
                {
                    // Types and status codes only: a server's error body could echo the prompt.
                    var cause = args.Outcome.Exception is { } ex ? ExceptionChain.Describe(ex) : $"HTTP {(int?)args.Outcome.Result?.StatusCode}";
                    logger.LogWarning("Model server call failed ({Cause}); retry {Attempt} in {DelayMs} ms", cause, args.AttemptNumber + 1, (long)args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            })
            .Build();
        return new ResilienceHandler(pipeline) { InnerHandler = inner ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) } };
    }

    /// <summary>
    /// True when a model call failed because the server could not be reached or was overloaded (worth retrying later):
    /// refused or reset connections, timeouts, 408/429/5xx answers, anywhere in the exception chain.
    /// </summary>
    public static bool IsTransient(Exception exception)
    {
        foreach (var ex in ExceptionChain.Flatten(exception))
        {
            switch (ex)
            {
                case HttpRequestException or SocketException or TimeoutException or IOException:
                    return true;
                case ClientResultException { Status: 408 or 429 or >= 500 }:
                    return true;
                case Microsoft.SemanticKernel.HttpOperationException { StatusCode: { } code } when (int)code is 408 or 429 or >= 500:
                    return true;
            }
        }
        return false;
    }
}

/// <summary>Exception chains described by their types, the only part of an exception that is safe to log.</summary>
public static class ExceptionChain
{
    /// <summary>Every exception of the chain: inner exceptions and the members of aggregates, depth first.</summary>
    public static IEnumerable<Exception> Flatten(Exception exception)
    {
        var stack = new Stack<Exception>();
        stack.Push(exception);
        int seen = 0;
        while (stack.Count > 0 && seen++ < 32)
        {
            var current = stack.Pop();
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.Reverse())
                {
                    stack.Push(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                stack.Push(inner);
            }
        }
    }

    /// <summary>"AggregateException > HttpRequestException > SocketException(ConnectionRefused)".</summary>
    public static string Describe(Exception exception) =>
        string.Join(" > ", Flatten(exception).Select(e => e is SocketException socket ? $"{e.GetType().Name}({socket.SocketErrorCode})" : e.GetType().Name));
}
