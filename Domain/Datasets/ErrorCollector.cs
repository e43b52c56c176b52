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
