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
