using ClinicalAspire.Contracts.Evaluator.V1;
using Grpc.Core;
using Xunit.Abstractions;

namespace ClinicalAspire.Dashboard.BrowserTests;

/// <summary>Runs only when CLINICAL_BROWSER_BENCH=1: a measurement to read, not a check with a threshold.</summary>
public sealed class BrowserBenchmarkAttribute : FactAttribute
{
    public BrowserBenchmarkAttribute()
    {
        if (Environment.GetEnvironmentVariable("CLINICAL_BROWSER_BENCH") != "1")
        {
            Skip = "a benchmark: CLINICAL_BROWSER_BENCH=1 runs it (README: Benchmarks)";
        }
    }
}

/// <summary>
/// The issue's measurement: the Compare page of six runs of the study's size (1,221 records), loaded directly in a
/// fresh browser context as a shared link is; first contentful paint printed (and kept in measurements.txt).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ComparePageTiming(BrowserStackFixture stack, ITestOutputHelper output)
{
    [BrowserBenchmark]
    public async Task The_compare_page_of_six_runs_of_1221_records_first_paint_on_a_direct_load()
    {
        var evaluator = new Evaluator.EvaluatorClient(stack.Channel("evaluator"));
        await stack.StudySizeDatasetAsync("study-size");
        var ids = new List<string>();
        foreach (var (profile, strategy) in new[] { "rules", "rules-second" }.SelectMany(p => new[] { "direct", "translate-first", "direct" }.Select(s => (p, s))))
        {
            var run = await evaluator.StartRunAsync(new StartRunRequest { DatasetId = "study-size", EngineProfile = profile, Strategy = strategy, Label = $"bench {ids.Count + 1}" });
            await stack.FinishedAsync(run.RunId);
            ids.Add(run.RunId);
        }

        var (first, median, report) = await PageTiming.MeasureAsync(stack, $"compare?runs={string.Join(",", ids)}",
            "[data-testid=study-row] >> nth=5", "table of 6 runs shown", "compare page, 6 runs x 1,221 records, direct load", output,
            screenshot: "30-compare-six-study-size-runs");

        output.WriteLine($"first contentful paint: {median.FirstPaint:0} ms (median of the later opens; first open {first.FirstPaint:0} ms)");
        Assert.True(median.FirstPaint > 0, report);
    }
}

internal static class StudyRuns
{
    /// <summary>A dataset of the study's size, 1,221 records: the demo notes varied so that no two are identical.</summary>
    public static async Task StudySizeDatasetAsync(this BrowserStackFixture stack, string datasetId)
    {
        var demo = File.ReadLines(Path.Combine(PageHelpers.RepositoryRoot(), "data", "demo", "demo.jsonl")).Where(l => l.Length > 0).ToArray();
        var lines = Enumerable.Range(0, 1221).Select(i =>
        {
            var record = System.Text.Json.Nodes.JsonNode.Parse(demo[i % demo.Length])!.AsObject();
            record["id"] = $"study-{i:D4}";
            record["text"] = $"{record["text"]} ({i})";
            return record.ToJsonString();
        });
        await stack.ImportAsync(datasetId, string.Join('\n', lines));
    }

    /// <summary>The first <paramref name="records"/> notes of the bundled demo set as a dataset.</summary>
    public static Task DemoDatasetAsync(this BrowserStackFixture stack, string datasetId, int records) =>
        stack.ImportAsync(datasetId, File.ReadAllText(PageHelpers.DemoSubset(records, datasetId + ".jsonl")));

    private static async Task ImportAsync(this BrowserStackFixture stack, string datasetId, string jsonl)
    {
        var evaluator = new Evaluator.EvaluatorClient(stack.Channel("evaluator"));
        await evaluator.ImportDatasetAsync(new ImportDatasetRequest
        {
            DatasetId = datasetId, Format = "jsonl", Replace = true, Content = Google.Protobuf.ByteString.CopyFromUtf8(jsonl),
        });
    }

    /// <summary>Follows a run's stream until the Evaluator ends it (the run finished).</summary>
    public static async Task FinishedAsync(this BrowserStackFixture stack, string runId)
    {
        var evaluator = new Evaluator.EvaluatorClient(stack.Channel("evaluator"));
        using var watch = evaluator.WatchRun(new WatchRunRequest { RunId = runId });
        await foreach (var _ in watch.ResponseStream.ReadAllAsync())
        {
        }
    }
}
