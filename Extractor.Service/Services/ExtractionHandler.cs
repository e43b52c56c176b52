using System.Diagnostics;
using ClinicalAspire.Contracts.Common.V1;
using ClinicalAspire.Contracts.Extractor.V1;
using ClinicalAspire.Contracts.Translator.V1;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Hosting;
using ClinicalAspire.Engines.Models;
using ClinicalAspire.Engines.Profiles;
using ClinicalAspire.ServiceDefaults.Caching;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Options;
using DomainFeatureValue = ClinicalAspire.Domain.Extraction.FeatureValue;
using FeatureValue = ClinicalAspire.Contracts.Extractor.V1.FeatureValue;

namespace ClinicalAspire.Extractor.Services;

/// <summary>
/// One extraction: validate, translate when asked, look up the cache, run the engine, store.
/// Cached evidence is kept in offsets of the normalised text, so a cache hit for the same note typed
/// differently (ZWNJ, Arabic letters) still points at the right characters of the caller's text.
/// </summary>
public sealed partial class ExtractionHandler(
    EngineProfileHost<IFeatureExtractionEngine> engines,
    FeatureCatalogue catalogue,
    Translator.TranslatorClient translator,
    ResultCache cache,
    IOptions<ExtractorOptions> options,
    ExtractorMetrics metrics,
    ILogger<ExtractionHandler> logger)
{
    /// <summary>The default profile's engine, once loaded.</summary>
    public EngineInfo? EngineInfo => engines.DefaultEngine is { } engine ? ProfileGrpc.ToEngineInfo(engine.Descriptor) : null;

    public FeatureCatalogue Catalogue => catalogue;

    public async Task<ExtractResponse> ExtractAsync(ExtractRequest request, CancellationToken cancellationToken)
    {
        using var inFlight = metrics.TrackRequest();
        var strategy = string.IsNullOrEmpty(request.Strategy) ? Strategies.Direct : request.Strategy;
        var features = Validate(request, strategy);
        var started = Stopwatch.GetTimestamp();
        var (profile, engine) = await ProfileGrpc.GetEngineAsync(engines, request.Profile, cancellationToken);
        var descriptor = engine.Descriptor;

        using var activity = ExtractorMetrics.ActivitySource.StartActivity("extract");
        activity?.SetTag("clinical.profile", profile.Name);
        activity?.SetTag("clinical.engine", descriptor.Engine);
        activity?.SetTag("clinical.model_id", descriptor.ModelId);
        activity?.SetTag("clinical.strategy", strategy);
        activity?.SetTag("clinical.language", request.Language);

        // The text the engine reads: the note itself, or its English translation.
        var translateFirst = strategy == Strategies.TranslateFirst && request.Language == Languages.Persian;
        TranslateResponse? translation = null;
        if (translateFirst)
        {
            translation = await TranslateAsync(request, profile.Name, descriptor.Engine, cancellationToken);
        }
        var readText = translation?.Translation ?? request.Text;
        var readLanguage = translateFirst ? Languages.English : request.Language;
        var evidenceSource = translateFirst ? EvidenceSource.Translation : EvidenceSource.Text;
        var normalized = PersianNormalizer.Normalize(readText);
        var translateMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        // Tagged with the caller's note (not the translation it may read), so erasing the note's dataset finds it.
        var key = ResultCache.TextKey("extraction", translation is null ? normalized.Text : PersianNormalizer.NormalizeString(request.Text), descriptor.Engine, descriptor.ModelId, descriptor.PromptVersion,
            catalogue.Version, string.Join(',', features.Select(f => f.Key)), strategy, readLanguage,
            translation is null ? "" : $"{translation.Engine.Engine}/{translation.Engine.ModelId}/{translation.Engine.PromptVersion}",
            normalized.Text);
        activity?.SetTag("clinical.cache_key", key);

        ExtractResponse stored;
        var cacheHit = false;
        if (!request.BypassCache && await cache.GetAsync(key, cancellationToken) is { } cached)
        {
            stored = ExtractResponse.Parser.ParseFrom(cached);
            cacheHit = true;
        }
        else
        {
            stored = await RunEngineAsync(engine, readText, readLanguage, features, normalized, evidenceSource, key, cancellationToken);
            await cache.SetAsync(key, stored.ToByteArray(), cancellationToken);
        }

        var response = ToCallerOffsets(stored, normalized);
        response.Id = request.Id;
        response.CacheHit = cacheHit;
        response.Strategy = strategy;
        response.LanguageRead = readLanguage;
        response.Profile = profile.Name;
        if (request.IncludeRawOutput)
        {
            // The audit trail in call order: translation segments, then the extraction.
            if (translation is not null)
            {
                var calls = translation.ModelCalls.Concat(response.ModelCalls).ToArray();
                response.ModelCalls.Clear();
                response.ModelCalls.AddRange(calls);
            }
        }
        else
        {
            response.RawOutput = "";
            response.ModelCalls.Clear();
        }
        if (translation is not null)
        {
            response.Translation = translation.Translation;
            response.TranslatorEngine = translation.Engine;
        }
        var totalMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        response.Timings = new Timings { TotalMs = totalMs, TranslateMs = translateFirst ? translateMs : 0, ExtractMs = totalMs - translateMs };
        activity?.SetTag("clinical.cache_hit", cacheHit);
        metrics.Extracted(response, strategy, request.Language);
        return response;
    }

    private async Task<ExtractResponse> RunEngineAsync(
        IFeatureExtractionEngine engine, string readText, string readLanguage, IReadOnlyList<FeatureDefinition> features,
        NormalizedText normalized, string evidenceSource, string cacheKey, CancellationToken cancellationToken)
    {
        ExtractionOutput output;
        try
        {
            output = await engine.ExtractAsync(new ExtractionInput(readText, readLanguage, features, IncludeRawOutput: true), cancellationToken);
        }
        catch (EngineOutputException ex)
        {
            metrics.Failed(engine.Descriptor.Engine, "model_output_rejected");
            LogRejected(logger, cacheKey, ex.Message);
            throw ModelOutputErrors.RejectedException(ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && ModelServerResilience.IsTransient(ex))
        {
            metrics.Failed(engine.Descriptor.Engine, "model_server_unavailable");
            throw ProfileGrpc.Unavailable(logger, engine.Descriptor, ex);
        }

        var response = new ExtractResponse { Engine = ProfileGrpc.ToEngineInfo(engine.Descriptor), RawOutput = output.RawOutput ?? "" };
        response.ModelCalls.AddRange(output.Calls.Select(ProfileGrpc.ToContract));
        foreach (var answer in output.Answers)
        {
            var result = new FeatureResult { Key = answer.Key, Value = ToContract(answer.Value) };
            result.Evidence.AddRange(answer.Evidence.Select(Stored));
            result.Discounted.AddRange(answer.Discounted.Select(Stored));
            response.Features.Add(result);
        }
        return response;

        // Stored in normalised-text offsets; mapped back to the caller's text on the way out.
        Evidence Stored(EvidenceSpan span)
        {
            var (start, end) = ToNormalized(normalized, span.Start, span.End);
            return new Evidence
            {
                Start = start, End = end, Source = evidenceSource, Status = span.Status ?? "",
                Cue = span.Cue is { } cue ? Stored(cue) : null,
            };
        }
    }

    private static ExtractResponse ToCallerOffsets(ExtractResponse stored, NormalizedText normalized)
    {
        var response = stored.Clone();
        var codePoints = CodePoints.Index(normalized.Original);
        var spans = response.Features.SelectMany(f => f.Evidence.Concat(f.Discounted))
            .SelectMany(e => e.Cue is null ? [e] : new[] { e, e.Cue });
        foreach (var evidence in spans)
        {
            var (start, end) = normalized.ToOriginal(evidence.Start, evidence.End);
            evidence.Quote = normalized.Original[start..end];
            evidence.Start = codePoints.FromUtf16(start);
            evidence.End = codePoints.FromUtf16(end);
        }
        return response;
    }

    /// <summary>The normalised span that covers the original span [start, end).</summary>
    private static (int Start, int End) ToNormalized(NormalizedText normalized, int start, int end)
    {
        var map = normalized.Map;
        var from = LowerBound(map, start);
        var to = Math.Max(from, LowerBound(map, end));
        return (from, to);

        static int LowerBound(int[] map, int value)
        {
            int low = 0, high = map.Length;
            while (low < high)
            {
                var mid = (low + high) >>> 1;
                if (map[mid] < value) low = mid + 1; else high = mid;
            }
            return low;
        }
    }

    private async Task<TranslateResponse> TranslateAsync(ExtractRequest request, string profile, string engine, CancellationToken cancellationToken)
    {
        try
        {
            return await translator.TranslateAsync(new TranslateRequest
            {
                Id = request.Id,
                Text = request.Text,
                SourceLanguage = Languages.Persian,
                TargetLanguage = Languages.English,
                BypassCache = request.BypassCache,
                Profile = profile,
            }, cancellationToken: cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode is not (StatusCode.InvalidArgument or StatusCode.Cancelled))
        {
            metrics.Failed(engine, "translator_" + ex.StatusCode);
            var code = ex.StatusCode is StatusCode.Internal or StatusCode.FailedPrecondition ? ex.StatusCode : StatusCode.Unavailable;
            throw new RpcException(new Status(code, $"translate-first: the Translator failed ({ex.StatusCode}: {ex.Status.Detail})"), ex.Trailers);
        }
    }

    /// <summary>Every field against InputLimits; problems name the field and the rule, never the value.</summary>
    private IReadOnlyList<FeatureDefinition> Validate(ExtractRequest request, string strategy)
    {
        var problem = TextInput.Problem(request.Text, options.Value.MaxTextBytes)
            ?? InputLimits.Id(request.Id, "id", optional: true)
            ?? InputLimits.Profile(request.Profile, "profile")
            ?? (Languages.IsSupported(request.Language) ? null : "language must be 'fa' (Persian) or 'en' (English)")
            ?? (Strategies.IsSupported(strategy) ? null : "strategy must be 'direct' or 'translate-first'")
            ?? InputLimits.FeatureKeys(request.FeatureKeys, "feature_keys")
            ?? UnknownKeys(request.FeatureKeys)
            ?? TextInput.ScriptProblem(request.Text, request.Language);
        if (problem is not null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, problem));
        }
        if (request.FeatureKeys.Count == 0)
        {
            return catalogue.Features;
        }
        var wanted = request.FeatureKeys.ToHashSet(StringComparer.Ordinal);
        return catalogue.Features.Where(f => wanted.Contains(f.Key)).ToArray();
    }

    private string? UnknownKeys(IReadOnlyList<string> keys)
    {
        var unknown = keys.Select((key, index) => (key, index)).Where(k => !catalogue.Contains(k.key)).Select(k => k.index).ToArray();
        return unknown.Length == 0 ? null
            : $"feature_keys has {unknown.Length} key(s) not in catalogue {catalogue.Version} (first: feature_keys[{unknown[0]}]); ListFeatures names the keys";
    }

    private static FeatureValue ToContract(DomainFeatureValue value) => value switch
    {
        DomainFeatureValue.True => FeatureValue.True,
        DomainFeatureValue.False => FeatureValue.False,
        _ => FeatureValue.Missing,
    };


    [LoggerMessage(Level = LogLevel.Warning, Message = "Model output rejected for {CacheKey}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string cacheKey, string reason);
}
