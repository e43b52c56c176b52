namespace ClinicalAspire.Contracts.Common.V1;

public sealed partial class ModelCall
{
    /// <summary>The finish reason of an answer cut at the token budget (OpenAI's and our ONNX route's word).</summary>
    public const string LengthFinishReason = "length";

    /// <summary>The answer was cut at the token budget: what it did not reach is missing, not negative.</summary>
    public bool IsTruncated => FinishReason == LengthFinishReason;
}
