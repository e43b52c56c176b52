using System.Text;
using System.Text.Json;
using ClinicalAspire.Contracts.Common.V1;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.TestSupport;
using Google.Protobuf;
using Grpc.Core;
using EvaluatorClient = ClinicalAspire.Contracts.Evaluator.V1.Evaluator.EvaluatorClient;

namespace ClinicalAspire.Evaluator.Tests;

/// <summary>A matrix of runs (profiles x strategies) over real gRPC, with every model answer kept.</summary>
public sealed class MatrixTests
{
    private static ByteString Dataset() => ByteString.CopyFrom(Encoding.UTF8.GetBytes(string.Join("\n",
        Enumerable.Range(1, 20).Select(i => "{\"id\":\"m" + i.ToString("D2") + "\",\"text\":\"" + (i % 2 == 0 ? "بیمار درد دارد" : "بیمار آرام است")
            + (i % 5 == 0 ? " cut" : "") + "\",\"language\":\"fa\",\"labels\":{\"pain\":" + (i % 2 == 0 ? "true" : "false") + ",\"fever\":false}}"))));

    [Fact]
    public async Task A_matrix_runs_every_profile_and_strategy_keeps_the_model_answers_and_refuses_what_cannot_run()
    {
        await using var extractor = new FakeExtractor { Delay = TimeSpan.FromMilliseconds(1) };
        extractor.Profiles.Add(new ProfileStatus { Name = "qwen", Status = "Healthy", Concurrency = 16, Engine = new EngineInfo { Engine = "openai" } });
        extractor.Profiles.Add(new ProfileStatus { Name = "down", Status = "Unhealthy", Detail = "model server http://vllm:8000/v1 is unreachable" });
        await extractor.StartAsync();
        await using var redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer);
        await using var evaluator = await ResumeTests.StartEvaluatorAsync(redis, extractor);
        var client = new EvaluatorClient(evaluator.Channel);
        await client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "matrix", Format = "jsonl", Content = Dataset() });

        var request = new StartMatrixRequest { DatasetId = "matrix", Strategy = "both", Label = "study table" };
        request.EngineProfiles.AddRange(["default", "qwen"]);
        var matrix = await client.StartMatrixAsync(request);
        Assert.Equal(4, matrix.Runs.Count);
        Assert.Equal([("default", "direct"), ("default", "translate-first"), ("qwen", "direct"), ("qwen", "translate-first")],
            matrix.Runs.Select(r => (r.EngineProfile, r.Strategy)).ToArray());
        Assert.All(matrix.Runs, r => Assert.Equal(matrix.MatrixId, r.MatrixId));
        Assert.Equal(16, matrix.Runs[2].Concurrency); // the profile's own

        var finished = new List<RunInfo>();
        foreach (var run in matrix.Runs)
        {
            finished.Add(await ResumeTests.WaitForStateAsync(client, run.RunId));
        }
        Assert.All(finished, r => Assert.Equal(RunState.Completed, r.State));
        Assert.All(finished, r => Assert.Equal(4, r.TruncatedOutputs));
        var fever = finished[0].Metrics.Features.Single(f => f.Key == "fever");
        Assert.Equal((4, 4, 0), (fever.Missing, fever.MissingTruncated, fever.MissingFailed));
        Assert.Equal(4, (await client.GetMatrixAsync(new GetMatrixRequest { MatrixId = matrix.MatrixId })).Runs.Count);

        // The export holds every model answer exactly as the Extractor returned it.
        var export = await client.ExportRunAsync(new ExportRunRequest { RunId = finished[2].RunId, Format = "json", Content = "records" });
        var records = JsonDocument.Parse(export.Data.ToByteArray()).RootElement.EnumerateArray().ToArray();
        Assert.Equal(20, records.Length);
        var cut = records.Single(r => r.GetProperty("recordId").GetString() == "m10").GetProperty("modelCalls")[0];
        Assert.Equal(("length", 512), (cut.GetProperty("finishReason").GetString(), cut.GetProperty("completionTokens").GetInt32()));
        Assert.Equal("Pain: True, Fever: False", cut.GetProperty("rawOutput").GetString());
        Assert.All(extractor.Calls.Keys, id => Assert.StartsWith("m", id));

        // An unknown profile, or one whose model cannot answer, starts nothing.
        var before = (await client.ListRunsAsync(new ListRunsRequest { Limit = 100 })).Runs.Count;
        var unknown = new StartMatrixRequest { DatasetId = "matrix" };
        unknown.EngineProfiles.AddRange(["qwen", "llama"]);
        var error = await Assert.ThrowsAsync<RpcException>(() => client.StartMatrixAsync(unknown).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("default, qwen, down", error.Status.Detail);
        var down = await Assert.ThrowsAsync<RpcException>(() => client.StartRunAsync(new StartRunRequest { DatasetId = "matrix", EngineProfile = "down" }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, down.StatusCode);
        Assert.Contains("unreachable", down.Status.Detail);
        Assert.Equal(before, (await client.ListRunsAsync(new ListRunsRequest { Limit = 100 })).Runs.Count);
    }
}
