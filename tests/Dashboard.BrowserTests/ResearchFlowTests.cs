using System.Net;
using ClinicalAspire.Contracts.Evaluator.V1;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ClinicalAspire.Dashboard.BrowserTests;

/// <summary>What a researcher does after a run: a shared compare link, its exports, 404s inside the app.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ResearchFlowTests(BrowserStackFixture stack, ITestOutputHelper output)
{
    [Fact]
    public async Task A_compare_link_loads_directly_survives_a_refresh_and_exports_its_table()
    {
        var (direct, translated) = await stack.PairedRunAsync("browser-compare");
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

    [Fact]
    public async Task A_confusion_cell_opens_its_records_filters_and_search_narrow_them_a_no_shows_its_cue_a_tag_finds_the_run_and_exports_carry_notes()
    {
        // One label flipped on purpose: the rule engine finds pain where the label says none, a false positive.
        var lines = File.ReadAllLines(PageHelpers.DemoSubset(12, "browser-errors.jsonl"));
        var flipped = Array.FindIndex(lines, l => l.Contains("\"pain\": true", StringComparison.Ordinal));
        lines[flipped] = lines[flipped].Replace("\"pain\": true", "\"pain\": false", StringComparison.Ordinal);
        var evaluator = new Evaluator.EvaluatorClient(stack.Channel("evaluator"));
        await evaluator.ImportDatasetAsync(new ImportDatasetRequest
        {
            DatasetId = "browser-errors", Format = "jsonl", Replace = true,
            Content = Google.Protobuf.ByteString.CopyFromUtf8(string.Join('\n', lines) + "\n"),
        });
        var run = await evaluator.StartRunAsync(new StartRunRequest { DatasetId = "browser-errors", Strategy = "direct" });

        var page = await stack.NewPageAsync();
        await page.StepsAsync(nameof(A_confusion_cell_opens_its_records_filters_and_search_narrow_them_a_no_shows_its_cue_a_tag_finds_the_run_and_exports_carry_notes), async () =>
        {
            await page.GotoInteractiveAsync($"runs/{run.RunId}");
            await page.Locator("[data-testid=run-progress][data-state=completed]").WaitForAsync(new() { Timeout = 240_000 });
            var pain = page.Locator("[data-testid=feature-row][data-feature=pain] [data-testid=feature-open]");
            await pain.WaitForAsync();

            // Keyboard only: the feature opens its confusion matrix, which comes into view.
            await pain.FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            var matrix = page.Locator("[data-testid=confusion-matrix][data-feature=pain]");
            await matrix.WaitForAsync();
            await page.WaitForFunctionAsync("() => { const r = document.getElementById('confusion-matrix').getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight; }");
            await page.ShotAsync("23-confusion-matrix");

            await page.ByTestId("cm-open-fp").FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForFunctionAsync("() => { const r = document.getElementById('records').getBoundingClientRect(); return r.top >= -1 && r.top < window.innerHeight; }");
            var rows = page.Locator("[data-testid=records-table] [data-testid=record-row]");
            await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=records-table] [data-testid=record-row]').length === 1");
            Assert.Equal(1, await rows.CountAsync());
            await page.ShotAsync("24-confusion-cell-records");

            // The cell's filter is the FP button's, pressed; TN from the keyboard adds the true negatives.
            Assert.Equal("true", await page.ByTestId("outcome-fp").GetAttributeAsync("aria-pressed"));
            var tn = int.Parse((await page.ByTestId("cm-tn").InnerTextAsync()).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(tn, 1, 11);
            await page.ByTestId("outcome-tn").FocusAsync();
            await page.Keyboard.PressAsync("Space");
            await page.WaitForFunctionAsync($"() => document.querySelectorAll('[data-testid=records-table] [data-testid=record-row]').length === {1 + tn}");
            Assert.Equal("true", await page.ByTestId("outcome-tn").GetAttributeAsync("aria-pressed"));
            Assert.Equal("true", await page.ByTestId("outcome-fp").GetAttributeAsync("aria-pressed"));
            await page.ShotAsync("25-outcome-filters");

            // The search, with Persian ک for the note's Arabic ك, finds the one note; it stays out of the address.
            await page.ReloadAsync();
            await page.WaitForInteractiveAsync();
            await page.Locator("[data-testid=records-table] [data-testid=record-row]").First.WaitForAsync();
            await page.ByTestId("records-search").PressSequentiallyAsync("اشتهاش کور");
            await page.WaitForFunctionAsync("() => { const rows = document.querySelectorAll('[data-testid=records-table] [data-testid=record-row]'); return rows.length === 1 && rows[0].dataset.recordId === 'demo-0004'; }");
            Assert.DoesNotContain("%", new Uri(page.Url).Query, StringComparison.Ordinal);
            await page.Locator("[data-testid=record-row][data-record-id=demo-0004] [data-testid=record-open]").ClickAsync();

            // A "no" says why: the struck mention with its reason in words, the cue, the legend.
            var struck = page.Locator("[data-testid=record-detail] [data-testid=discounted-mark]");
            await struck.First.WaitForAsync();
            var reasons = await page.Locator("[data-testid=record-detail] [data-testid=discounted-reason]").AllInnerTextsAsync();
            Assert.NotEmpty(reasons);
            Assert.All(reasons, r => Assert.Contains(r, new[] { "negated", "resolved", "in the past", "hypothetical", "someone else" }));
            Assert.NotEqual("none", await struck.First.EvaluateAsync<string>("e => getComputedStyle(e).textDecorationLine"));
            Assert.NotEmpty(await page.Locator("[data-testid=record-detail] [data-testid=feature-cue]").AllInnerTextsAsync());
            await page.ByTestId("discounted-legend").WaitForAsync();
            await page.ByTestId("record-detail").ScrollIntoViewIfNeededAsync();
            await page.ShotAsync("26-discounted-cue");
            await page.ByTestId("record-detail").ScreenshotAsync(new() { Path = BrowserStackFixture.Screenshot("26-discounted-cue-record") });
            var axe = await page.RunAxe();
            Assert.Empty(axe.Violations.Where(v => v.Impact is "critical" or "serious").Select(v => $"{v.Id}: {v.Nodes.FirstOrDefault()?.Html}"));

            // A tag added from the keyboard, then the run found by it on /runs.
            await page.ByTestId("run-tag-input").FillAsync("browser-flow");
            await page.ByTestId("run-tag-input").PressAsync("Enter");
            await page.Locator("[data-testid=run-tags-line] [data-testid=run-tag][data-tag=browser-flow]").WaitForAsync();
            await page.GotoInteractiveAsync("runs?tag=browser-flow");
            await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=run-row]').length === 1");
            Assert.EndsWith($"runs/{run.RunId}", await page.Locator("[data-testid=run-row] [data-testid=run-link]").GetAttributeAsync("href"), StringComparison.Ordinal);
            await page.ShotAsync("27-runs-by-tag");
            await page.GoBackAsync();
            await page.WaitForInteractiveAsync();

            var records = await page.RunAndWaitForDownloadAsync(() => page.ByTestId("export-records-csv").ClickAsync());
            var path = Path.Combine(BrowserStackFixture.OutputDirectory, "errors-" + records.SuggestedFilename);
            await records.SaveAsAsync(path);
            var bytes = await File.ReadAllBytesAsync(path);
            Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
            Assert.StartsWith("run_id,record_id,language,text,", System.Text.Encoding.UTF8.GetString(bytes[3..]), StringComparison.Ordinal);

            var metrics = await page.RunAndWaitForDownloadAsync(() => page.ByTestId("export-metrics-csv").ClickAsync());
            path = Path.Combine(BrowserStackFixture.OutputDirectory, "errors-" + metrics.SuggestedFilename);
            await metrics.SaveAsAsync(path);
            var text = (await File.ReadAllTextAsync(path)).TrimStart('\uFEFF').Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            Assert.Equal("setting,value", text[0]);
            Assert.Contains($"run_id,{run.RunId}", text);
            Assert.Contains("metric,median,q1,q3,ci_low,ci_high", text);
            Assert.Contains(text, l => l.StartsWith("macro_f1,", StringComparison.Ordinal));
            Assert.Contains(text, l => l.StartsWith("feature,tp,fp,tn,fn", StringComparison.Ordinal));
        });
    }
}

internal static class StackRuns
{
    /// <summary>A paired ("both") run on a small dataset, finished: the two run ids, direct first.</summary>
    public static async Task<(string Direct, string Translated)> PairedRunAsync(this BrowserStackFixture stack, string datasetId)
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
}
