using ClinicalAspire.Contracts.Common.V1;
using ClinicalAspire.Contracts.Extractor.V1;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Hosting;
using ClinicalAspire.Engines.Profiles;
using Grpc.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using TranslatorClient = ClinicalAspire.Contracts.Translator.V1.Translator.TranslatorClient;
using TranslatorInfoRequest = ClinicalAspire.Contracts.Translator.V1.GetInfoRequest;

namespace ClinicalAspire.Extractor.Services;

public sealed class ExtractorGrpcService(
    ExtractionHandler handler,
    EngineProfileHealth<IFeatureExtractionEngine> profiles,
    TranslatorClient translator,
    HealthCheckService health,
    ExtractorMetrics metrics,
    IOptions<ExtractorOptions> options) : Contracts.Extractor.V1.Extractor.ExtractorBase
{
    public override Task<ExtractResponse> Extract(ExtractRequest request, ServerCallContext context) =>
        handler.ExtractAsync(request, context.CancellationToken);

    public override Task ExtractStream(
        IAsyncStreamReader<ExtractRequest> requestStream, IServerStreamWriter<ExtractResponse> responseStream, ServerCallContext context) =>
        StreamProcessor.RunAsync(
            requestStream,
            responseStream,
            options.Value.StreamConcurrency,
            (request, ct) => handler.ExtractAsync(request, ct),
            // A bad id is not echoed back; details are bounded as the interceptor bounds a call's.
            (request, error) => new ExtractResponse { Id = InputLimits.IsId(request.Id) ? request.Id : "", Error = Bounded(error) },
            context.CancellationToken);

    private static ItemError Bounded(ItemError error)
    {
        error.Detail = InputLimits.BoundDetail(error.Detail);
        return error;
    }

    public override Task<ListFeaturesResponse> ListFeatures(ListFeaturesRequest request, ServerCallContext context)
    {
        var response = new ListFeaturesResponse { CatalogueVersion = handler.Catalogue.Version };
        response.Features.AddRange(handler.Catalogue.Features.Select(f => new Feature
        {
            Key = f.Key,
            Order = f.Order,
            NameEn = f.NameEn,
            NameFa = f.NameFa,
            DefinitionEn = f.DefinitionEn,
            DefinitionFa = f.DefinitionFa,
        }));
        return Task.FromResult(response);
    }

    public override async Task<GetInfoResponse> GetInfo(GetInfoRequest request, ServerCallContext context)
    {
        var response = new GetInfoResponse
        {
            Service = "extractor",
            Version = typeof(ExtractorGrpcService).Assembly.GetName().Version?.ToString() ?? "",
            Engine = handler.EngineInfo ?? new EngineInfo { Engine = "none", Description = "no engine available in this build" },
            ExtractionsServed = (ulong)metrics.Served,
        };
        response.Strategies.AddRange(Strategies.All);
        response.Profiles.AddRange(await ProfileGrpc.StatusesAsync(profiles, context.CancellationToken));
        if (!request.IncludeDependencies)
        {
            return response;
        }

        response.Dependencies.AddRange(await health.DependencyStatusAsync(context.CancellationToken));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            // Walks the chain: the Translator reports its own dependencies (Redis) in turn.
            var info = await translator.GetInfoAsync(new TranslatorInfoRequest { IncludeDependencies = true },
                deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: context.CancellationToken);
            response.TranslatorEngine = info.Engine;
            response.TranslatorProfiles.AddRange(info.Profiles);
            var degraded = info.Dependencies.Any(d => d.Status != "Healthy");
            response.Dependencies.Add(new ComponentStatus
            {
                Name = "translator",
                Status = degraded ? "Degraded" : "Healthy",
                Detail = $"{info.Engine.Engine} {info.Engine.ModelId}",
                LatencyMs = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            });
            response.Dependencies.AddRange(info.Dependencies.Select(d => { var copy = d.Clone(); copy.Name = "translator/" + d.Name; return copy; }));
        }
        catch (RpcException ex)
        {
            response.Dependencies.Add(new ComponentStatus
            {
                Name = "translator",
                Status = "Unhealthy",
                Detail = $"{ex.StatusCode}: translate-first is unavailable",
                LatencyMs = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            });
        }
        return response;
    }
}
