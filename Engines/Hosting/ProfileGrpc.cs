using ClinicalAspire.Contracts.Common.V1;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Models;
using ClinicalAspire.Engines.Profiles;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace ClinicalAspire.Engines.Hosting;

/// <summary>What the Extractor and the Translator share when serving engine profiles over gRPC: statuses and records.</summary>
public static partial class ProfileGrpc
{
    /// <summary>
    /// The engine of the profile a request names: an unknown name is INVALID_ARGUMENT listing the known ones, a profile
    /// whose engine could not load is FAILED_PRECONDITION with the reason.
    /// </summary>
    public static async Task<(EngineProfile Profile, TEngine Engine)> GetEngineAsync<TEngine>(
        EngineProfileHost<TEngine> host, string? name, CancellationToken cancellationToken) where TEngine : class, IEngine
    {
        try
        {
            return await host.GetAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (UnknownProfileException)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"profile is not configured here; known profiles: {string.Join(", ", host.Set.Profiles.Select(p => p.Name))}"));
        }
        catch (ProfileUnavailableException ex)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, ex.Message));
        }
    }

    /// <summary>
    /// A model server that stayed unreachable through the retries: UNAVAILABLE (the caller may retry later), and a log line
    /// naming the exception types of the whole chain (never their messages, which may quote a server's error body).
    /// </summary>
    public static RpcException Unavailable(ILogger logger, EngineDescriptor engine, Exception exception)
    {
        var chain = ExceptionChain.Describe(exception);
        LogUnavailable(logger, engine.Engine, engine.ModelId, chain);
        return new RpcException(new Status(StatusCode.Unavailable,
            $"the model server of {engine.Engine}/{engine.ModelId} is unreachable or overloaded ({chain}); retry later"));
    }

    public static ModelCall ToContract(ModelCallRecord call) => new()
    {
        Role = call.Role,
        RawOutput = call.RawOutput,
        FinishReason = call.FinishReason,
        PromptTokens = call.PromptTokens,
        CompletionTokens = call.CompletionTokens,
        LatencyMs = call.LatencyMs,
        Segment = call.Segment,
        PrefillTokens = call.PrefillTokens,
    };

    public static EngineInfo ToEngineInfo(EngineDescriptor d) =>
        EngineInfo.Create(d.Engine, d.ModelId, d.PromptVersion, d.Description, d.ExecutionProvider);

    public static async Task<IReadOnlyList<ProfileStatus>> StatusesAsync<TEngine>(EngineProfileHealth<TEngine> health, CancellationToken cancellationToken)
        where TEngine : class, IEngine =>
        (await health.CheckAsync(cancellationToken).ConfigureAwait(false)).Select(p => new ProfileStatus
        {
            Name = p.Report.Name,
            IsDefault = p.Report.IsDefault,
            Status = p.Healthy ? "Healthy" : "Unhealthy",
            Detail = p.Detail,
            Concurrency = p.Report.Concurrency ?? 0,
            Engine = p.Report.Descriptor is { } d ? ToEngineInfo(d) : new EngineInfo { Engine = p.Report.Role.Kind, Description = p.Report.Detail },
        }).ToArray();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model server of {Engine}/{ModelId} unavailable after retries: {ExceptionChain}")]
    private static partial void LogUnavailable(ILogger logger, string engine, string modelId, string exceptionChain);
}
