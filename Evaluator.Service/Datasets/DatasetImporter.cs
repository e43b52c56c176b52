using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Domain.Datasets;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Evaluator.Storage;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using DomainRecord = ClinicalAspire.Domain.Datasets.DatasetRecord;
using DomainValue = ClinicalAspire.Domain.Extraction.FeatureValue;
using ProtoRecord = ClinicalAspire.Contracts.Evaluator.V1.DatasetRecord;

namespace ClinicalAspire.Evaluator.Datasets;

/// <summary>Validates uploads with the shared dataset reader and stores them whole, or not at all.</summary>
public sealed class DatasetImporter(EvaluatorStore store, FeatureCatalogue catalogue, IOptions<EvaluatorOptions> options)
{
    private const int PreviewRecords = 20;

    public ValidateDatasetResponse Validate(ImportDatasetRequest request)
    {
        var (parsed, _) = Parse(request);
        var response = new ValidateDatasetResponse { Valid = parsed.IsValid, RecordCount = parsed.Records.Count };
        response.Errors.AddRange(parsed.Errors.Select(ToContract));
        response.Preview.AddRange(parsed.Records.Take(PreviewRecords).Select(ToContract));
        return response;
    }

    public async Task<DatasetInfo> ImportAsync(ImportDatasetRequest request)
    {
        var (parsed, datasetId) = Parse(request);
        if (!parsed.IsValid)
        {
            // Lines and rules only: the details are logged by some clients, record ids stay in ValidateDataset's answer.
            var first = parsed.Errors.Take(5).Select(e => $"line {e.Line}: {e.Message}");
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"the dataset has {parsed.Errors.Count}{(parsed.ErrorsTruncated ? "+" : "")} error(s); nothing was stored. {string.Join("; ", first)}"));
        }
        if (parsed.Records.Count == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the dataset has no records; nothing was stored"));
        }

        // The summary comes from the parsed records; their contract form is made a batch at a time while they are
        // written (a second full copy of 100,000 records with their label maps is ~100 MB).
        var source = parsed.Records;
        var info = new DatasetInfo
        {
            DatasetId = datasetId,
            Name = string.IsNullOrWhiteSpace(request.Name) ? datasetId : request.Name.Trim(),
            Description = request.Description,
            RecordCount = source.Count,
            CreatedAt = Timestamp.FromDateTime(DateTime.UtcNow),
            TranslatedRecords = source.Count(r => !string.IsNullOrEmpty(r.Translation)),
            ContentHash = Convert.ToHexStringLower(SHA256.HashData(request.Content.Span)),
        };
        info.LabelledFeatures.AddRange(catalogue.Features.Select(f => f.Key)
            .Where(key => source.Any(r => r.Labels.TryGetValue(key, out var label) && label is not null)));
        foreach (var group in source.GroupBy(r => r.Language))
        {
            info.Languages[group.Key] = group.Count();
        }
        var records = new ContractRecords(source);
        if (await store.IsErasingAsync(datasetId))
        {
            // The erasure deletes the records list by content hash: an identical import now would lose its records.
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"dataset '{datasetId}' is being erased; import it again when the erasure has finished"));
        }
        if (!await store.SaveDatasetAsync(info, records, request.Replace))
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists,
                "a dataset with this dataset_id (or the id derived from name) already exists; set replace to overwrite it"));
        }
        return info;
    }

    /// <summary>Predictions made elsewhere, JSONL: {"id", "predictions": {key: bool|null}} or {"id", "output": raw model text}.</summary>
    public (IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Predictions, IReadOnlyList<ValidationError> Errors) ParsePredictions(ReadOnlyMemory<byte> content)
    {
        if (content.Length > options.Value.MaxUploadBytes)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"predictions is {content.Length:N0} bytes; the limit is {options.Value.MaxUploadBytes:N0} (Evaluator:MaxUploadBytes)"));
        }
        var bytes = content.ToArray();
        using var stream = new MemoryStream(bytes, 0, bytes.Length, writable: false, publiclyVisible: true);
        var parsed = PredictionsReader.ReadJsonl(stream, catalogue);
        var predictions = parsed.Records.ToDictionary(
            r => r.Id,
            r => (IReadOnlyDictionary<string, string>)r.Predictions.ToDictionary(kv => kv.Key, kv => kv.Value switch
            {
                DomainValue.True => "true",
                DomainValue.False => "false",
                _ => "missing",
            }),
            StringComparer.Ordinal);
        return (predictions, parsed.Errors.Select(ToContract).ToArray());
    }

    private (DatasetParseResult Parsed, string DatasetId) Parse(ImportDatasetRequest request)
    {
        RequestErrors.ThrowIfInvalid(InputLimits.Label(request.Name, "name") ?? InputLimits.Description(request.Description, "description"));
        var explicitId = !string.IsNullOrWhiteSpace(request.DatasetId);
        var datasetId = explicitId ? request.DatasetId.Trim() : Slug(request.Name);
        if (!InputLimits.IsDatasetId(datasetId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, explicitId
                ? $"dataset_id must be {InputLimits.DatasetIdRule}"
                : $"name gives no usable dataset id; give dataset_id ({InputLimits.DatasetIdRule})"));
        }
        if (request.Content.Length > options.Value.MaxUploadBytes)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"content is {request.Content.Length:N0} bytes; the limit is {options.Value.MaxUploadBytes:N0} (Evaluator:MaxUploadBytes)"));
        }
        var format = (request.Format ?? "").Trim().ToLowerInvariant() switch
        {
            "jsonl" or "json" or "ndjson" => DatasetFormat.Jsonl,
            "csv" => DatasetFormat.Csv,
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, "format must be 'jsonl' or 'csv'")),
        };
        // The upload's own bytes, not a copy of them; publicly visible, so the UTF-8 check reads this buffer too.
        using var stream = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(request.Content.Memory, out var bytes)
            ? new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false, publiclyVisible: true)
            : new MemoryStream(request.Content.ToByteArray(), writable: false);
        return (DatasetReader.Read(stream, format, catalogue), datasetId);
    }

    private static string Slug(string name)
    {
        var slug = Regex.Replace((name ?? "").Trim().ToLowerInvariant(), "[^a-z0-9_-]+", "-").Trim('-');
        return slug.Length > 64 ? slug[..64] : slug;
    }

    private static ValidationError ToContract(DatasetError error) =>
        new() { Line = error.Line, RecordId = error.RecordId ?? "", Message = error.Message };

    public static ProtoRecord ToContract(DomainRecord record)
    {
        var proto = new ProtoRecord { Id = record.Id, Text = record.Text, Language = record.Language, Translation = record.Translation ?? "" };
        foreach (var (key, label) in record.Labels)
        {
            proto.Labels[key] = label switch { true => Label.True, false => Label.False, null => Label.Unknown };
        }
        return proto;
    }

    /// <summary>The parsed records in their contract form, converted when read (the store reads each once, in batches).</summary>
    private sealed class ContractRecords(IReadOnlyList<DomainRecord> records) : IReadOnlyList<ProtoRecord>
    {
        public ProtoRecord this[int index] => ToContract(records[index]);

        public int Count => records.Count;

        public IEnumerator<ProtoRecord> GetEnumerator() => records.Select(ToContract).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
