namespace ClinicalAspire.Engines.Abstractions;

/// <summary>What every engine, of either role, tells about itself.</summary>
public interface IEngine
{
    EngineDescriptor Descriptor { get; }
}

/// <summary>
/// One call to a language model, kept for audit: the raw text as received, why generation stopped, tokens and time.
/// Carried to the caller and stored with run records; never logged.
/// </summary>
/// <param name="Role">"extract" or "translate".</param>
/// <param name="FinishReason">"stop", "length" (cut at the token budget), "content_filter", or "" when the backend does not say.</param>
/// <param name="PrefillTokens">Prompt tokens the model had to read (fewer than <paramref name="PromptTokens"/> when a shared prefix was reused).</param>
public sealed record ModelCallRecord(
    string Role,
    string RawOutput,
    string FinishReason,
    int PromptTokens,
    int CompletionTokens,
    double LatencyMs,
    int Segment = 0,
    int PrefillTokens = 0)
{
    public const string Length = "length";

    /// <summary>The answer was cut at the token budget, so it may be incomplete.</summary>
    public bool IsTruncated => FinishReason == Length;
}
