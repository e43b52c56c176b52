namespace ClinicalAspire.Engines.Abstractions;

/// <param name="Text">The translation.</param>
/// <param name="IsGloss">True for a word-by-word gloss rather than a fluent translation.</param>
/// <param name="UnknownWords">Source words kept untranslated.</param>
/// <param name="Segments">Segments the source was split into to fit the model's context.</param>
public sealed record TranslationOutput(string Text, bool IsGloss, int UnknownWords, int Segments)
{
    /// <summary>The model calls behind the translation, one per segment (language-model engines only).</summary>
    public IReadOnlyList<ModelCallRecord> Calls { get; init; } = [];
}

/// <summary>Translates a text from one language to another (Persian to English today).</summary>
public interface ITranslationEngine : IEngine
{
    Task<TranslationOutput> TranslateAsync(string text, string sourceLanguage, string targetLanguage, CancellationToken cancellationToken);
}
