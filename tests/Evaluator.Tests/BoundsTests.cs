using System.Text;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.TestSupport;
using Google.Protobuf;
using Grpc.Core;
using EvaluatorClient = ClinicalAspire.Contracts.Evaluator.V1.Evaluator.EvaluatorClient;
using ExtractRequest = ClinicalAspire.Contracts.Extractor.V1.ExtractRequest;

namespace ClinicalAspire.Evaluator.Tests;

/// <summary>
/// The Evaluator against what an attacker or a careless client sends: bounded labels and ids, uploads up to the documented
/// limit and a clear refusal past it, all-or-nothing imports of invalid UTF-8, malformed protobuf, and a flood of refused
/// extractions that neither gets retried nor opens the circuit breaker.
/// </summary>
public sealed class BoundsTests : IAsyncLifetime
{
    private const int MaxUploadBytes = 48 * 1024 * 1024;
    private FakeExtractor _extractor = null!;
    private RedisServerProcess _redis = null!;
    private ServiceProcess _evaluator = null!;
    private EvaluatorClient _client = null!;

    public async Task InitializeAsync()
    {
        _extractor = new FakeExtractor { Delay = TimeSpan.Zero };
        await _extractor.StartAsync();
        _redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer);
        _evaluator = await ResumeTests.StartEvaluatorAsync(_redis, _extractor);
        _client = new EvaluatorClient(_evaluator.Channel);
    }

    public async Task DisposeAsync()
    {
        await _evaluator.DisposeAsync();
        await _redis.DisposeAsync();
        await _extractor.DisposeAsync();
    }

    private static string Line(string id, string text = "بیمار درد دارد") =>
        "{\"id\":\"" + id + "\",\"text\":\"" + text + "\",\"language\":\"fa\",\"labels\":{\"pain\":true}}";

    private async Task ImportAsync(string datasetId, params string[] lines) =>
        await _client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = datasetId, Format = "jsonl", Content = ByteString.CopyFromUtf8(string.Join("\n", lines)) });

    private static async Task<string> RefusedAsync(StatusCode code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, error.StatusCode);
        Assert.True(error.Status.Detail.Length <= 1024, $"detail of {error.Status.Detail.Length} characters");
        return error.Status.Detail;
    }

    [Fact]
    public async Task Oversize_labels_and_ids_are_refused_naming_the_field_and_ListRuns_keeps_working()
    {
        await ImportAsync("bounds", Line("r1"), Line("r2"));
        var huge = new string('L', 25_000_000);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("label is 25,000,000 characters; at most 200",
                await RefusedAsync(StatusCode.InvalidArgument, () => _client.StartRunAsync(new StartRunRequest { DatasetId = "bounds", Label = huge }).ResponseAsync));
        }
        Assert.StartsWith("label has a bidirectional control character", await RefusedAsync(StatusCode.InvalidArgument,
            () => _client.StartRunAsync(new StartRunRequest { DatasetId = "bounds", Label = "safe\u202Eexe.txt" }).ResponseAsync));
        Assert.StartsWith("label has a control character", await RefusedAsync(StatusCode.InvalidArgument,
            () => _client.StartRunAsync(new StartRunRequest { DatasetId = "bounds", Label = "one\ntwo" }).ResponseAsync));
        var matrix = new StartMatrixRequest { DatasetId = "bounds", Label = huge };
        matrix.EngineProfiles.Add("default");
        await RefusedAsync(StatusCode.InvalidArgument, () => _client.StartMatrixAsync(matrix).ResponseAsync);

        var run = await _client.StartRunAsync(new StartRunRequest { DatasetId = "bounds", Label = "ordinary, کیفیت" });
        var listed = await _client.ListRunsAsync(new ListRunsRequest { Limit = 1_000_000 });
        Assert.Equal(run.RunId, Assert.Single(listed.Runs).RunId);

        var tenMegabytes = new string('r', 10 * 1024 * 1024);
        foreach (var bad in new[] { tenMegabytes, "run\u202E1", "run\n1", "../run" })
        {
            Assert.StartsWith("run_id must be 1-128 characters", await RefusedAsync(StatusCode.InvalidArgument,
                () => _client.GetRunAsync(new GetRunRequest { RunId = bad }).ResponseAsync));
        }
        Assert.Equal("run_id: no such run", await RefusedAsync(StatusCode.NotFound, () => _client.GetRunAsync(new GetRunRequest { RunId = "run-nope" }).ResponseAsync));
        Assert.StartsWith("dataset_id must be", await RefusedAsync(StatusCode.InvalidArgument,
            () => _client.GetDatasetAsync(new GetDatasetRequest { DatasetId = tenMegabytes }).ResponseAsync));
        Assert.StartsWith("matrix_id must be", await RefusedAsync(StatusCode.InvalidArgument,
            () => _client.GetMatrixAsync(new GetMatrixRequest { MatrixId = "m\u202E" }).ResponseAsync));
        var compare = new CompareRunsRequest();
        compare.RunIds.AddRange([run.RunId, "bad id"]);
        Assert.StartsWith("run_ids[1] must be", await RefusedAsync(StatusCode.InvalidArgument, () => _client.CompareRunsAsync(compare).ResponseAsync));
        Assert.StartsWith("description is", await RefusedAsync(StatusCode.InvalidArgument, () => _client.ImportDatasetAsync(new ImportDatasetRequest
        {
            DatasetId = "described", Format = "jsonl", Description = new string('d', 5000), Content = ByteString.CopyFromUtf8(Line("a")),
        }).ResponseAsync));
    }

    [Fact]
    public async Task Uploads_are_taken_up_to_the_documented_limit_and_refused_past_it_with_the_limit_named()
    {
        // About 40 MB: 1,550 notes of about 30 KB (the per-note limit is 32 KiB).
        var text = string.Concat(Enumerable.Repeat("بیمار درد دارد و تب ندارد. ", 560));
        var content = new StringBuilder();
        for (var i = 0; i < 1_550; i++)
        {
            content.Append(Line($"big-{i:D4}", text)).Append('\n');
        }
        var bytes = Encoding.UTF8.GetBytes(content.ToString());
        Assert.InRange(bytes.Length, 38_000_000, MaxUploadBytes);
        var info = await _client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "big", Format = "jsonl", Content = ByteString.CopyFrom(bytes) });
        Assert.Equal(1_550, info.RecordCount);
        await _client.DeleteDatasetAsync(new DeleteDatasetRequest { DatasetId = "big" });

        // One byte over Evaluator:MaxUploadBytes: the importer's rule, naming the setting.
        Assert.Equal("content is 50,331,649 bytes; the limit is 50,331,648 (Evaluator:MaxUploadBytes)", await RefusedAsync(StatusCode.InvalidArgument,
            () => _client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "over", Format = "jsonl", Content = ByteString.CopyFrom(new byte[MaxUploadBytes + 1]) }).ResponseAsync));
        // Far over: the request itself is refused before it is read, with the limit named (not UNKNOWN).
        Assert.Equal("the request message is larger than this service's limit of 50,397,184 bytes", await RefusedAsync(StatusCode.ResourceExhausted,
            () => _client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "far", Format = "jsonl", Content = ByteString.CopyFrom(new byte[60_000_000]) }).ResponseAsync));
        Assert.DoesNotContain((await _client.ListDatasetsAsync(new ListDatasetsRequest())).Datasets, d => d.DatasetId is "big" or "over" or "far");
    }

    [Fact]
    public async Task Invalid_utf8_and_bad_record_ids_store_nothing_and_name_the_line()
    {
        var bytes = Encoding.UTF8.GetBytes(Line("a") + "\n" + Line("b") + "\n").Concat(new byte[] { 0xFF, 0xFE })
            .Concat(Encoding.UTF8.GetBytes(Line("c") + "\n")).ToArray();
        var request = new ImportDatasetRequest { DatasetId = "utf", Format = "jsonl", Content = ByteString.CopyFrom(bytes) };
        var validation = await _client.ValidateDatasetAsync(request);
        Assert.False(validation.Valid);
        Assert.Equal(3, Assert.Single(validation.Errors).Line);
        Assert.Contains("line 3: invalid UTF-8", await RefusedAsync(StatusCode.InvalidArgument, () => _client.ImportDatasetAsync(request).ResponseAsync));
        await RefusedAsync(StatusCode.NotFound, () => _client.GetDatasetAsync(new GetDatasetRequest { DatasetId = "utf" }).ResponseAsync);

        var ids = new ImportDatasetRequest { DatasetId = "ids", Format = "jsonl", Content = ByteString.CopyFromUtf8(Line("ok-1") + "\n" + Line("bad\\u202Eid") + "\n" + Line("two words")) };
        var errors = (await _client.ValidateDatasetAsync(ids)).Errors;
        Assert.Equal([2, 3], errors.Select(e => e.Line));
        Assert.All(errors, e => Assert.StartsWith("id must be 1-128 characters", e.Message));
        await RefusedAsync(StatusCode.InvalidArgument, () => _client.ImportDatasetAsync(ids).ResponseAsync);
    }

    [Fact]
    public async Task Malformed_protobuf_is_invalid_argument()
    {
        var (status, message) = await RawGrpc.CallAsync(_evaluator.GrpcAddress, "clinical.evaluator.v1.Evaluator/GetRun", [0x0A, 0x10, 0x61]);
        Assert.Equal((int)StatusCode.InvalidArgument, status);
        Assert.Contains("not valid protobuf", message);
        // A message that is not the one announced by the frame header (5 bytes announced, 2 sent).
        (status, _) = await RawGrpc.CallAsync(_evaluator.GrpcAddress, "clinical.evaluator.v1.Evaluator/ListRuns", [0x08, 0x96, 0x01, 0x12]);
        Assert.Equal((int)StatusCode.InvalidArgument, status);
        Assert.NotNull(await _client.ListRunsAsync(new ListRunsRequest()));
    }

    [Fact]
    public async Task Refusals_the_client_cannot_even_read_are_not_retried_and_do_not_open_the_breaker()
    {
        for (var i = 0; i < 300; i++)
        {
            var flood = new ExtractRequest { Id = $"flood-{i}", Text = "بیمار درد دارد", Language = "fa", FeatureKeys = { FakeExtractor.FloodKey } };
            var error = await Assert.ThrowsAsync<RpcException>(() => _client.ExtractAsync(flood).ResponseAsync);
            Assert.NotEqual(StatusCode.OK, error.StatusCode);
            Assert.True(error.Status.Detail.Length <= 1024);
        }
        // Each refused call reached the Extractor once: no retries.
        Assert.Equal(300, _extractor.Calls.Count(c => c.Key.StartsWith("flood-", StringComparison.Ordinal)));
        Assert.All(_extractor.Calls.Where(c => c.Key.StartsWith("flood-", StringComparison.Ordinal)), c => Assert.Equal(1, c.Value));

        // The breaker stayed closed: ordinary calls keep succeeding.
        for (var i = 0; i < 10; i++)
        {
            var ok = await _client.ExtractAsync(new ExtractRequest { Id = $"ok-{i}", Text = "بیمار درد دارد", Language = "fa" });
            Assert.Equal(ClinicalAspire.Contracts.Extractor.V1.FeatureValue.True, ok.Features.Single(f => f.Key == "pain").Value);
        }
    }
}
