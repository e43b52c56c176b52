namespace ClinicalAspire.Contracts.Common.V1;

public sealed partial class EngineInfo
{
    public static EngineInfo Create(string engine, string modelId, string promptVersion, string description, string executionProvider) => new()
    {
        Engine = engine,
        ModelId = modelId,
        PromptVersion = promptVersion,
        Description = description,
        ExecutionProvider = executionProvider,
    };
}
