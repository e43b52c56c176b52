using ClinicalAspire.Domain.Extraction;

namespace ClinicalAspire.Domain.Datasets;

/// <summary>
/// One labelled record. <see cref="Labels"/> has every catalogue feature key: true/false, or null when the reference
/// label is unknown (absent or null in the file); such a record is left out of that feature's metrics.
/// </summary>
public sealed record DatasetRecord(
    string Id,
    string Text,
    string Language,
    string? Translation,
    IReadOnlyDictionary<string, bool?> Labels);

/// <summary>
/// A problem in an uploaded file: 1-based line number, the record id when known, and a message that names the problem
/// without quoting the record's text (clinical text is PHI).
/// </summary>
public sealed record DatasetError(int Line, string? RecordId, string Message)
{
    public override string ToString() => RecordId is null ? $"line {Line}: {Message}" : $"line {Line} (id {RecordId}): {Message}";
}

/// <summary>
/// All or nothing: when <see cref="Errors"/> is not empty, <see cref="Records"/> is empty.
/// <see cref="ErrorsTruncated"/> is true when reading stopped at <see cref="DatasetLimits.MaxErrors"/>.
/// </summary>
public sealed record DatasetParseResult(IReadOnlyList<DatasetRecord> Records, IReadOnlyList<DatasetError> Errors, bool ErrorsTruncated = false)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// What <see cref="DatasetReader.Scan"/> found: the errors (all or nothing, as <see cref="DatasetParseResult"/>) and,
/// when there are none, the number of records; the records themselves went to the caller one at a time.
/// </summary>
public sealed record DatasetScan(int RecordCount, IReadOnlyList<DatasetError> Errors, bool ErrorsTruncated = false)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>A run's predictions for one record; a feature key absent from <see cref="Predictions"/> is missing.</summary>
public sealed record PredictionRecord(string Id, IReadOnlyDictionary<string, FeatureValue> Predictions);

/// <summary>All or nothing, as <see cref="DatasetParseResult"/>.</summary>
public sealed record PredictionsParseResult(IReadOnlyList<PredictionRecord> Records, IReadOnlyList<DatasetError> Errors, bool ErrorsTruncated = false)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>Limits applied while reading uploads.</summary>
public sealed record DatasetLimits
{
    /// <summary>Largest text (and translation, and raw model output) of one record, in UTF-8 bytes.</summary>
    public int MaxTextBytes { get; init; } = Text.InputLimits.DefaultMaxTextBytes;
    /// <summary>Reading stops after this many errors.</summary>
    public int MaxErrors { get; init; } = 200;
    /// <summary>Most records in one file.</summary>
    public int MaxRecords { get; init; } = Text.InputLimits.MaxDatasetRecords;

    public static DatasetLimits Default { get; } = new();
}

/// <summary>File formats of labelled datasets.</summary>
public enum DatasetFormat
{
    Jsonl,
    Csv,
}
