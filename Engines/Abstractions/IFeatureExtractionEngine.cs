using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;

namespace ClinicalAspire.Engines.Abstractions;

/// <summary>What an extraction engine is asked: one note, in one language, for some features.</summary>
public sealed record ExtractionInput(
    string Text,
    string Language,
    IReadOnlyList<FeatureDefinition> Features,
    bool IncludeRawOutput = false);

/// <summary>
/// One answer per requested feature (same order), with evidence offsets into <see cref="ExtractionInput.Text"/>,
/// and the model calls behind them (language-model engines only).
/// </summary>
public sealed record ExtractionOutput(IReadOnlyList<FeatureAnswer> Answers, string? RawOutput = null)
{
    public IReadOnlyList<ModelCallRecord> Calls { get; init; } = [];
}

/// <summary>Turns one note into yes/no/missing answers for the requested features.</summary>
public interface IFeatureExtractionEngine : IEngine
{
    Task<ExtractionOutput> ExtractAsync(ExtractionInput input, CancellationToken cancellationToken);
}
