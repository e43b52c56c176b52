using System.Threading.Channels;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Contracts.Extractor.V1;
using Grpc.Core;

namespace ClinicalAspire.Dashboard.Tests;

/// <summary>
/// The generated Evaluator client with its methods overridden: unary answers come from delegates,
/// WatchRun streams whatever the test writes into a channel.
/// </summary>
public sealed class FakeEvaluator : Evaluator.EvaluatorClient
{
    public Func<GetRunRequest, RunInfo> OnGetRun { get; set; } = request => new RunInfo { RunId = request.RunId, State = RunState.Pending };
    public Func<ListRunRecordsRequest, ListRunRecordsResponse> OnListRunRecords { get; set; } = _ => new ListRunRecordsResponse();
    public Func<ImportDatasetRequest, ValidateDatasetResponse> Validate { get; set; } = _ => new ValidateDatasetResponse { Valid = true };
    public Func<ImportDatasetRequest, DatasetInfo> Import { get; set; } = request => new DatasetInfo { DatasetId = request.Name };
    public Func<ListDatasetsResponse> OnListDatasets { get; set; } = () => new ListDatasetsResponse();
    public Func<ExtractRequest, ExtractResponse> ExtractNote { get; set; } = _ => new ExtractResponse();

    public Func<GetSystemStatusResponse> OnGetSystemStatus { get; set; } = () => new GetSystemStatusResponse();
    public Func<StartRunRequest, RunInfo> OnStartRun { get; set; } = request => new RunInfo { RunId = "run-new", DatasetId = request.DatasetId };
    public Func<StartMatrixRequest, MatrixInfo> OnStartMatrix { get; set; } = request => new MatrixInfo { MatrixId = "matrix-new", DatasetId = request.DatasetId };
    public Func<GetMatrixRequest, MatrixInfo> OnGetMatrix { get; set; } = request => throw new RpcException(new Status(StatusCode.NotFound, "no matrix"));
    public Func<CompareRunsRequest, CompareRunsResponse> OnCompareRuns { get; set; } = _ => new CompareRunsResponse();
    public Func<ListRunsRequest, ListRunsResponse> OnListRuns { get; set; } = _ => new ListRunsResponse();
    public List<string> DeletedRuns { get; } = [];
    public List<UpdateRunTagsRequest> TagUpdates { get; } = [];

    /// <summary>The run after a tag change (by default a run with the added tags only).</summary>
    public Func<UpdateRunTagsRequest, RunInfo> OnUpdateRunTags { get; set; } = request => new RunInfo { RunId = request.RunId, Tags = { request.Add } };

    public List<StartRunRequest> StartedRuns { get; } = [];
    public List<StartMatrixRequest> StartedMatrices { get; } = [];
    public List<CompareRunsRequest> Comparisons { get; } = [];
    public int MatrixRequests;

    public List<ImportDatasetRequest> Imported { get; } = [];
    public List<ListRunRecordsRequest> RecordRequests { get; } = [];

