namespace ClinicalAspire.Engines.Abstractions;

/// <summary>
/// An engine that is only ready once it has answered: a language model that loaded may still fail on its first
/// generation (a corrupt weight file, a server without that model). The profile host calls this once at start.
/// </summary>
public interface IWarmUpEngine
{
    /// <summary>One tiny generation; throws with the reason when the engine cannot answer.</summary>
    Task WarmUpAsync(CancellationToken cancellationToken);
}
