using System.Collections.Concurrent;
using ClinicalAspire.Contracts.Evaluator.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClinicalAspire.Cli.Tests;

/// <summary>A fake Evaluator on Kestrel (127.0.0.1, a free port, HTTP/2 cleartext), one per test class.</summary>
public sealed class FakeEvaluatorServer : IAsyncLifetime
{
    private WebApplication? _app;

    public FakeState State { get; } = new();

    public string Url { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(State);
        _app = builder.Build();
        _app.MapGrpcService<FakeEvaluator>();
        await _app.StartAsync();
        Url = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>What the fake stores and which calls it received.</summary>
public sealed class FakeState
{
    public ConcurrentDictionary<string, DatasetInfo> Datasets { get; } = new();

    public ConcurrentDictionary<string, RunInfo> Runs { get; } = new();

    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>The last ListRunRecords request (its filters).</summary>
    public ListRunRecordsRequest? LastRecordsRequest { get; set; }

    /// <summary>Runs started on this dataset never get past their first record.</summary>
    public const string SlowDataset = "slow";

    /// <summary>Runs started on this dataset fail.</summary>
    public const string FailingDataset = "failing";

    /// <summary>GetSystemStatus reports the Extractor unhealthy.</summary>
    public bool ExtractorDown { get; set; }

    public int CallCount(string method) => Calls.Count(c => c == method);

    public static Metrics SampleMetrics(int records)
    {
        var metrics = new Metrics
        {
            Records = records,
            Summary = new MetricsSummary
            {
                MacroF1 = Q(0.899, 0.850, 0.930, 0.820, 0.950),
                Mcc = Q(0.797, 0.700, 0.850, 0.650, 0.880),
                Sensitivity = Q(0.818, 0.750, 0.900, 0.700, 0.920),
                Specificity = Q(0.987, 0.960, 0.995, 0.950, 0.999),
                Precision = Q(0.800, 0.700, 0.900, 0.650, 0.920),
                Accuracy = Q(0.950, 0.900, 0.980, 0.880, 0.990),
                BootstrapResamples = 1000,
                BootstrapSeed = 42,
            },
        };
        metrics.Features.Add(new FeatureMetrics { Key = "pain", Tp = 2, Tn = 2, Precision = 1, Sensitivity = 1, Specificity = 1, MacroF1 = 1, Mcc = 1, Support = 4, Accuracy = 1 });
        metrics.Features.Add(new FeatureMetrics { Key = "fever", Tp = 1, Fn = 1, Tn = 2, Precision = 1, Sensitivity = 0.5, Specificity = 1, MacroF1 = 0.733, Mcc = 0.577, Missing = 1, Support = 4, Accuracy = 0.75 });
        return metrics;
    }

    private static Quartiles Q(double median, double q1, double q3, double low, double high) =>
        new() { Median = median, Q1 = q1, Q3 = q3, CiLow = low, CiHigh = high };
}

/// <summary>The Evaluator's contract with canned answers; records every call by name.</summary>
public sealed class FakeEvaluator(FakeState state) : Evaluator.EvaluatorBase
{
    public override Task<ValidateDatasetResponse> ValidateDataset(ImportDatasetRequest request, ServerCallContext context)
    {
        state.Calls.Enqueue(nameof(ValidateDataset));
        var lines = request.Content.ToStringUtf8().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var response = new ValidateDatasetResponse { RecordCount = lines.Length };
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Contains("BAD", StringComparison.Ordinal))
            {
                response.Errors.Add(new ValidationError { Line = i + 1, RecordId = $"r{i + 1}", Message = "labels.pain must be true, false or null" });
            }
        }

        response.Valid = response.Errors.Count == 0;
        response.Preview.Add(new DatasetRecord { Id = "r1", Text = "درد دارد", Language = "fa", Labels = { ["pain"] = Label.True } });
        return Task.FromResult(response);
    }