    /// <summary>One channel per WatchRun call, in order; the test writes updates (or completes with an error).</summary>
    public List<Channel<RunUpdate>> Streams { get; } = [];
    public List<CancellationToken> StreamTokens { get; } = [];
    public TaskCompletionSource<Channel<RunUpdate>> StreamOpened { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override AsyncUnaryCall<RunInfo> GetRunAsync(GetRunRequest request, CallOptions options) => Unary(() => OnGetRun(request));

    public override AsyncUnaryCall<ListRunRecordsResponse> ListRunRecordsAsync(ListRunRecordsRequest request, CallOptions options)
    {
        lock (RecordRequests)
        {
            RecordRequests.Add(request);
        }
        return Unary(() => OnListRunRecords(request));
    }

    public override AsyncUnaryCall<ValidateDatasetResponse> ValidateDatasetAsync(ImportDatasetRequest request, CallOptions options) => Unary(() => Validate(request));

    public override AsyncUnaryCall<DatasetInfo> ImportDatasetAsync(ImportDatasetRequest request, CallOptions options)
    {
        Imported.Add(request);
        return Unary(() => Import(request));
    }

    public override AsyncUnaryCall<ListDatasetsResponse> ListDatasetsAsync(ListDatasetsRequest request, CallOptions options) => Unary(OnListDatasets);

    public override AsyncUnaryCall<GetSystemStatusResponse> GetSystemStatusAsync(GetSystemStatusRequest request, CallOptions options) => Unary(OnGetSystemStatus);

    public override AsyncUnaryCall<RunInfo> StartRunAsync(StartRunRequest request, CallOptions options)
    {
        StartedRuns.Add(request);
        return Unary(() => OnStartRun(request));
    }

    public override AsyncUnaryCall<MatrixInfo> StartMatrixAsync(StartMatrixRequest request, CallOptions options)
    {
        StartedMatrices.Add(request);
        return Unary(() => OnStartMatrix(request));
    }

    public override AsyncUnaryCall<MatrixInfo> GetMatrixAsync(GetMatrixRequest request, CallOptions options)
    {
        Interlocked.Increment(ref MatrixRequests);
        return Unary(() => OnGetMatrix(request));
    }

    public override AsyncUnaryCall<CompareRunsResponse> CompareRunsAsync(CompareRunsRequest request, CallOptions options)
    {
        lock (Comparisons)
        {
            Comparisons.Add(request);
        }
        return Unary(() => OnCompareRuns(request));
    }

    public override AsyncUnaryCall<ListRunsResponse> ListRunsAsync(ListRunsRequest request, CallOptions options) => Unary(() => OnListRuns(request));

    public override AsyncUnaryCall<DeleteRunResponse> DeleteRunAsync(DeleteRunRequest request, CallOptions options)
    {
        DeletedRuns.Add(request.RunId);
        return Unary(() => new DeleteRunResponse { Deleted = true });
    }

    public override AsyncUnaryCall<RunInfo> UpdateRunTagsAsync(UpdateRunTagsRequest request, CallOptions options)
    {
        TagUpdates.Add(request);
        return Unary(() => OnUpdateRunTags(request));
    }

    public override AsyncUnaryCall<ExtractResponse> ExtractAsync(ExtractRequest request, CallOptions options) => Unary(() => ExtractNote(request));

    /// <summary>A dataset's page of records (by default none).</summary>
    public Func<GetDatasetRequest, GetDatasetResponse> OnGetDataset { get; set; } =
        request => new GetDatasetResponse { Info = new DatasetInfo { DatasetId = request.DatasetId } };

    public override AsyncUnaryCall<GetDatasetResponse> GetDatasetAsync(GetDatasetRequest request, CallOptions options) => Unary(() => OnGetDataset(request));

    public override AsyncServerStreamingCall<RunUpdate> WatchRun(WatchRunRequest request, CallOptions options)
    {
        var channel = Channel.CreateUnbounded<RunUpdate>();
        lock (Streams)
        {
            Streams.Add(channel);
            StreamTokens.Add(options.CancellationToken);
        }
        var opened = StreamOpened;
        StreamOpened = new(TaskCreationOptions.RunContinuationsAsynchronously);
        opened.TrySetResult(channel);
        return new AsyncServerStreamingCall<RunUpdate>(
            new ChannelStreamReader(channel.Reader),
            Task.FromResult(new Metadata()),
            () => Status.DefaultSuccess,
            () => [],
            () => { });
    }

    public static AsyncUnaryCall<T> Unary<T>(Func<T> answer)
    {
        Task<T> response;
        try
        {
            response = Task.FromResult(answer());
        }
        catch (RpcException ex)
        {
            response = Task.FromException<T>(ex);
        }
        return new AsyncUnaryCall<T>(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    private sealed class ChannelStreamReader(ChannelReader<RunUpdate> reader) : IAsyncStreamReader<RunUpdate>
    {
        public RunUpdate Current { get; private set; } = null!;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            try
            {
                if (await reader.WaitToReadAsync(cancellationToken) && reader.TryRead(out var update))
                {
                    Current = update;
                    return true;
                }
                return false;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw new RpcException(new Status(StatusCode.Cancelled, "Call canceled by the client."));
            }
        }
    }
}
