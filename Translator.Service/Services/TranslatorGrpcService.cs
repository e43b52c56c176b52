using ClinicalAspire.Contracts.Common.V1;
using ClinicalAspire.Contracts.Translator.V1;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Hosting;
using ClinicalAspire.Engines.Profiles;
using Grpc.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ClinicalAspire.Translator.Services;

public sealed class TranslatorGrpcService(
    TranslationHandler handler,
    EngineProfileHealth<ITranslationEngine> profiles,
    HealthCheckService health,
    IOptions<TranslatorOptions> options) : Contracts.Translator.V1.Translator.TranslatorBase
{
    public override Task<TranslateResponse> Translate(TranslateRequest request, ServerCallContext context) =>
        handler.TranslateAsync(request, context.CancellationToken);

    public override Task TranslateStream(
        IAsyncStreamReader<TranslateRequest> requestStream, IServerStreamWriter<TranslateResponse> responseStream, ServerCallContext context) =>
        StreamProcessor.RunAsync(
            requestStream,
            responseStream,
            options.Value.StreamConcurrency,
            (request, ct) => handler.TranslateAsync(request, ct),
            // A bad id is not echoed back; details are bounded as the interceptor bounds a call's.
            (request, error) => new TranslateResponse { Id = InputLimits.IsId(request.Id) ? request.Id : "", Error = Bounded(error) },
            context.CancellationToken);

    private static ItemError Bounded(ItemError error)
    {
        error.Detail = InputLimits.BoundDetail(error.Detail);
        return error;
    }

    public override async Task<GetInfoResponse> GetInfo(GetInfoRequest request, ServerCallContext context)
    {
        var response = new GetInfoResponse
        {
            Service = "translator",
            Version = typeof(TranslatorGrpcService).Assembly.GetName().Version?.ToString() ?? "",
            Engine = handler.EngineInfo ?? new EngineInfo { Engine = "none", Description = "no engine available in this build" },
        };
        response.Profiles.AddRange(await ProfileGrpc.StatusesAsync(profiles, context.CancellationToken));
        if (request.IncludeDependencies)
        {
            response.Dependencies.AddRange(await health.DependencyStatusAsync(context.CancellationToken));
        }
        return response;
    }
}
