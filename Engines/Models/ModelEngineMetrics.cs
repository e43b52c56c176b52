using System.Diagnostics.Metrics;

namespace ClinicalAspire.Engines.Models;

/// <summary>
/// Telemetry of the language-model backends: prompt tokens prefilled per call, by engine, model and operation.
/// Counts only, never text. The meter's name starts with "ClinicalAspire.", which the service defaults export.
/// </summary>
public sealed class ModelEngineMetrics
{
    public const string Name = "ClinicalAspire.Engines.Models";

    public const string PrefillTokensInstrument = "clinical.model.prefill_tokens";

    // Used when no IMeterFactory is given (tests, tools); a host always has one.
    private static readonly Meter s_fallback = new(Name);

    private readonly Histogram<int> _prefill;

    public ModelEngineMetrics(IMeterFactory? meterFactory = null)
    {
        var meter = meterFactory?.Create(Name) ?? s_fallback;
        _prefill = meter.CreateHistogram<int>(PrefillTokensInstrument, unit: "{token}",
            description: "Prompt tokens the model read for one call (fewer than the prompt when a shared prefix was reused)");
    }

    public void Prefilled(string engine, string modelId, string operation, int tokens) =>
        _prefill.Record(tokens,
            new KeyValuePair<string, object?>("engine", engine),
            new KeyValuePair<string, object?>("model", modelId),
            new KeyValuePair<string, object?>("operation", operation));
}
