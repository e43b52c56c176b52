using ClinicalAspire.Domain.Text;

namespace ClinicalAspire.Engines.Gloss;

/// <summary>
/// The gloss engine's single entry point to Persian normalisation: the shared
/// <see cref="PersianNormalizer"/> (Arabic letters to Persian, ZWNJ and diacritics removed, digits to ASCII,
/// detached prefixes and suffixes joined). Glossary keys and input text go through the same function,
/// so they always agree. The offset map is kept so Latin words can be copied from the original text
/// with their case intact (the normaliser lower-cases Latin letters).
/// </summary>
internal static class GlossNormalization
{
    public static NormalizedText Normalize(string text) => PersianNormalizer.Normalize(text);
}
