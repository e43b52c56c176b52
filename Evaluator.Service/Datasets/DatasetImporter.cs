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
        var (format, _) = CheckRequest(request);
        var preview = new List<ProtoRecord>(PreviewRecords);
        using var stream = Open(request);
        var scan = DatasetReader.Scan(stream, format, record =>
        {
            if (preview.Count < PreviewRecords)
            {
                preview.Add(ToContract(record));
            }
        }, catalogue);
        var response = new ValidateDatasetResponse { Valid = scan.IsValid, RecordCount = scan.RecordCount };
        response.Errors.AddRange(scan.Errors.Select(ToContract));
        if (scan.IsValid)
        {
            response.Preview.AddRange(preview);
        }
        return response;
    }

    /// <summary>
    /// Two passes over the upload, neither holding its records: the first validates and sums up (ids kept only to
    /// find duplicates), the second, only for a valid file, converts and writes a batch at a time. Nothing is written
    /// for an invalid file, and the records are written under a key nothing points at until the info is stored.
    /// </summary>
    public async Task<DatasetInfo> ImportAsync(ImportDatasetRequest request)
    {
        var (format, datasetId) = CheckRequest(request);
        var summary = new Summary(catalogue);
        DatasetScan scan;
        using (var stream = Open(request))
        {
            scan = DatasetReader.Scan(stream, format, summary.Add, catalogue);
        }
        if (!scan.IsValid)
        {
            // Lines and rules only: the details are logged by some clients, record ids stay in ValidateDataset's answer.
            var first = scan.Errors.Take(5).Select(e => $"line {e.Line}: {e.Message}");
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"the dataset has {scan.Errors.Count}{(scan.ErrorsTruncated ? "+" : "")} error(s); nothing was stored. {string.Join("; ", first)}"));
        }
        if (scan.RecordCount == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the dataset has no records; nothing was stored"));
        }

        var info = new DatasetInfo
        {
            DatasetId = datasetId,
            Name = string.IsNullOrWhiteSpace(request.Name) ? datasetId : request.Name.Trim(),
            Description = request.Description,
            RecordCount = scan.RecordCount,
            CreatedAt = Timestamp.FromDateTime(DateTime.UtcNow),
            TranslatedRecords = summary.Translated,
            ContentHash = Convert.ToHexStringLower(SHA256.HashData(request.Content.Span)),
        };
        info.LabelledFeatures.AddRange(catalogue.Features.Select(f => f.Key).Where(summary.Labelled.Contains));
        foreach (var (language, count) in summary.Languages)
        {
            info.Languages[language] = count;
        }
        if (await store.IsErasingAsync(datasetId))
        {
            // The erasure deletes the records list by content hash: an identical import now would lose its records.
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"dataset '{datasetId}' is being erased; import it again when the erasure has finished"));
        }
        using var again = Open(request);
        if (!await store.SaveDatasetAsync(info, DatasetReader.ReadValid(again, format, catalogue).Select(ToContract), request.Replace))
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

    private (DatasetFormat Format, string DatasetId) CheckRequest(ImportDatasetRequest request)
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
        return (format, datasetId);
    }

    /// <summary>
    /// A stream over the upload's own bytes, not a copy of them (each pass opens its own); publicly visible, so the
    /// UTF-8 check reads this buffer too.
    /// </summary>
    private static MemoryStream Open(ImportDatasetRequest request) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(request.Content.Memory, out var bytes)
            ? new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false, publiclyVisible: true)
            : new MemoryStream(request.Content.ToByteArray(), writable: false);

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

    /// <summary>What the dataset's info says of its records, summed up as they are read (nothing of them kept).</summary>
    private sealed class Summary(FeatureCatalogue catalogue)
    {
        public int Translated { get; private set; }

        public SortedDictionary<string, int> Languages { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Labelled { get; } = new(StringComparer.Ordinal);

        public void Add(DomainRecord record)
        {
            if (!string.IsNullOrEmpty(record.Translation))
            {
                Translated++;
            }
            Languages[record.Language] = Languages.GetValueOrDefault(record.Language) + 1;
            if (Labelled.Count < catalogue.Features.Count)
            {
                foreach (var (key, label) in record.Labels)
                {
                    if (label is not null)
                    {
                        Labelled.Add(key);
                    }
                }
            }
        }
    }
}
