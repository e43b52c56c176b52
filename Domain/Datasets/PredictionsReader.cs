using System.Text;
using System.Text.Json;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Domain.Metrics;

namespace ClinicalAspire.Domain.Datasets;

/// <summary>
/// Reads predictions made elsewhere, JSONL, one record per line, either
/// <c>{"id": "...", "predictions": {"&lt;key&gt;": true|false|1|0|null}}</c> (null or absent key = missing) or
/// <c>{"id": "...", "output": "&lt;raw model text&gt;"}</c>, read with the study's rules (<see cref="StudyOutputParser"/>,
/// lenient: every English and Persian name of a feature, the study's spellings included);
/// <c>"output": null</c> means the extraction failed (every feature missing). All or nothing, like
/// <see cref="DatasetReader"/>; blank lines skipped.
/// </summary>
public static class PredictionsReader
{
    public static PredictionsParseResult ReadJsonl(string content, FeatureCatalogue? catalogue = null, DatasetLimits? limits = null)
    {
        using var reader = new StringReader(content);
        return ReadJsonl(reader, catalogue, limits);
    }

    public static PredictionsParseResult ReadJsonl(Stream stream, FeatureCatalogue? catalogue = null, DatasetLimits? limits = null)
    {
        limits ??= DatasetLimits.Default;
        if (Utf8Lines.Check(ref stream, limits.MaxErrors) is { Count: > 0 } invalid)
        {
            return new PredictionsParseResult([], invalid);
        }
        using var reader = new StreamReader(stream, Utf8Lines.Strict, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        return ReadJsonl(reader, catalogue, limits);
    }

    public static PredictionsParseResult ReadJsonl(TextReader reader, FeatureCatalogue? catalogue = null, DatasetLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        catalogue ??= FeatureCatalogue.Default;
        limits ??= DatasetLimits.Default;
        var errors = new ErrorCollector(limits.MaxErrors);
        var validator = new RecordValidator(catalogue, limits, errors);
        var records = new List<PredictionRecord>();
        foreach (var (lineNumber, line) in JsonlLines.Read(reader))
        {
            if (errors.Full)
            {
                errors.Add(lineNumber, null, "stopped reading: too many errors"); // marks truncation
                break;
            }
            if (!validator.CheckCount(lineNumber))
            {
                break;
            }
            var record = ParseLine(line, lineNumber, catalogue, validator, errors);
            if (record is not null)
            {
                records.Add(record);
            }
        }
        return errors.Count == 0
            ? new PredictionsParseResult(records, [])
            : new PredictionsParseResult([], errors.Errors, errors.Truncated);
    }

    private static PredictionRecord? ParseLine(string line, int lineNumber, FeatureCatalogue catalogue, RecordValidator validator, ErrorCollector errors)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            errors.Add(lineNumber, null, $"invalid JSON (at byte {ex.BytePositionInLine ?? 0} of the line)");
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add(lineNumber, null, "invalid JSON: the line is not a JSON object");
                return null;
            }
            int before = errors.Count;
            var id = DatasetReader.ReadId(root, lineNumber, errors);
            if (id is null || !validator.CheckId(lineNumber, id))
            {
                if (errors.Count == before)
                {
                    errors.Add(lineNumber, null, "missing id");
                }
                return null;
            }
            bool hasPredictions = root.TryGetProperty("predictions", out var predictions);
            bool hasOutput = root.TryGetProperty("output", out var output);
            if (hasPredictions == hasOutput)
            {
                errors.Add(lineNumber, id, "needs exactly one of \"predictions\" and \"output\"");
                return null;
            }
            var values = new Dictionary<string, FeatureValue>(StringComparer.Ordinal);
            foreach (var key in catalogue.Keys)
            {
                values[key] = FeatureValue.Missing;
            }
            if (hasPredictions)
            {
                if (predictions.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(lineNumber, id, "\"predictions\" must be an object");
                    return null;
                }
                var position = 0;
                foreach (var property in predictions.EnumerateObject())
                {
                    position++;
                    if (!catalogue.Contains(property.Name))
                    {
                        validator.UnknownFeature(lineNumber, id, $"predictions key {position}");
                        continue;
                    }
                    if (!DatasetReader.TryLabel(property.Value, out var value))
                    {
                        errors.Add(lineNumber, id, $"bad prediction value for '{property.Name}' (expected true, false, 1, 0 or null)");
                        continue;
                    }
                    values[property.Name] = value switch { true => FeatureValue.True, false => FeatureValue.False, null => FeatureValue.Missing };
                }
            }
            else if (output.ValueKind == JsonValueKind.String)
            {
                var raw = output.GetString()!;
                if (validator.CheckSize(lineNumber, id, raw, "output"))
                {
                    foreach (var answer in StudyOutputParser.Parse(raw, catalogue.Features))
                    {
                        values[answer.Key] = answer.Value;
                    }
                }
            }
            else if (output.ValueKind != JsonValueKind.Null)
            {
                errors.Add(lineNumber, id, "\"output\" must be a string or null");
            }
            return errors.Count == before ? new PredictionRecord(id, values) : null;
        }
    }

    /// <summary>
    /// Pairs a dataset with predictions for scoring: one <see cref="EvaluationRecord"/> per dataset record, in dataset order;
    /// a record without a prediction counts as an extraction error (every feature missing). Predictions for ids not in
    /// the dataset are ignored; <paramref name="unmatched"/> says how many.
    /// </summary>
    public static IReadOnlyList<EvaluationRecord> Join(
        IReadOnlyList<DatasetRecord> dataset, IReadOnlyList<PredictionRecord> predictions, out int unmatched)
    {
        var byId = new Dictionary<string, PredictionRecord>(StringComparer.Ordinal);
        foreach (var prediction in predictions)
        {
            byId[prediction.Id] = prediction;
        }
        var result = new EvaluationRecord[dataset.Count];
        int matched = 0;
        for (int i = 0; i < dataset.Count; i++)
        {
            var record = dataset[i];
            IReadOnlyDictionary<string, FeatureValue>? values = null;
            if (byId.TryGetValue(record.Id, out var prediction))
            {
                values = prediction.Predictions;
                matched++;
            }
            result[i] = new EvaluationRecord(record.Id, record.Labels, values);
        }
        unmatched = byId.Count - matched;
        return result;
    }
}
