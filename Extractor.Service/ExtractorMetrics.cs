using System.Diagnostics;
using System.Diagnostics.Metrics;
using ClinicalAspire.Contracts.Extractor.V1;

namespace ClinicalAspire.Extractor;

/// <summary>The Extractor's own telemetry: counts per engine and feature, latency; never text.</summary>
public sealed class ExtractorMetrics
{
    public const string Name = "ClinicalAspire.Extractor";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> _extractions;
    private readonly Counter<long> _positives;
    private readonly Counter<long> _missing;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _failures;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _inFlight;
    private long _served;

    public ExtractorMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        _extractions = meter.CreateCounter<long>("clinical.extractor.extractions", description: "Notes extracted");
        _positives = meter.CreateCounter<long>("clinical.extractor.positives", description: "Features answered true");
        _missing = meter.CreateCounter<long>("clinical.extractor.missing", description: "Features with no readable answer");
        _cacheHits = meter.CreateCounter<long>("clinical.extractor.cache_hits", description: "Extractions served from the cache");
        _failures = meter.CreateCounter<long>("clinical.extractor.failures", description: "Extractions that failed, by reason");
        _duration = meter.CreateHistogram<double>("clinical.extractor.duration", unit: "ms", description: "Time to extract one note");
        // The load signal the model tier scales on (deploy/README.md, "Scaling on load"); no tags: nothing of the request.
        _inFlight = meter.CreateUpDownCounter<long>("clinical.extractor.requests_in_flight", unit: "{request}",
            description: "Extractions being served: waiting for the engine or running on it");
    }

    /// <summary>Notes answered since the process started, as the extractions counter counts them (GetInfo reports it).</summary>
    public long Served => Interlocked.Read(ref _served);

    public void Extracted(ExtractResponse response, string strategy, string language)
    {
        Interlocked.Increment(ref _served);
        var engine = new KeyValuePair<string, object?>("engine", response.Engine?.Engine ?? "");
        _extractions.Add(1, engine, new KeyValuePair<string, object?>("strategy", strategy), new KeyValuePair<string, object?>("language", language));
        if (response.CacheHit)
        {
            _cacheHits.Add(1, engine);
        }
        foreach (var feature in response.Features)
        {
            var key = new KeyValuePair<string, object?>("feature", feature.Key);
            if (feature.Value == FeatureValue.True)
            {
                _positives.Add(1, engine, key);
            }
            else if (feature.Value == FeatureValue.Missing)
            {
                _missing.Add(1, engine, key);
            }
        }
        _duration.Record(response.Timings.TotalMs, engine, new KeyValuePair<string, object?>("strategy", strategy),
            new KeyValuePair<string, object?>("cache_hit", response.CacheHit));
    }

    public void Failed(string engine, string reason) =>
        _failures.Add(1, new KeyValuePair<string, object?>("engine", engine), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>One extraction request in flight until the returned value is disposed.</summary>
    public InFlight TrackRequest() => new(_inFlight);
}
