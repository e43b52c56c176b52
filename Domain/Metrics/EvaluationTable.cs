using ClinicalAspire.Domain.Extraction;

namespace ClinicalAspire.Domain.Metrics;

/// <summary>How a missing prediction (no readable answer) is scored.</summary>
public enum MissingPolicy
{
    /// <summary>The study's rule: a missing prediction counts as a negative (False) prediction.</summary>
    ScoreAsNegative,
    /// <summary>The record is left out of that feature's metrics (still counted in <see cref="FeatureMetrics.Missing"/>).</summary>
    Exclude,
}

/// <summary>
/// One record to score: the reference labels (null or absent key = unknown, excluded from that feature) and the run's
/// predictions (absent key or <see cref="FeatureValue.Missing"/> = missing). <paramref name="Predictions"/> null means
/// the extraction failed for the record: every feature is missing.
/// </summary>
public sealed record EvaluationRecord(
    string Id,
    IReadOnlyDictionary<string, bool?> Labels,
    IReadOnlyDictionary<string, FeatureValue>? Predictions);

/// <summary>
/// A run's labels and predictions reduced to one small code per record and feature (its confusion-matrix cell), the
/// form the metrics and the bootstrap work on. Immutable; build once per run with <see cref="Build"/>.
/// </summary>
public sealed class EvaluationTable
{
    // Public so running totals (the Evaluator's live metrics) count cells exactly as the table does.
    public const byte TruePositive = 0, FalsePositive = 1, TrueNegative = 2, FalseNegative = 3, Excluded = 4;
    public const byte CellMask = 0b111, MissingFlag = 0b1000, UnknownFlag = 0b1_0000;

    private readonly Dictionary<string, int> _rowById;

    private EvaluationTable(string[] featureKeys, string[] recordIds, byte[] cells, MissingPolicy policy)
    {
        FeatureKeys = featureKeys;
        RecordIds = recordIds;
        Cells = cells;
        Policy = policy;
        _rowById = new Dictionary<string, int>(recordIds.Length, StringComparer.Ordinal);
        for (int i = 0; i < recordIds.Length; i++)
        {
            if (!_rowById.TryAdd(recordIds[i], i))
            {
                throw new ArgumentException($"record id '{recordIds[i]}' appears twice", "records");
            }
        }
    }

    /// <summary>Feature keys, in the order of the per-feature results.</summary>
    public IReadOnlyList<string> FeatureKeys { get; }

    /// <summary>Record ids, one per row.</summary>
    public IReadOnlyList<string> RecordIds { get; }

    public MissingPolicy Policy { get; }

    public int RecordCount => RecordIds.Count;

    public int FeatureCount => FeatureKeys.Count;

    /// <summary>Row-major [record * FeatureCount + feature] cell codes (low 3 bits: TP/FP/TN/FN/excluded; flags above).</summary>
    internal byte[] Cells { get; }

    /// <summary>Encodes one label/prediction pair.</summary>
    public static byte Encode(bool? label, FeatureValue prediction, MissingPolicy policy)
    {
        byte flags = 0;
        if (prediction is not (FeatureValue.True or FeatureValue.False))
        {
            flags |= MissingFlag;
        }
        if (label is null)
        {
            return (byte)(flags | UnknownFlag | Excluded);
        }
        if ((flags & MissingFlag) != 0 && policy == MissingPolicy.Exclude)
        {
            return (byte)(flags | Excluded);
        }
        bool predicted = prediction == FeatureValue.True;
        byte cell = (label.Value, predicted) switch
        {
            (true, true) => TruePositive,
            (false, true) => FalsePositive,
            (false, false) => TrueNegative,
            (true, false) => FalseNegative,
        };
        return (byte)(flags | cell);
    }

    /// <summary>
    /// Builds the table for <paramref name="featureKeys"/> (e.g. <c>FeatureCatalogue.Default.Keys</c>). Throws
    /// <see cref="ArgumentException"/> on a duplicate record id. Labels or predictions for keys not in
    /// <paramref name="featureKeys"/> are ignored.
    /// </summary>
    public static EvaluationTable Build(
        IReadOnlyList<string> featureKeys,
        IEnumerable<EvaluationRecord> records,
        MissingPolicy policy = MissingPolicy.ScoreAsNegative)
    {
        ArgumentNullException.ThrowIfNull(records);
        var builder = new Builder(featureKeys, policy);
        foreach (var record in records)
        {
            builder.Add(record);
        }
        return builder.Build();
    }

