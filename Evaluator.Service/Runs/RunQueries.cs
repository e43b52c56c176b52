using System.Globalization;
using System.Text;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Evaluator.Datasets;
using ClinicalAspire.Evaluator.Storage;
using CsvHelper;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClinicalAspire.Evaluator.Runs;

/// <summary>Reads of runs: state, records, comparisons, exports and external scoring.</summary>
public sealed class RunQueries(
    EvaluatorStore store,
    RunCoordinator coordinator,
    RunScoring scoring,
    DatasetImporter importer,
    IOptions<EvaluatorOptions> options)
{
    private const int ReadPage = 1000;

    /// <summary>The run <paramref name="runId"/>; a malformed id is INVALID_ARGUMENT, an unknown one NOT_FOUND, both naming <paramref name="field"/>.</summary>
    public async Task<RunInfo> GetRunAsync(string runId, string field = "run_id")
    {
        RequestErrors.ThrowIfInvalid(InputLimits.Id(runId, field));
        if (coordinator.TryGetActive(runId, out var live))
        {
            return coordinator.Snapshot(live);
        }
        return await store.GetRunAsync(runId)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"{field}: no such run"));
    }

    public async Task<IReadOnlyList<RunInfo>> ListRunsAsync(int limit)
    {
        var stored = await store.ListRunsAsync(limit);
        return stored.Select(run => coordinator.TryGetActive(run.RunId, out var live) ? coordinator.Snapshot(live) : run).ToArray();
    }

    public async Task<ListRunRecordsResponse> ListRecordsAsync(ListRunRecordsRequest request)
    {
        RequestErrors.ThrowIfInvalid(RecordFilter.Validate(request));
        var run = RequireRecords(await GetRunAsync(request.RunId));
        var filter = RecordFilter.From(request, run.ExcludeMissing);
        var offset = Math.Max(0, request.Offset);
        var limit = InputLimits.PageSize(request.Limit, 50);
        var response = new ListRunRecordsResponse();
        // One pass in pages: the total counts every match, only the asked-for window is kept.
        await foreach (var prediction in OrderedPredictionsAsync(run))
        {
            if (!filter.Matches(prediction))
            {
                continue;
            }
            if (response.Total >= offset && response.Records.Count < limit)
            {
                response.Records.Add(prediction);
            }
            response.Total++;
        }
        return response;
    }

    /// <summary>A record disagrees with its labels (for one feature, or any), or failed.</summary>
    public static bool IsError(RecordPrediction prediction, string featureKey, bool excludeMissing)
    {
        if (!string.IsNullOrEmpty(prediction.Error))
        {
            return true;
        }
        foreach (var feature in prediction.Features)
        {
            if (!string.IsNullOrEmpty(featureKey) && feature.Key != featureKey)
            {
                continue;
            }
            if (!prediction.Labels.TryGetValue(feature.Key, out var label) || label is Label.Unknown or Label.Unspecified)
            {
                continue;
            }
            if (feature.Value == "missing" && excludeMissing)
            {
                continue;
            }
            var predicted = feature.Value == "true";
            if (predicted != (label == Label.True))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A run whose dataset was erased keeps its summary only: asking for its records says so.</summary>
    private static RunInfo RequireRecords(RunInfo run) => run.DatasetErased
        ? throw new RpcException(new Status(StatusCode.FailedPrecondition,
            $"run '{run.RunId}' has no records: its dataset '{run.DatasetId}' was deleted and the per-record predictions with it; its metrics remain"))
        : run;

    /// <summary>
    /// A run's predictions in dataset order, then those whose record is no longer in the dataset (it was replaced) by
    /// record id; read a page at a time, so only one page of records and predictions is held.
    /// </summary>
    internal async IAsyncEnumerable<RecordPrediction> OrderedPredictionsAsync(RunInfo run)
    {
        // Active or not, the store holds every prediction the run has (each is stored before it is counted).
        var dataset = await store.GetDatasetAsync(run.DatasetId);
        var listed = 0;
        if (dataset is not null)
        {
            await foreach (var page in store.ReadRecordPagesAsync(dataset, ReadPage))
            {
                foreach (var prediction in await store.GetPredictionsAsync(run.RunId, page.Select(r => r.Id).ToArray()))
                {
                    if (prediction is not null)
                    {
                        listed++;
                        yield return prediction;
                    }
                }
            }
        }
        if (listed == await store.CountPredictionsAsync(run.RunId))
        {
            yield break;
        }
        // Some predictions are not in the dataset (or arrived after their page was read): only ids are held to find them.
        var inDataset = new HashSet<string>(StringComparer.Ordinal);
        if (dataset is not null)
        {
            await foreach (var page in store.ReadRecordPagesAsync(dataset, ReadPage))
            {
                inDataset.UnionWith(page.Select(r => r.Id));
            }
        }
        var others = (await store.GetPredictedIdsAsync(run.RunId)).Where(id => !inDataset.Contains(id)).Order(StringComparer.Ordinal).ToArray();
        foreach (var chunk in others.Chunk(ReadPage))
        {
            foreach (var prediction in await store.GetPredictionsAsync(run.RunId, chunk))
            {
                if (prediction is not null)
                {
                    yield return prediction;
                }
            }
        }
    }

    public async Task<CompareRunsResponse> CompareAsync(CompareRunsRequest request)
    {
        if (request.RunIds.Count < 2 || request.RunIds.Count > InputLimits.MaxComparedRuns)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"run_ids must name 2 to {InputLimits.MaxComparedRuns} runs"));
        }
        RequestErrors.ThrowIfInvalid(InputLimits.Range(request.BootstrapResamples, "bootstrap_resamples", 0, InputLimits.MaxBootstrapResamples));
        var resamples = request.BootstrapResamples <= 0 ? options.Value.DefaultBootstrapResamples : request.BootstrapResamples;
        var response = new CompareRunsResponse();
        foreach (var (runId, index) in request.RunIds.Select((id, i) => (id, i)))
        {
            response.Runs.Add(RequireRecords(await GetRunAsync(runId, $"run_ids[{index}]")));
        }
        var baseline = response.Runs[0];
        foreach (var (other, index) in response.Runs.Select((run, i) => (run, i)).Skip(1))
        {
            if (other.DatasetId != baseline.DatasetId)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument,
                    $"run_ids[0] and run_ids[{index}] are on different datasets; comparisons pair records of one dataset"));
            }
        }
        // Each run reduced to its table of cell codes as its pages are read: no run's predictions are held whole.
        var baselineTable = await scoring.TableAsync(OrderedPredictionsAsync(baseline), baseline.ExcludeMissing);
        foreach (var other in response.Runs.Skip(1))
        {
            var comparison = scoring.Compare(baselineTable, await scoring.TableAsync(OrderedPredictionsAsync(other), baseline.ExcludeMissing), resamples);
            comparison.BaselineRunId = baseline.RunId;
            comparison.RunId = other.RunId;
            response.Comparisons.Add(comparison);
        }
        return response;
    }

    public async Task<ExportRunResponse> ExportAsync(ExportRunRequest request)
    {
        RequestErrors.ThrowIfInvalid(InputLimits.Code(request.Format, "format", "'csv' or 'json'") ?? InputLimits.Code(request.Content, "content", "'records' or 'metrics'"));
        var run = await GetRunAsync(request.RunId);
        var format = string.IsNullOrEmpty(request.Format) ? "json" : request.Format.ToLowerInvariant();
        var content = string.IsNullOrEmpty(request.Content) ? "records" : request.Content.ToLowerInvariant();
        if (format is not ("csv" or "json") || content is not ("records" or "metrics"))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                "export format must be 'csv' or 'json' and content 'records' or 'metrics'"));
        }
        var fileName = $"{run.RunId}-{content}.{format}";
        var contentType = format == "csv" ? "text/csv" : "application/json";
        if (content == "metrics")
        {
            return new ExportRunResponse { FileName = fileName, ContentType = contentType, Data = ByteString.CopyFrom(RunExport.Metrics(run, format)) };
        }
        RequireRecords(run);
        using var data = new MemoryStream();
        await RunExport.WriteRecordsAsync(data, run, () => OrderedPredictionsAsync(run), format);
        // The file's bytes are the response's: wrapped, not copied (the stream is not written again).
        return new ExportRunResponse
        {
            FileName = fileName,
            ContentType = contentType,
            Data = UnsafeByteOperations.UnsafeWrap(data.GetBuffer().AsMemory(0, (int)data.Length)),
        };
    }

    public async Task<ScorePredictionsResponse> ScoreAsync(ScorePredictionsRequest request)
    {
        RequestErrors.ThrowIfInvalid(InputLimits.DatasetId(request.DatasetId)
            ?? InputLimits.Range(request.BootstrapResamples, "bootstrap_resamples", 0, InputLimits.MaxBootstrapResamples));
        var dataset = await store.GetDatasetAsync(request.DatasetId)
            ?? throw new RpcException(new Status(StatusCode.NotFound, Services.EvaluatorGrpcService.NoSuchDataset));
        var records = await store.GetRecordsAsync(dataset);
        var parsed = importer.ParsePredictions(request.Predictions.Memory);
        var response = new ScorePredictionsResponse();
        response.Errors.AddRange(parsed.Errors);
        if (parsed.Errors.Count > 0)
        {
            return response;
        }
        var known = records.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var unknown = parsed.Predictions.Keys.Where(id => !known.Contains(id)).Take(20).ToArray();
        if (unknown.Length > 0)
        {
            // Ids passed the id rule when read; each in its own field, never inside a message.
            response.Errors.AddRange(unknown.Select(id => new ValidationError { RecordId = id, Message = "a prediction for an id that is not in the dataset" }));
            return response;
        }
        var resamples = request.BootstrapResamples <= 0 ? options.Value.DefaultBootstrapResamples : request.BootstrapResamples;
        var predictions = new Dictionary<string, RecordPrediction>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var prediction = new RecordPrediction { RecordId = record.Id };
            prediction.Labels.Add(record.Labels);
            if (parsed.Predictions.TryGetValue(record.Id, out var values))
            {
                prediction.Features.Add(values.Select(kv => new RecordFeature { Key = kv.Key, Value = kv.Value }));
            }
            else
            {
                prediction.Error = "no prediction for this record";
            }
            predictions[record.Id] = prediction;
        }
        response.MatchedRecords = parsed.Predictions.Count;
        response.Metrics = scoring.Score(records, predictions, request.ExcludeMissing, resamples);
        return response;
    }
}

