using ClinicalAspire.Domain.Text;

namespace ClinicalAspire.Translator;

public sealed class TranslatorOptions
{
    public const string SectionName = "Translator";

    /// <summary>Largest text accepted, in UTF-8 bytes.</summary>
    public int MaxTextBytes { get; set; } = TextInput.DefaultMaxBytes;

    /// <summary>Texts translated at once in a TranslateStream call.</summary>
    public int StreamConcurrency { get; set; } = 4;
}