    /// <summary>
    /// Builds a table one record at a time, keeping only its cell codes: a caller streaming records from a store
    /// never holds them all.
    /// </summary>
    public sealed class Builder
    {
        private readonly string[] _keys;
        private readonly MissingPolicy _policy;
        private readonly List<string> _ids = [];
        private readonly List<byte> _cells = [];

        public Builder(IReadOnlyList<string> featureKeys, MissingPolicy policy = MissingPolicy.ScoreAsNegative)
        {
            ArgumentNullException.ThrowIfNull(featureKeys);
            _keys = featureKeys.ToArray();
            if (_keys.Length == 0 || _keys.Distinct(StringComparer.Ordinal).Count() != _keys.Length)
            {
                throw new ArgumentException("feature keys must be non-empty and distinct", nameof(featureKeys));
            }
            _policy = policy;
        }

        public int Count => _ids.Count;

        public void Add(EvaluationRecord record)
        {
            _ids.Add(record.Id);
            foreach (var key in _keys)
            {
                bool? label = record.Labels.TryGetValue(key, out var l) ? l : null;
                var prediction = record.Predictions is not null && record.Predictions.TryGetValue(key, out var p) ? p : FeatureValue.Missing;
                _cells.Add(Encode(label, prediction, _policy));
            }
        }

        public EvaluationTable Build() => new(_keys, _ids.ToArray(), _cells.ToArray(), _policy);
    }

    /// <summary>Builds the table for every feature of <paramref name="catalogue"/>, in catalogue order.</summary>
    public static EvaluationTable Build(
        Features.FeatureCatalogue catalogue,
        IEnumerable<EvaluationRecord> records,
        MissingPolicy policy = MissingPolicy.ScoreAsNegative) =>
        Build(catalogue.Features.Select(f => f.Key).ToArray(), records, policy);

    /// <summary>
    /// Builds a single-feature table from parallel arrays (labels null = unknown), e.g. for tests or ad-hoc scoring.
    /// </summary>
    public static EvaluationTable FromArrays(
        string featureKey,
        ReadOnlySpan<bool?> labels,
        ReadOnlySpan<FeatureValue> predictions,
        MissingPolicy policy = MissingPolicy.ScoreAsNegative)
    {
        if (labels.Length != predictions.Length)
        {
            throw new ArgumentException("labels and predictions must have the same length", nameof(predictions));
        }
        var ids = new string[labels.Length];
        var cells = new byte[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            ids[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            cells[i] = Encode(labels[i], predictions[i], policy);
        }
        return new EvaluationTable([featureKey], ids, cells, policy);
    }

    public bool ContainsRecord(string id) => _rowById.ContainsKey(id);

    /// <summary>A table with only the given records (in that order) and features (in that order), all of which must exist.</summary>
    public EvaluationTable Restrict(IReadOnlyList<string> recordIds, IReadOnlyList<string> featureKeys)
    {
        var featureIndex = featureKeys.Select(k =>
        {
            int index = Array.IndexOf((string[])FeatureKeys, k);
            return index >= 0 ? index : throw new ArgumentException($"feature '{k}' is not in the table", nameof(featureKeys));
        }).ToArray();
        var cells = new byte[recordIds.Count * featureIndex.Length];
        for (int r = 0; r < recordIds.Count; r++)
        {
            int row = _rowById.TryGetValue(recordIds[r], out var found)
                ? found
                : throw new ArgumentException($"record '{recordIds[r]}' is not in the table", nameof(recordIds));
            for (int f = 0; f < featureIndex.Length; f++)
            {
                cells[r * featureIndex.Length + f] = Cells[row * FeatureCount + featureIndex[f]];
            }
        }
        return new EvaluationTable(featureKeys.ToArray(), recordIds.ToArray(), cells, Policy);
    }
}
