namespace ClinicalAspire.Domain.Text;

/// <summary>Languages the system reads: ISO 639-1 codes.</summary>
public static class Languages
{
    public const string Persian = "fa";
    public const string English = "en";

    public static bool IsSupported(string? code) => code is Persian or English;
}

/// <summary>Extraction strategies: the study's bilingual analysis as a switch.</summary>
public static class Strategies
{
    public const string Direct = "direct";
    public const string TranslateFirst = "translate-first";

    public static readonly IReadOnlyList<string> All = [Direct, TranslateFirst];

    public static bool IsSupported(string? name) => name is Direct or TranslateFirst;
}
