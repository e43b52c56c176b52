namespace ClinicalAspire.Domain.Extraction;

/// <summary>How <see cref="StudyOutputParser"/> reads the study's output format.</summary>
public enum StudyParserMode
{
    /// <summary>
    /// Tolerant reading (the default): whole-word, case-insensitive field names; True/False, Yes/No and Persian yes/no
    /// words; prose, Markdown, quotes and code fences around the template.
    /// </summary>
    Lenient,

    /// <summary>
    /// The study's own parser, to reproduce its numbers: first case-sensitive occurrence of the field name, value up to
    /// the next comma, True if it contains "True", else False if it contains "False", else missing.
    /// </summary>
    Strict,
}
