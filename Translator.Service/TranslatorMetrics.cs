using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ClinicalAspire.Translator;

/// <summary>The Translator's own telemetry: counts and latency per engine, never text.</summary>
public sealed class TranslatorMetrics
{
    public const string Name = "ClinicalAspire.Translator";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> _translations;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _failures;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _inFlight;

    public TranslatorMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        _translations = meter.CreateCounter<long>("clinical.translator.translations", description: "Texts translated");
        _cacheHits = meter.CreateCounter<long>("clinical.translator.cache_hits", description: "Translations served from the cache");
        _failures = meter.CreateCounter<long>("clinical.translator.failures", description: "Translations that failed, by reason");
        _duration = meter.CreateHistogram<double>("clinical.translator.duration", unit: "ms", description: "Time to translate one text");
        // The load signal the model tier scales on (deploy/README.md, "Scaling on load"); no tags: nothing of the request.
        _inFlight = meter.CreateUpDownCounter<long>("clinical.translator.requests_in_flight", unit: "{request}",
            description: "Translations being served: waiting for the engine or running on it");
    }

    public void Translated(string engine, bool cacheHit, double elapsedMs)
    {
        var engineTag = new KeyValuePair<string, object?>("engine", engine);
        _translations.Add(1, engineTag);
        if (cacheHit)
        {
            _cacheHits.Add(1, engineTag);
        }
        _duration.Record(elapsedMs, engineTag, new KeyValuePair<string, object?>("cache_hit", cacheHit));
    }

    public void Failed(string engine, string reason) =>
        _failures.Add(1, new KeyValuePair<string, object?>("engine", engine), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>One translation request in flight until the returned value is disposed.</summary>
    public InFlight TrackRequest() => new(_inFlight);
}
