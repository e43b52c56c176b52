using ClinicalAspire.Domain.Text;

namespace ClinicalAspire.Translator;

public sealed class TranslatorOptions
{
    public const string SectionName = "Translator";

    /// <summary>Largest text accepted, in UTF-8 bytes.</summary>
    public int MaxTextBytes { get; set; } = TextInput.DefaultMaxBytes;

    /// <summary>Texts translated at once in a TranslateStream call.</summary>
    public int StreamConcurrency { get; set; } = 4;

    /// <summary>The largest gRPC request: a text at <see cref="MaxTextBytes"/> and the other fields.</summary>
    public static int MaxRequestBytes(IConfiguration configuration) =>
        InputLimits.RequestBytesForText(configuration.GetValue($"{SectionName}:{nameof(MaxTextBytes)}", TextInput.DefaultMaxBytes));
}