/// <summary>CSV and JSON exports of a run's records and metrics.</summary>
public static class RunExport
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithIndentation().WithFormatDefaultValues(true));
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static byte[] Metrics(RunInfo run, string format)
    {
        var metrics = run.Metrics ?? new Metrics();
        if (format == "json")
        {
            return Encoding.UTF8.GetBytes(Json.Format(metrics));
        }
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        // Written before the CSV writer starts: it wants one width per file, the blocks have their own.
        WriteSettingsAndSummary(writer, run, metrics);
        using var csv = CsvWriter.Create(writer, null, leaveOpen: true);
        // The per-feature 95% bootstrap intervals last (empty for a run still going or scored without a bootstrap).
        foreach (var header in new[] { "feature", "tp", "fp", "tn", "fn", "precision", "sensitivity", "specificity", "accuracy", "macro_f1", "mcc", "missing", "missing_rate", "support",
                     "macro_f1_ci_low", "macro_f1_ci_high", "mcc_ci_low", "mcc_ci_high", "sensitivity_ci_low", "sensitivity_ci_high", "specificity_ci_low", "specificity_ci_high" })
        {
            csv.WriteField(header);
        }
        csv.EndRecord();
        foreach (var f in metrics.Features)
        {
            csv.WriteField(f.Key);
            foreach (var value in new object[] { f.Tp, f.Fp, f.Tn, f.Fn, f.Precision, f.Sensitivity, f.Specificity, f.Accuracy, f.MacroF1, f.Mcc, f.Missing, f.MissingRate, f.Support })
            {
                csv.WriteField(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
            }
            foreach (var ci in new[] { f.MacroF1Ci, f.MccCi, f.SensitivityCi, f.SpecificityCi })
            {
                csv.WriteField(ci is null ? "" : ci.Low.ToString("R", CultureInfo.InvariantCulture));
                csv.WriteField(ci is null ? "" : ci.High.ToString("R", CultureInfo.InvariantCulture));
            }
            csv.EndRecord();
        }
        csv.Flush();
        return WithByteOrderMark(writer.ToString());
    }

    /// <summary>
    /// Two blocks above the per-feature rows, each closed by an empty line: the run's settings (setting,value) and the
    /// summary (metric,median,q1,q3,ci_low,ci_high), so that one file says what was run and what it scored.
    /// </summary>
    private static void WriteSettingsAndSummary(TextWriter writer, RunInfo run, Metrics metrics)
    {
        void Row(params string[] fields) =>
            writer.Write(string.Join(",", fields.Select(f => f.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{f.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : f)) + "\r\n");
        static string N(double value) => value.ToString("R", CultureInfo.InvariantCulture);
        Row("setting", "value");
        Row("run_id", run.RunId);
        Row("label", run.Label);
        Row("dataset_id", run.DatasetId);
        Row("strategy", run.Strategy);
        Row("engine_profile", run.EngineProfile);
        Row("extractor", run.ExtractorEngine is { } e ? $"{e.Engine} {e.ModelId}".Trim() : "");
        Row("translator", run.TranslatorEngine is { } t ? $"{t.Engine} {t.ModelId}".Trim() : "");
        Row("records", metrics.Records.ToString(CultureInfo.InvariantCulture));
        Row("exclude_missing", run.ExcludeMissing ? "true" : "false");
        Row("bootstrap_resamples", metrics.Summary?.BootstrapResamples.ToString(CultureInfo.InvariantCulture) ?? "");
        Row("bootstrap_seed", metrics.Summary?.BootstrapSeed.ToString(CultureInfo.InvariantCulture) ?? "");
        Row("truncated_outputs", run.TruncatedOutputs.ToString(CultureInfo.InvariantCulture));
        Row();
        Row("metric", "median", "q1", "q3", "ci_low", "ci_high");
        if (metrics.Summary is { } summary)
        {
            foreach (var (name, q) in new[] { ("macro_f1", summary.MacroF1), ("mcc", summary.Mcc), ("sensitivity", summary.Sensitivity),
                         ("specificity", summary.Specificity), ("precision", summary.Precision), ("accuracy", summary.Accuracy), ("missing_rate", summary.MissingRate) })
            {
                if (q is not null)
                {
                    Row(name, N(q.Median), N(q.Q1), N(q.Q3), N(q.CiLow), N(q.CiHigh));
                }
            }
        }
        Row();
    }

    /// <summary>
    /// Writes the records export to <paramref name="output"/> (UTF-8) from <paramref name="predictions"/>, a source read
    /// a page at a time: read twice for CSV (its columns are the feature keys the predictions have), held never.
    /// </summary>
    public static async Task WriteRecordsAsync(Stream output, RunInfo run, Func<IAsyncEnumerable<RecordPrediction>> predictions, string format)
    {
        // A BOM on the CSV: spreadsheet programs read one without it in the local code page and garble Persian.
        var encoding = format == "json" ? s_utf8 : Encoding.UTF8;
        await using var writer = new StreamWriter(output, encoding, leaveOpen: true);
        if (format == "json")
        {
            await writer.WriteAsync("[\n");
            var count = 0;
            await foreach (var prediction in predictions())
            {
                await writer.WriteAsync(count++ > 0 ? ",\n" : "");
                await writer.WriteAsync(Json.Format(prediction));
            }
            await writer.WriteAsync(count > 0 ? "\n]" : "]");
            return;
        }
        var keys = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var prediction in predictions())
        {
            keys.AddRange(prediction.Features.Select(f => f.Key).Where(seen.Add));
        }
        using var csv = CsvWriter.Create(writer, null, leaveOpen: true);
        foreach (var header in new[] { "run_id", "record_id", "language", "text", "strategy", "profile", "error", "translation",
                         "finish_reason", "prompt_tokens", "completion_tokens", "model_latency_ms", "raw_output" }
                     .Concat(keys.SelectMany(k => new[] { $"label_{k}", $"pred_{k}", $"evidence_{k}" })))
        {
            csv.WriteField(header);
        }
        csv.EndRecord();
        await foreach (var p in predictions())
        {
            csv.WriteField(run.RunId);
            csv.WriteField(p.RecordId);
            csv.WriteField(p.Language);
            csv.WriteField(p.Text);
            csv.WriteField(run.Strategy);
            csv.WriteField(run.EngineProfile);
            csv.WriteField(p.Error);
            csv.WriteField(p.Translation);
            // The extraction call's answer as the model wrote it (every call, translation segments included, is in the JSON export).
            var extract = p.ModelCalls.LastOrDefault(c => c.Role == "extract");
            csv.WriteField(extract?.FinishReason ?? "");
            csv.WriteField(extract is null ? "" : extract.PromptTokens.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(extract is null ? "" : extract.CompletionTokens.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(extract is null ? "" : extract.LatencyMs.ToString("0.###", CultureInfo.InvariantCulture));
            csv.WriteField(extract?.RawOutput ?? "");
            var byKey = p.Features.ToDictionary(f => f.Key);
            foreach (var key in keys)
            {
                csv.WriteField(p.Labels.TryGetValue(key, out var label) ? LabelName(label) : "");
                var feature = byKey.GetValueOrDefault(key);
                csv.WriteField(feature?.Value ?? "missing");
                csv.WriteField(feature is null ? "" : string.Join(" | ", feature.Evidence.Select(e => e.Quote)));
            }
            csv.EndRecord();
        }
        csv.Flush();
    }

    /// <summary>UTF-8 with a BOM (see <see cref="WriteRecordsAsync"/>).</summary>
    private static byte[] WithByteOrderMark(string text) => [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(text)];

    private static string LabelName(Label label) => label switch
    {
        Label.True => "true",
        Label.False => "false",
        _ => "",
    };
}
