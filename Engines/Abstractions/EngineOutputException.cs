namespace ClinicalAspire.Engines.Abstractions;

/// <summary>
/// A model produced output that cannot be used (empty, wrong language, unreadable).
/// The message names the problem and never contains clinical text.
/// </summary>
public sealed class EngineOutputException(string message) : Exception(message);
