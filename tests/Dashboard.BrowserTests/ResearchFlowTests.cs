using System.Net;
using ClinicalAspire.Contracts.Evaluator.V1;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ClinicalAspire.Dashboard.BrowserTests;

/// <summary>What a researcher does after a run: a shared compare link, its exports, 404s inside the app.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ResearchFlowTests(BrowserStackFixture stack, ITestOutputHelper output)
{
    /// <summary>A paired ("both") run on a small dataset, finished: the two run ids, direct first.</summary>
    private async Task<(string Direct, string Translated)> PairedRunAsync(string datasetId)
    {
        var evaluator = new Evaluator.EvaluatorClient(stack.Channel("evaluator"));
        await evaluator.ImportDatasetAsync(new ImportDatasetRequest
        {
            DatasetId = datasetId, Format = "jsonl", Replace = true,
            Content = Google.Protobuf.ByteString.CopyFromUtf8(File.ReadAllText(PageHelpers.DemoSubset(12, datasetId + ".jsonl"))),
        });
        var run = await evaluator.StartRunAsync(new StartRunRequest { DatasetId = datasetId, Strategy = "both", Label = "shared-link" });
        var ids = new[] { run.RunId, run.PairedRunId };
        var until = DateTime.UtcNow.AddMinutes(4);
        while (true)
        {
            var runs = await Task.WhenAll(ids.Select(async id => await evaluator.GetRunAsync(new GetRunRequest { RunId = id })));
            if (runs.All(r => r.State == RunState.Completed))
            {
                var direct = runs.Single(r => r.Strategy == "direct");
                return (direct.RunId, runs.Single(r => r != direct).RunId);
            }
            Assert.True(DateTime.UtcNow < until, "the paired run did not finish in 4 minutes");
            await Task.Delay(500);
        }
    }

    [Fact]
    public async Task A_compare_link_loads_directly_survives_a_refresh_and_exports_its_table()
    {
        var (direct, translated) = await PairedRunAsync("browser-compare");
        var link = $"compare?runs={direct},{translated}&baseline={translated}";

        // The server answers the link itself: 200, no redirect, the table in the HTML.
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = stack.DashboardUrl };
        using var response = await http.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"study-row\"", html, StringComparison.Ordinal);

        var page = await stack.NewPageAsync();
        await page.StepsAsync(nameof(A_compare_link_loads_directly_survives_a_refresh_and_exports_its_table), async () =>
        {
            var started = DateTime.UtcNow;
            var first = await page.GotoAsync(link);
            Assert.Equal(200, first!.Status);
            var rows = page.Locator("[data-testid=study-table] [data-testid=study-row]");
            await rows.Nth(1).WaitForAsync();
            output.WriteLine($"compare link: two rows visible {(DateTime.UtcNow - started).TotalMilliseconds:0} ms after the request");
            Assert.Equal(translated, await rows.First.GetAttributeAsync("data-run-id"));
            Assert.Equal("true", await rows.First.GetAttributeAsync("data-baseline"));
            var names = await rows.Locator("th").AllInnerTextsAsync();
            Assert.Equal(2, names.Distinct().Count());
            await page.ShotAsync("20-compare-direct-load");

            var again = await page.ReloadAsync();
            Assert.Equal(200, again!.Status);
            await rows.Nth(1).WaitForAsync();
            await page.WaitForInteractiveAsync();
            Assert.EndsWith(link, page.Url, StringComparison.Ordinal);
            await page.ByTestId("bilingual-summary").WaitForAsync();

            var download = await page.RunAndWaitForDownloadAsync(() => page.ByTestId("compare-export-csv").ClickAsync());
            var saved = Path.Combine(BrowserStackFixture.OutputDirectory, "compare-" + download.SuggestedFilename);
            await download.SaveAsAsync(saved);
            var lines = (await File.ReadAllLinesAsync(saved)).Where(l => l.Length > 0).ToArray();
            Assert.Equal(3, lines.Length);
            var header = lines[0].Split(',');
            Assert.Equal("true", lines[1].Split(',')[Array.IndexOf(header, "baseline")]);
            Assert.Equal(direct, lines[2].Split(',')[Array.IndexOf(header, "run_id")]);

            download = await page.RunAndWaitForDownloadAsync(() => page.ByTestId("compare-export-latex").ClickAsync());
            saved = Path.Combine(BrowserStackFixture.OutputDirectory, "compare-" + download.SuggestedFilename);
            await download.SaveAsAsync(saved);
            var tex = await File.ReadAllTextAsync(saved);
            Assert.Contains("\\begin{tabular}", tex, StringComparison.Ordinal);
            Assert.Contains(direct.Replace("_", "\\_", StringComparison.Ordinal), tex, StringComparison.Ordinal);
            await page.ShotAsync("21-compare-after-refresh");
        });
    }

    [Fact]
    public async Task A_missing_run_or_page_answers_404_inside_the_app_frame()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = stack.DashboardUrl };
        foreach (var path in new[] { "runs/no-such-run", "datasets/no-such-dataset", "no/such/page" })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("data-testid=\"nav\"", html, StringComparison.Ordinal);
        }

        var page = await stack.NewPageAsync();
        await page.StepsAsync(nameof(A_missing_run_or_page_answers_404_inside_the_app_frame), async () =>
        {
            var response = await page.GotoAsync("no/such/page");
            Assert.Equal(404, response!.Status);
            await page.ByTestId("not-found").WaitForAsync();
            await page.ByTestId("nav").WaitForAsync();
            await page.ShotAsync("22-not-found");
        });
    }
}
