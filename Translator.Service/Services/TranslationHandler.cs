using System.Diagnostics;
using ClinicalAspire.Contracts.Common.V1;
using ClinicalAspire.Contracts.Translator.V1;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Hosting;
using ClinicalAspire.Engines.Models;
using ClinicalAspire.Engines.Profiles;
using ClinicalAspire.ServiceDefaults.Caching;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace ClinicalAspire.Translator.Services;

/// <summary>One translation: validate, look up the cache, call the engine, store. Logs carry hashes only.</summary>
public sealed partial class TranslationHandler(
    EngineProfileHost<ITranslationEngine> engines,
    ResultCache cache,
    IOptions<TranslatorOptions> options,
    TranslatorMetrics metrics,
    ILogger<TranslationHandler> logger)
{
    /// <summary>The default profile's engine, once loaded.</summary>
    public EngineInfo? EngineInfo => engines.DefaultEngine is { } engine ? ProfileGrpc.ToEngineInfo(engine.Descriptor) : null;

    public async Task<TranslateResponse> TranslateAsync(TranslateRequest request, CancellationToken cancellationToken)
    {
        using var inFlight = metrics.TrackRequest();
        Validate(request);
        var started = Stopwatch.GetTimestamp();
        var (profile, engine) = await ProfileGrpc.GetEngineAsync(engines, request.Profile, cancellationToken);
        var descriptor = engine.Descriptor;
        var normalized = PersianNormalizer.NormalizeString(request.Text);
        // Tagged with the note it came from, so erasing the note's dataset finds it.
        var key = ResultCache.TextKey("translation", normalized, descriptor.Engine, descriptor.ModelId, descriptor.PromptVersion,
            request.SourceLanguage, request.TargetLanguage, normalized);

        using var activity = TranslatorMetrics.ActivitySource.StartActivity("translate");
        activity?.SetTag("clinical.profile", profile.Name);
        activity?.SetTag("clinical.engine", descriptor.Engine);
        activity?.SetTag("clinical.model_id", descriptor.ModelId);
        activity?.SetTag("clinical.cache_key", key);

        if (!request.BypassCache && await cache.GetAsync(key, cancellationToken) is { } cached)
        {
            var hit = TranslateResponse.Parser.ParseFrom(cached);
            hit.Id = request.Id;
            hit.CacheHit = true;
            hit.Profile = profile.Name;
            hit.ElapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            activity?.SetTag("clinical.cache_hit", true);
            metrics.Translated(descriptor.Engine, cacheHit: true, hit.ElapsedMs);
            return hit;
        }

        TranslationOutput output;
        try
        {
            output = await engine.TranslateAsync(request.Text, request.SourceLanguage, request.TargetLanguage, cancellationToken);
        }
        catch (EngineOutputException ex)
        {
            metrics.Failed(descriptor.Engine, "model_output_rejected");
            LogRejected(logger, key, ex.Message);
            throw ModelOutputErrors.RejectedException(ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && ModelServerResilience.IsTransient(ex))
        {
            metrics.Failed(descriptor.Engine, "model_server_unavailable");
            throw ProfileGrpc.Unavailable(logger, descriptor, ex);
        }

        var response = new TranslateResponse
        {
            Translation = output.Text,
            Engine = ProfileGrpc.ToEngineInfo(descriptor),
            IsGloss = output.IsGloss,
            UnknownWords = output.UnknownWords,
            Segments = output.Segments,
        };
        response.ModelCalls.AddRange(output.Calls.Select(ProfileGrpc.ToContract));
        await cache.SetAsync(key, response.ToByteArray(), cancellationToken);

        response.Id = request.Id;
        response.Profile = profile.Name;
        response.ElapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        activity?.SetTag("clinical.cache_hit", false);
        metrics.Translated(descriptor.Engine, cacheHit: false, response.ElapsedMs);
        return response;
    }

    /// <summary>Every field against InputLimits; problems name the field and the rule, never the value.</summary>
    private void Validate(TranslateRequest request)
    {
        var problem = TextInput.Problem(request.Text, options.Value.MaxTextBytes)
            ?? InputLimits.Id(request.Id, "id", optional: true)
            ?? InputLimits.Profile(request.Profile, "profile")
            ?? (request.SourceLanguage == Languages.Persian ? null : "source_language must be 'fa' (Persian), the only one supported")
            ?? (request.TargetLanguage == Languages.English ? null : "target_language must be 'en' (English), the only one supported")
            ?? TextInput.ScriptProblem(request.Text, Languages.Persian);
        if (problem is not null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, problem));
        }
    }


    [LoggerMessage(Level = LogLevel.Warning, Message = "Model output rejected for {CacheKey}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string cacheKey, string reason);
}
