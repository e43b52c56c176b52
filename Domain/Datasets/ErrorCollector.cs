namespace ClinicalAspire.Domain.Datasets;

/// <summary>Collects errors up to a cap.</summary>
internal sealed class ErrorCollector(int max)
{
    private readonly List<DatasetError> _errors = [];

    public IReadOnlyList<DatasetError> Errors => _errors;

    public bool Full => _errors.Count >= max;

    public bool Truncated { get; private set; }

    public int Count => _errors.Count;

    public void Add(int line, string? id, string message)
    {
        if (Full)
        {
            Truncated = true;
            return;
        }
        _errors.Add(new DatasetError(line, id, message));
    }
}

/// <summary>The non-blank lines of a JSONL text with their 1-based numbers (a leading byte order mark dropped).</summary>
internal static class JsonlLines
{
    public static IEnumerable<(int Number, string Line)> Read(TextReader reader)
    {
        int number = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            number++;
            if (number == 1)
            {
                line = line.TrimStart('\uFEFF'); // a byte order mark left in text input
            }
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return (number, line);
            }
        }
    }
}

/// <summary>
/// Uploads must be UTF-8: a decoder that replaced bad bytes with U+FFFD would store a changed note without a word. The
/// check runs on the bytes, line by line, so every error names its line (1-based, as the readers count).
/// </summary>
internal static class Utf8Lines
{
    /// <summary>UTF-8 that throws on bad bytes (a last guard: <see cref="Check"/> has already named the lines).</summary>
    public static readonly System.Text.Encoding Strict = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The lines of <paramref name="stream"/> (from its position) that are not valid UTF-8, up to <paramref name="max"/>.
    /// A stream that is not an in-memory one is first copied into one, which replaces <paramref name="stream"/>.
    /// </summary>
    public static List<DatasetError> Check(ref Stream stream, int max)
    {
        if (stream is not MemoryStream memory || !memory.TryGetBuffer(out var buffer))
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
            buffer = new ArraySegment<byte>(copy.GetBuffer(), 0, (int)copy.Length);
            memory = copy;
        }
        var content = buffer.AsSpan((int)memory.Position);
        var errors = new List<DatasetError>();
        for (var line = 1; errors.Count < max; line++)
        {
            var end = content.IndexOf((byte)'\n');
            var current = end < 0 ? content : content[..end];
            if (!System.Text.Unicode.Utf8.IsValid(current))
            {
                errors.Add(new DatasetError(line, null, "invalid UTF-8: the file must be UTF-8 encoded text; nothing was read"));
            }
            if (end < 0)
            {
                break;
            }
            content = content[(end + 1)..];
        }
        return errors;
    }
}
