using System.Diagnostics;
using ClinicalAspire.Contracts.Common.V1;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Evaluator.Datasets;
using ClinicalAspire.Evaluator.Runs;
using ClinicalAspire.Evaluator.Storage;
using Grpc.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ExtractorClient = ClinicalAspire.Contracts.Extractor.V1.Extractor.ExtractorClient;
using ExtractorInfoRequest = ClinicalAspire.Contracts.Extractor.V1.GetInfoRequest;
using ExtractorInfoResponse = ClinicalAspire.Contracts.Extractor.V1.GetInfoResponse;
using ExtractRequest = ClinicalAspire.Contracts.Extractor.V1.ExtractRequest;
using ExtractResponse = ClinicalAspire.Contracts.Extractor.V1.ExtractResponse;

namespace ClinicalAspire.Evaluator.Services;

/// <summary>The Evaluator's gRPC surface: datasets, runs, metrics, scoring, and the stack's status.</summary>
public sealed class EvaluatorGrpcService(
    EvaluatorStore store,
    DatasetImporter importer,
    DatasetEraser eraser,
    RunCoordinator runs,
    RunQueries queries,
    RunBroadcaster broadcaster,
    ExtractorClient extractor,
    HealthCheckService health,
    IOptions<EvaluatorOptions> options) : Contracts.Evaluator.V1.Evaluator.EvaluatorBase
{
    // ---------- datasets ----------

    public override Task<ValidateDatasetResponse> ValidateDataset(ImportDatasetRequest request, ServerCallContext context) =>
        Task.FromResult(importer.Validate(request));

    public override Task<DatasetInfo> ImportDataset(ImportDatasetRequest request, ServerCallContext context) =>
        importer.ImportAsync(request);

    public override async Task<ListDatasetsResponse> ListDatasets(ListDatasetsRequest request, ServerCallContext context)
    {
        var response = new ListDatasetsResponse();
        response.Datasets.AddRange(await store.ListDatasetsAsync());
        return response;
    }

    public override async Task<GetDatasetResponse> GetDataset(GetDatasetRequest request, ServerCallContext context)
    {
        RequestErrors.ThrowIfInvalid(InputLimits.DatasetId(request.DatasetId));
        var info = await RequireDatasetAsync(request.DatasetId);
        var response = new GetDatasetResponse { Info = info };
        if (request.Limit > 0)
        {
            response.Records.AddRange(await store.GetRecordsAsync(info, Math.Max(0, request.Offset), InputLimits.PageSize(request.Limit, 0)));
        }
        return response;
    }

    public override async Task<DeleteDatasetResponse> DeleteDataset(DeleteDatasetRequest request, ServerCallContext context)
    {
        RequestErrors.ThrowIfInvalid(InputLimits.DatasetId(request.DatasetId));
        return await eraser.EraseAsync(request.DatasetId) ?? throw new RpcException(new Status(StatusCode.NotFound, NoSuchDataset));
    }

    // ---------- runs ----------

    public override Task<RunInfo> StartRun(StartRunRequest request, ServerCallContext context) => runs.StartAsync(request, context.CancellationToken);

    public override Task<MatrixInfo> StartMatrix(StartMatrixRequest request, ServerCallContext context) =>
        runs.StartMatrixAsync(request, context.CancellationToken);

    public override async Task<MatrixInfo> GetMatrix(GetMatrixRequest request, ServerCallContext context)
    {
        RequestErrors.ThrowIfInvalid(InputLimits.Id(request.MatrixId, "matrix_id"));
        var members = (await queries.ListRunsAsync(0)).Where(r => r.MatrixId == request.MatrixId && !string.IsNullOrEmpty(r.MatrixId))
            .OrderBy(r => r.CreatedAt.ToDateTime()).ThenBy(r => r.Strategy == Domain.Text.Strategies.Direct ? 0 : 1).ToArray();
        if (members.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.NotFound, "matrix_id: no such matrix"));
        }
        var matrix = new MatrixInfo { MatrixId = request.MatrixId, DatasetId = members[0].DatasetId, Label = members[0].Label };
        matrix.Runs.AddRange(members);
        return matrix;
    }

    public override Task<RunInfo> GetRun(GetRunRequest request, ServerCallContext context) => queries.GetRunAsync(request.RunId);

    public override async Task<ListRunsResponse> ListRuns(ListRunsRequest request, ServerCallContext context)
    {
        RequestErrors.ThrowIfInvalid((string.IsNullOrEmpty(request.DatasetId) ? null : InputLimits.DatasetId(request.DatasetId))
            ?? (string.IsNullOrEmpty(request.Tag) ? null : InputLimits.Tag(request.Tag, "tag")));
        var response = new ListRunsResponse();
        var limit = InputLimits.PageSize(request.Limit, 100);
        var tag = request.Tag.ToLowerInvariant();
        var filtered = request.DatasetId.Length > 0 || tag.Length > 0;
        // With a filter the limit counts matching runs: every run is read (ids and small values, no records).
        var all = await queries.ListRunsAsync(filtered ? 0 : limit);
        response.Runs.AddRange(all
            .Where(r => (request.DatasetId.Length == 0 || r.DatasetId == request.DatasetId) && (tag.Length == 0 || r.Tags.Contains(tag)))
            .Take(limit));
        return response;
    }

    public override Task<RunInfo> CancelRun(CancelRunRequest request, ServerCallContext context) => runs.CancelAsync(request.RunId);

    public override async Task<DeleteRunResponse> DeleteRun(DeleteRunRequest request, ServerCallContext context)
    {
        RequestErrors.ThrowIfInvalid(InputLimits.Id(request.RunId, "run_id"));
        return new() { Deleted = await runs.DeleteAsync(request.RunId) };
    }

    public override Task<RunInfo> UpdateRunTags(UpdateRunTagsRequest request, ServerCallContext context) => runs.UpdateTagsAsync(request);

    public override async Task WatchRun(WatchRunRequest request, IServerStreamWriter<RunUpdate> responseStream, ServerCallContext context)
    {
        RequestErrors.ThrowIfInvalid(InputLimits.Id(request.RunId, "run_id"));
        var cancellationToken = context.CancellationToken;
        using var subscription = broadcaster.Subscribe(request.RunId);
        var run = await queries.GetRunAsync(request.RunId);
        await responseStream.WriteAsync(new RunUpdate { Run = run }, cancellationToken);
        var cursor = 0;

        while (!IsFinished(run.State))
        {
            // Wake on a change (or every few seconds, so a run resumed elsewhere is still followed).
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                await subscription.Signals.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            var update = new RunUpdate();
            if (runs.TryGetActive(request.RunId, out var live))
            {
                update.Run = runs.Snapshot(live);
                update.NewRecordIds.AddRange(live.ArrivedSince(ref cursor));
            }
            else
            {
                update.Run = await queries.GetRunAsync(request.RunId);
            }
            run = update.Run;
            await responseStream.WriteAsync(update, cancellationToken);
            // Coalesce bursts of predictions into one update per interval.
            await Task.Delay(options.Value.UpdateInterval, cancellationToken);
        }
    }

    private static bool IsFinished(RunState state) => state is RunState.Completed or RunState.Cancelled or RunState.Failed;

    public override Task<ListRunRecordsResponse> ListRunRecords(ListRunRecordsRequest request, ServerCallContext context) =>
        queries.ListRecordsAsync(request);

    public override Task<CompareRunsResponse> CompareRuns(CompareRunsRequest request, ServerCallContext context) =>
        queries.CompareAsync(request);

    public override Task<ExportRunResponse> ExportRun(ExportRunRequest request, ServerCallContext context) =>
        queries.ExportAsync(request);

    public override Task<ScorePredictionsResponse> ScorePredictions(ScorePredictionsRequest request, ServerCallContext context) =>
        queries.ScoreAsync(request);

    // ---------- one note, and the stack ----------

    public override Task<ExtractResponse> Extract(ExtractRequest request, ServerCallContext context)
    {
        // Shapes only (the Extractor knows its catalogue and text limit): malformed requests never leave this service.
        RequestErrors.ThrowIfInvalid(InputLimits.Id(request.Id, "id", optional: true)
            ?? InputLimits.Profile(request.Profile, "profile")
            ?? InputLimits.Code(request.Language, "language", "'fa' or 'en'")
            ?? InputLimits.Code(request.Strategy, "strategy", "'direct' or 'translate-first'")
            ?? InputLimits.FeatureKeys(request.FeatureKeys, "feature_keys"));
        return extractor.ExtractAsync(request, deadline: context.Deadline, cancellationToken: context.CancellationToken).ResponseAsync;
    }

    /// <summary>Walks the whole chain (Evaluator -> Extractor -> Translator -> Redis) and reports each part.</summary>
    public override async Task<GetSystemStatusResponse> GetSystemStatus(GetSystemStatusRequest request, ServerCallContext context)
    {
        var response = new GetSystemStatusResponse();
        response.Components.Add(new ComponentStatus { Name = "evaluator", Status = "Healthy", Detail = "answering" });
        response.Components.AddRange((await health.DependencyStatusAsync(context.CancellationToken))
            .Select(c => { c.Name = "evaluator/" + c.Name; return c; }));

        var started = Stopwatch.GetTimestamp();
        try
        {
            var info = await extractor.GetInfoAsync(new ExtractorInfoRequest { IncludeDependencies = true },
                deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: context.CancellationToken);
            response.Components.Add(new ComponentStatus
            {
                Name = "extractor",
                Status = "Healthy",
                Detail = $"{info.Engine.Engine} {info.Engine.ModelId}",
                LatencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            });
            response.Components.AddRange(info.Dependencies.Select(d => { var copy = d.Clone(); copy.Name = "extractor/" + d.Name; return copy; }));
            foreach (var hosted in info.Profiles)
            {
                response.EngineProfiles.Add(SystemProfile(hosted, info));
            }
        }
        catch (RpcException ex)
        {
            response.Components.Add(new ComponentStatus
            {
                Name = "extractor",
                Status = "Unhealthy",
                Detail = $"{ex.StatusCode}: the Extractor cannot be reached",
                LatencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            });
        }
        return response;
    }

    /// <summary>
    /// A profile as a run sees it: the Extractor's engine beside the Translator's profile of the same name (the
    /// Translator's default when it hosts no such name); translate-first is offered only while that translator answers.
    /// </summary>
    private static EngineProfile SystemProfile(ProfileStatus hosted, ExtractorInfoResponse info)
    {
        var translator = info.TranslatorProfiles.FirstOrDefault(t => t.Name == hosted.Name)
            ?? info.TranslatorProfiles.FirstOrDefault(t => t.IsDefault);
        var profile = new EngineProfile
        {
            Name = hosted.Name,
            ExtractorEngine = hosted.Engine,
            TranslatorEngine = translator?.Engine ?? (hosted.IsDefault ? info.TranslatorEngine : null),
            Status = hosted.Status,
            Detail = hosted.Detail,
            Concurrency = hosted.Concurrency,
            IsDefault = hosted.IsDefault,
        };
        var translates = translator is null || translator.Status == "Healthy";
        profile.Strategies.AddRange(info.Strategies.Where(s => translates || s != Strategies.TranslateFirst));
        if (profile.Strategies.Contains(Strategies.TranslateFirst))
        {
            profile.Strategies.Add(RunCoordinator.BothStrategies);
        }
        else if (translator is not null)
        {
            profile.Detail = string.IsNullOrEmpty(profile.Detail)
                ? $"translate-first unavailable: {translator.Detail}" : $"{profile.Detail}; translate-first unavailable: {translator.Detail}";
        }
        return profile;
    }

    /// <summary>NOT_FOUND detail: the field, never the id (callers' ids reach logs through some clients).</summary>
    public const string NoSuchDataset = "dataset_id: no such dataset";

    private async Task<DatasetInfo> RequireDatasetAsync(string datasetId) =>
        await store.GetDatasetAsync(datasetId)
        ?? throw new RpcException(new Status(StatusCode.NotFound, NoSuchDataset));
}
