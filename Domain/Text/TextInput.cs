using System.Text;

namespace ClinicalAspire.Domain.Text;

/// <summary>Checks on a note as it arrives, with problems named in words that quote no clinical text.</summary>
public static class TextInput
{
    public const int DefaultMaxBytes = 32 * 1024;

    /// <summary>Null when the text is acceptable, otherwise what is wrong with it.</summary>
    public static string? Problem(string? text, int maxBytes)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "text is empty";
        }
        var bytes = Encoding.UTF8.GetByteCount(text);
        return bytes > maxBytes ? $"text is {bytes:N0} bytes (UTF-8); the limit is {maxBytes:N0}" : null;
    }

    /// <summary>A caller-supplied code (language, strategy) made safe to echo in an error message.</summary>
    public static string Echo(string? code) =>
        string.IsNullOrEmpty(code) ? "(empty)" : code.Length <= 24 ? code : code[..24] + "…";
}
