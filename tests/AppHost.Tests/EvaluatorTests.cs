using System.Text;
using ClinicalAspire.Contracts.Evaluator.V1;
using Google.Protobuf;
using Grpc.Core;

namespace ClinicalAspire.AppHost.Tests;

/// <summary>Datasets, runs and metrics through the real stack (Evaluator -> Extractor -> Translator -> Redis).</summary>
public sealed class EvaluatorTests(StackFixture stack) : IClassFixture<StackFixture>
{
    private Evaluator.EvaluatorClient Client => new(stack.Channel("evaluator"));

    private static ByteString Jsonl(params string[] lines) => ByteString.CopyFrom(Encoding.UTF8.GetBytes(string.Join("\n", lines)));

    private const string PainNote = """{"id":"a","text":"بیمار از دیشب درد شدید شکم دارد.","language":"fa","translation":"The patient has had severe abdominal pain since last night.","labels":{"pain":true,"fever":false}}""";
    private const string FeverNote = """{"id":"b","text":"مادرم از صبح تب بالا دارد و لرز می‌کند.","language":"fa","labels":{"pain":false,"fever":true}}""";
    private const string EnglishNote = """{"id":"c","text":"He has no pain today and no fever.","language":"en","labels":{"pain":false,"fever":false}}""";

    [Fact]
    public async Task The_demo_dataset_is_there_on_first_start()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        DatasetInfo? demo = null;
        while (demo is null && DateTime.UtcNow < deadline)
        {
            demo = (await Client.ListDatasetsAsync(new ListDatasetsRequest())).Datasets.FirstOrDefault(d => d.DatasetId == "demo");
            await Task.Delay(200);
        }
        Assert.NotNull(demo);
        Assert.True(demo.RecordCount >= 300);
        Assert.Equal(13, demo.LabelledFeatures.Count);
    }

    [Fact]
    public async Task A_bad_upload_names_each_line_and_stores_nothing()
    {
        var request = new ImportDatasetRequest
        {
            DatasetId = "bad-upload",
            Format = "jsonl",
            Content = Jsonl(PainNote, "{not json", PainNote, """{"id":"d","text":"x","language":"fa","labels":{"nausea_x":true}}"""),
        };

        var validation = await Client.ValidateDatasetAsync(request);
        Assert.False(validation.Valid);
        Assert.Contains(validation.Errors, e => e.Line == 2);
        Assert.Contains(validation.Errors, e => e.Line == 3 && e.Message.Contains("duplicate", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(validation.Errors, e => e.Line == 4 && e.Message.Contains("unknown feature key at labels key 1") && !e.Message.Contains("nausea_x"));

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ImportDatasetAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("nothing was stored", error.Status.Detail);
        var datasets = await Client.ListDatasetsAsync(new ListDatasetsRequest());
        Assert.DoesNotContain(datasets.Datasets, d => d.DatasetId == "bad-upload");
    }

    [Fact]
    public async Task A_run_streams_progress_to_completion_with_the_studys_metrics()
    {
        var info = await Client.ImportDatasetAsync(new ImportDatasetRequest
        {
            DatasetId = "small", Name = "small", Format = "jsonl", Replace = true, Content = Jsonl(PainNote, FeverNote, EnglishNote),
        });
        Assert.Equal(3, info.RecordCount);

        var run = await Client.StartRunAsync(new StartRunRequest { DatasetId = "small", Strategy = "direct", Concurrency = 2 });
        var updates = new List<RunUpdate>();
        using (var watch = Client.WatchRun(new WatchRunRequest { RunId = run.RunId }))
        {
            await foreach (var update in watch.ResponseStream.ReadAllAsync())
            {
                updates.Add(update);
            }
        }
        var final = updates[^1].Run;
        Assert.Equal(RunState.Completed, final.State);
        Assert.Equal(3, final.Completed);
        Assert.Equal(3, final.Total);

        var pain = final.Metrics.Features.Single(f => f.Key == "pain");
        Assert.Equal(1, pain.Tp);
        Assert.Equal(2, pain.Tn);
        Assert.Equal(1.0, pain.MacroF1, 9);
        Assert.Equal(1000, final.Metrics.Summary.BootstrapResamples);
        Assert.InRange(final.Metrics.Summary.MacroF1.Median, final.Metrics.Summary.MacroF1.CiLow, final.Metrics.Summary.MacroF1.CiHigh);

        var records = await Client.ListRunRecordsAsync(new ListRunRecordsRequest { RunId = run.RunId, Limit = 10 });
        Assert.Equal(3, records.Total);
        var painRecord = records.Records.Single(r => r.RecordId == "a");
        var evidence = painRecord.Features.Single(f => f.Key == "pain").Evidence.Single();
        Assert.Contains("درد", evidence.Quote);

        var export = await Client.ExportRunAsync(new ExportRunRequest { RunId = run.RunId, Format = "csv", Content = "records" });
        var csv = export.Data.ToStringUtf8();
        // UTF-8 with a byte-order mark, so that spreadsheets read the Persian notes right.
        Assert.StartsWith("\uFEFFrun_id,record_id,language,text", csv, StringComparison.Ordinal);
        Assert.Equal(4, csv.Trim().Split('\n').Length);
    }

    [Fact]
    public async Task Both_strategies_run_as_a_pair_and_compare_with_a_paired_interval()
    {
        await Client.ImportDatasetAsync(new ImportDatasetRequest
        {
            DatasetId = "pair", Format = "jsonl", Replace = true, Content = Jsonl(PainNote, FeverNote, EnglishNote),
        });
        var first = await Client.StartRunAsync(new StartRunRequest { DatasetId = "pair", Strategy = "both" });
        Assert.False(string.IsNullOrEmpty(first.PairedRunId));

        foreach (var runId in new[] { first.RunId, first.PairedRunId })
        {
            using var watch = Client.WatchRun(new WatchRunRequest { RunId = runId });
            await foreach (var _ in watch.ResponseStream.ReadAllAsync())
            {
            }
        }
        var comparison = await Client.CompareRunsAsync(new CompareRunsRequest { RunIds = { first.RunId, first.PairedRunId } });
        var result = Assert.Single(comparison.Comparisons);
        Assert.Equal(3, result.PairedRecords);
        Assert.Equal(13, result.Deltas.Count);
        Assert.InRange(result.MedianMacroF1Delta, result.CiLow, result.CiHigh);
    }

    [Fact]
    public async Task Predictions_made_elsewhere_are_scored_against_a_stored_dataset()
    {
        await Client.ImportDatasetAsync(new ImportDatasetRequest
        {
            DatasetId = "scored", Format = "jsonl", Replace = true, Content = Jsonl(PainNote, FeverNote, EnglishNote),
        });
        var scored = await Client.ScorePredictionsAsync(new ScorePredictionsRequest
        {
            DatasetId = "scored",
            Predictions = Jsonl(
                """{"id":"a","predictions":{"pain":true,"fever":false}}""",
                """{"id":"b","predictions":{"pain":true,"fever":null}}""",
                """{"id":"c","output":"{Pain: False, Fever: False}"}"""),
        });
        Assert.Empty(scored.Errors);
        var pain = scored.Metrics.Features.Single(f => f.Key == "pain");
        Assert.Equal((1, 1, 1, 0), (pain.Tp, pain.Fp, pain.Tn, pain.Fn));
        var fever = scored.Metrics.Features.Single(f => f.Key == "fever");
        Assert.Equal(1, fever.Missing);
        Assert.Equal(1, fever.Fn);
    }

    [Fact]
    public async Task Unknown_things_are_named_by_their_field_in_the_error()
    {
        var missing = await Assert.ThrowsAsync<RpcException>(() => Client.StartRunAsync(new StartRunRequest { DatasetId = "nope" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Equal("dataset_id: no such dataset", missing.Status.Detail);

        var strategy = await Assert.ThrowsAsync<RpcException>(() => Client.StartRunAsync(new StartRunRequest { DatasetId = "demo", Strategy = "sideways" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, strategy.StatusCode);
    }
}