    public override Task<DatasetInfo> ImportDataset(ImportDatasetRequest request, ServerCallContext context)
    {
        state.Calls.Enqueue(nameof(ImportDataset));
        var id = request.DatasetId.Length > 0 ? request.DatasetId : request.Name.ToLowerInvariant();
        if (state.Datasets.ContainsKey(id) && !request.Replace)
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"dataset '{id}' already exists; use replace"));
        }

        var info = new DatasetInfo
        {
            DatasetId = id,
            Name = request.Name,
            Description = request.Description,
            RecordCount = request.Content.ToStringUtf8().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length,
            CreatedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero)),
            LabelledFeatures = { "pain", "fever" },
            Languages = { ["fa"] = 2 },
            ContentHash = "abc123",
        };
        state.Datasets[id] = info;
        return Task.FromResult(info);
    }

    public override Task<ListDatasetsResponse> ListDatasets(ListDatasetsRequest request, ServerCallContext context)
    {
        state.Calls.Enqueue(nameof(ListDatasets));
        var response = new ListDatasetsResponse();
        response.Datasets.AddRange(state.Datasets.Values.OrderBy(d => d.DatasetId, StringComparer.Ordinal));
        return Task.FromResult(response);
    }

    public override Task<GetDatasetResponse> GetDataset(GetDatasetRequest request, ServerCallContext context)
    {
        state.Calls.Enqueue(nameof(GetDataset));
        var info = Dataset(request.DatasetId);
        var response = new GetDatasetResponse { Info = info };
        for (var i = 0; i < Math.Min(request.Limit, info.RecordCount); i++)
        {
            response.Records.Add(new DatasetRecord
            {
                Id = $"r{i + 1}",
                Text = "بیمار درد شدید دارد",
                Language = "fa",
                Labels = { ["pain"] = Label.True, ["fever"] = Label.Unknown },
            });
        }

        return Task.FromResult(response);
    }

    public override Task<DeleteDatasetResponse> DeleteDataset(DeleteDatasetRequest request, ServerCallContext context)
    {
        state.Calls.Enqueue(nameof(DeleteDataset));
        return Task.FromResult(new DeleteDatasetResponse { Deleted = state.Datasets.TryRemove(request.DatasetId, out _) });
    }

    public override Task<RunInfo> StartRun(StartRunRequest request, ServerCallContext context)
    {
        state.Calls.Enqueue(nameof(StartRun));
        if (request.DatasetId != FakeState.FailingDataset)
        {
            Dataset(request.DatasetId);
        }

        var strategies = request.Strategy == "both" ? new[] { "direct", "translate-first" } : new[] { request.Strategy.Length > 0 ? request.Strategy : "direct" };
        var runs = strategies.Select(s => new RunInfo
        {
            RunId = $"run-{state.Runs.Count + Array.IndexOf(strategies, s) + 1}",
            DatasetId = request.DatasetId,
            Strategy = s,
            State = RunState.Pending,
            Total = 4,
            Label = request.Label,
            Tags = { request.Tags.Select(t => t.ToLowerInvariant()).Distinct() },
            Concurrency = request.Concurrency,
            ExcludeMissing = request.ExcludeMissing,
            ExtractorEngine = new Contracts.Common.V1.EngineInfo { Engine = "rules", ModelId = "rules-v1" },
        }).ToList();
        if (runs.Count == 2)
        {
            runs[0].PairedRunId = runs[1].RunId;
            runs[1].PairedRunId = runs[0].RunId;
        }

        foreach (var run in runs)
        {
            state.Runs[run.RunId] = run;
        }

        return Task.FromResult(runs[0]);
    }

    public override Task<RunInfo> GetRun(GetRunRequest request, ServerCallContext context)
    {
        state.Calls.Enqueue(nameof(GetRun));
        return Task.FromResult(Run(request.RunId));
    }

    public override Task<ListRunsResponse> ListRuns(ListRunsRequest request, ServerCallContext context)
    {
        state.Calls.Enqueue(nameof(ListRuns));
        var response = new ListRunsResponse();
        response.Runs.AddRange(state.Runs.Values
            .Where(r => (request.DatasetId.Length == 0 || r.DatasetId == request.DatasetId) && (request.Tag.Length == 0 || r.Tags.Contains(request.Tag)))
            .OrderBy(r => r.RunId, StringComparer.Ordinal));
        return Task.FromResult(response);
    }

    public override Task<DeleteRunResponse> DeleteRun(DeleteRunRequest request, ServerCallContext context)
    {
        state.Calls.Enqueue(nameof(DeleteRun));
        var run = Run(request.RunId);
        if (run.State is RunState.Pending or RunState.Running)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"run '{run.RunId}' is running; cancel it first, then delete it"));
        }
        return Task.FromResult(new DeleteRunResponse { Deleted = state.Runs.TryRemove(request.RunId, out _) });
    }

    public override Task<RunInfo> UpdateRunTags(UpdateRunTagsRequest request, ServerCallContext context)
    {
        state.Calls.Enqueue(nameof(UpdateRunTags));
        var run = Run(request.RunId).Clone();
        var tags = run.Tags.Where(t => !request.Remove.Contains(t)).Concat(request.Add.Select(t => t.ToLowerInvariant())).Distinct().ToArray();
        run.Tags.Clear();
        run.Tags.AddRange(tags);
        state.Runs[run.RunId] = run;
        return Task.FromResult(run);
    }

    public override Task<RunInfo> CancelRun(CancelRunRequest request, ServerCallContext context)
    {
        state.Calls.Enqueue(nameof(CancelRun));
        var run = Run(request.RunId).Clone();
        run.State = RunState.Cancelled;
        state.Runs[run.RunId] = run;
        return Task.FromResult(run);
    }

    /// <summary>The current state, then one update per record, then the end state with metrics.</summary>
    public override async Task WatchRun(WatchRunRequest request, IServerStreamWriter<RunUpdate> responseStream, ServerCallContext context)
    {
        state.Calls.Enqueue(nameof(WatchRun));
        var run = Run(request.RunId).Clone();
        await responseStream.WriteAsync(new RunUpdate { Run = run.Clone() });
        run.State = RunState.Running;
        for (var i = 1; i <= run.Total; i++)
        {
            await Task.Delay(run.DatasetId == FakeState.SlowDataset && i > 1 ? TimeSpan.FromMinutes(5) : TimeSpan.FromMilliseconds(10), context.CancellationToken);
            run.Completed = i;
            var update = new RunUpdate { Run = run.Clone() };
            update.NewRecordIds.Add($"r{i}");
            await responseStream.WriteAsync(update);
        }

        if (run.DatasetId == FakeState.FailingDataset)
        {
            run.State = RunState.Failed;
            run.Error = "extractor unavailable";
        }
        else
        {
            run.State = RunState.Completed;
            run.Metrics = FakeState.SampleMetrics(run.Total);
        }

        state.Runs[run.RunId] = run;
        await responseStream.WriteAsync(new RunUpdate { Run = run.Clone() });
    }

    public override Task<CompareRunsResponse> CompareRuns(CompareRunsRequest request, ServerCallContext context)
    {
        state.Calls.Enqueue(nameof(CompareRuns));
        if (request.RunIds.Count < 2)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "CompareRuns needs at least two run ids"));
        }

        var response = new CompareRunsResponse();
        response.Runs.AddRange(request.RunIds.Select(Run));
        foreach (var id in request.RunIds.Skip(1))
        {
            response.Comparisons.Add(new RunComparison
            {
                BaselineRunId = request.RunIds[0],
                RunId = id,
                Deltas = { new FeatureDelta { Key = "pain", MacroF1 = 0.05, Mcc = 0.1, Sensitivity = -0.02, Specificity = 0.01 } },
                MedianMacroF1Delta = 0.013,
                CiLow = -0.01,
                CiHigh = 0.04,
                PairedRecords = 4,
            });
        }

        return Task.FromResult(response);
    }

    public override Task<ExportRunResponse> ExportRun(ExportRunRequest request, ServerCallContext context)
    {
        state.Calls.Enqueue(nameof(ExportRun));
        Run(request.RunId);
        var data = request.Format == "csv" ? "feature,macro_f1\npain,1.000\n" : "{\"features\":[{\"key\":\"pain\"}]}";
        return Task.FromResult(new ExportRunResponse
        {
            FileName = $"{request.RunId}-{request.Content}.{request.Format}",
            ContentType = request.Format == "csv" ? "text/csv" : "application/json",
            Data = ByteString.CopyFromUtf8(data),
        });
    }

    public override Task<ScorePredictionsResponse> ScorePredictions(ScorePredictionsRequest request, ServerCallContext context)
    {
        state.Calls.Enqueue(nameof(ScorePredictions));
        var dataset = Dataset(request.DatasetId);
        var lines = request.Predictions.ToStringUtf8().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        var response = new ScorePredictionsResponse { Metrics = FakeState.SampleMetrics(dataset.RecordCount), MatchedRecords = lines };
        response.Metrics.ExcludeMissing = request.ExcludeMissing;
        response.Errors.Add(new ValidationError { Line = 3, RecordId = "zz", Message = "no record with this id" });
        return Task.FromResult(response);
    }

    public override Task<ListRunRecordsResponse> ListRunRecords(ListRunRecordsRequest request, ServerCallContext context)
    {
        state.Calls.Enqueue(nameof(ListRunRecords));
        state.LastRecordsRequest = request;
        Run(request.RunId);
        var response = new ListRunRecordsResponse { Total = 4 };
        response.Records.Add(new RecordPrediction
        {
            RecordId = "r1",
            Language = "fa",
            Labels = { ["pain"] = Label.True, ["fever"] = Label.False },
            Features =
            {
                new RecordFeature { Key = "pain", Value = "false" },
                new RecordFeature { Key = "fever", Value = "true", Evidence = { new EvidenceSpan { Start = 0, End = 2, Quote = "تب", Source = "text" } } },
            },
        });
        return Task.FromResult(response);
    }

    public override Task<GetSystemStatusResponse> GetSystemStatus(GetSystemStatusRequest request, ServerCallContext context)
    {
        state.Calls.Enqueue(nameof(GetSystemStatus));
        var response = new GetSystemStatusResponse
        {
            Components =
            {
                new Contracts.Common.V1.ComponentStatus { Name = "evaluator", Status = "Healthy", Detail = "answering" },
                new Contracts.Common.V1.ComponentStatus { Name = "extractor", Status = state.ExtractorDown ? "Unhealthy" : "Healthy", Detail = "rules rules-v1", LatencyMs = 3.2 },
            },
        };
        response.EngineProfiles.Add(new EngineProfile
        {
            Name = "default",
            ExtractorEngine = new Contracts.Common.V1.EngineInfo { Engine = "rules", ModelId = "rules-v1" },
            Strategies = { "direct", "translate-first", "both" },
        });
        return Task.FromResult(response);
    }

    private DatasetInfo Dataset(string id) =>
        state.Datasets.TryGetValue(id, out var info)
            ? info
            : throw new RpcException(new Status(StatusCode.NotFound, $"dataset '{id}' does not exist"));

    private RunInfo Run(string id) =>
        state.Runs.TryGetValue(id, out var run)
            ? run
            : throw new RpcException(new Status(StatusCode.NotFound, $"run '{id}' does not exist"));
}
