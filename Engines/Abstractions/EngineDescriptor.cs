namespace ClinicalAspire.Engines.Abstractions;

/// <summary>Which engine produced a result: part of every result and every cache key.</summary>
/// <param name="Engine">Engine family: "rules", "gloss", "onnx", "openai".</param>
/// <param name="ModelId">Model identifier (folder name and content hash, served model, or rule-set version).</param>
/// <param name="PromptVersion">Prompt or rule-set version.</param>
/// <param name="Description">What the engine is, in words a user understands.</param>
/// <param name="ExecutionProvider">"cpu" or "cuda" for local models; empty otherwise.</param>
public sealed record EngineDescriptor(
    string Engine,
    string ModelId,
    string PromptVersion,
    string Description,
    string ExecutionProvider = "");
