using ClinicalAspire.Domain.Extraction;

namespace ClinicalAspire.Domain.Tests;

/// <summary>
/// Answers in the study's own layout and spellings (its published template), written out here rather than taken from
/// the catalogue, so that the tests check the catalogue holds them.
/// </summary>
internal static class StudyAnswers
{
    /// <summary>Feature key, the study's English field name, its Persian field name; template order.</summary>
    public static readonly (string Key, string En, string Fa)[] Fields =
    [
        ("visit_request", "Patient requested a doctor's visit", "درخواست بیمار برای ویزیت پزشک"),
        ("psychological", "Psychiatric and psychological complaints", "شکایات روانی و روان\u200cشناختی"),
        ("sleep", "Sleep disorders", "اختلالات خواب"),
        ("appetite_loss", "Loss of appetite", "از دست دادن اشتها"),
        ("seizure", "Seizures", "تشنج"),
        ("fatigue", "Weakness and fatigue", "ضعف و خستگی"),
        ("consciousness", "Decreased level of consciousness", "کاهش سطح هوشیاری"),
        ("fever", "Fever", "تب"),
        ("respiratory", "Respiratory complaints", "شکایات تنفسی"),
        ("cost", "Insurance/treatment cost issues", "مشکلات بیمه/هزینه درمان"),
        ("urinary", "Urinary tract issues", "مشکلات دستگاه ادراری"),
        ("pain", "Pain", "درد"),
        ("gastrointestinal", "Gastrointestinal issues", "مشکلات گوارشی"),
    ];

    /// <summary>The keys answered True in <see cref="Answer"/> by default; every other feature is False.</summary>
    private static readonly HashSet<string> Positive = ["psychological", "appetite_loss", "fatigue", "fever", "cost", "pain"];

    /// <summary>The value <see cref="Answer"/> gives a feature by default.</summary>
    public static FeatureValue Expected(string key) => Positive.Contains(key) ? FeatureValue.True : FeatureValue.False;

    /// <summary>
    /// One field a line, <c>Name: True,</c>, the last followed by ", " (as the study's models answered);
    /// <paramref name="rename"/> may swap a field's name, <paramref name="value"/> its value (null: the usual one).
    /// </summary>
    public static string Answer(bool persian, Func<string, string, string>? rename = null, Func<string, string?>? value = null) =>
        string.Join("\n", Fields.Select(f =>
        {
            var name = persian ? f.Fa : f.En;
            return $"{rename?.Invoke(f.Key, name) ?? name}: {value?.Invoke(f.Key) ?? Expected(f.Key).ToString()},";
        })) + " ";
}
