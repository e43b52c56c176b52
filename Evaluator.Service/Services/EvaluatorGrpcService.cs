using System.Diagnostics;
using ClinicalAspire.Contracts.Common.V1;
using ClinicalAspire.Contracts.Evaluator.V1;
using Grpc.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ExtractorClient = ClinicalAspire.Contracts.Extractor.V1.Extractor.ExtractorClient;
using ExtractorInfoRequest = ClinicalAspire.Contracts.Extractor.V1.GetInfoRequest;

namespace ClinicalAspire.Evaluator.Services;

/// <summary>The Evaluator's gRPC surface. Datasets, runs and scoring land with the Evaluator issue;
/// until then those calls answer UNIMPLEMENTED (the generated base class), never a fake result.</summary>
public sealed class EvaluatorGrpcService(ExtractorClient extractor, HealthCheckService health) : Contracts.Evaluator.V1.Evaluator.EvaluatorBase
{
    /// <summary>Walks the whole chain (Evaluator -> Extractor -> Translator -> Redis) and reports each part.</summary>
    public override async Task<GetSystemStatusResponse> GetSystemStatus(GetSystemStatusRequest request, ServerCallContext context)
    {
        var response = new GetSystemStatusResponse();
        response.Components.Add(new ComponentStatus { Name = "evaluator", Status = "Healthy", Detail = "answering" });
        response.Components.AddRange((await health.DependencyStatusAsync(context.CancellationToken))
            .Select(c => { c.Name = "evaluator/" + c.Name; return c; }));

        var started = Stopwatch.GetTimestamp();
        try
        {
            var info = await extractor.GetInfoAsync(new ExtractorInfoRequest { IncludeDependencies = true },
                deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: context.CancellationToken);
            response.Components.Add(new ComponentStatus
            {
                Name = "extractor",
                Status = "Healthy",
                Detail = $"{info.Engine.Engine} {info.Engine.ModelId}",
                LatencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            });
            response.Components.AddRange(info.Dependencies.Select(d => { var copy = d.Clone(); copy.Name = "extractor/" + d.Name; return copy; }));
            var profile = new EngineProfile { Name = "default", ExtractorEngine = info.Engine, TranslatorEngine = info.TranslatorEngine };
            profile.Strategies.AddRange(info.Strategies);
            response.EngineProfiles.Add(profile);
        }
        catch (RpcException ex)
        {
            response.Components.Add(new ComponentStatus
            {
                Name = "extractor",
                Status = "Unhealthy",
                Detail = $"{ex.StatusCode}: the Extractor cannot be reached",
                LatencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            });
        }
        return response;
    }
}
