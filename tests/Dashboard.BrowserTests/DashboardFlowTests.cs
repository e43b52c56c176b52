using System.Diagnostics;
using ClinicalAspire.Contracts.Evaluator.V1;
using Grpc.Core;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ClinicalAspire.Dashboard.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class DashboardFlowTests(BrowserStackFixture stack, ITestOutputHelper output)
{
    private static readonly float RunTimeout = (float)TimeSpan.FromMinutes(4).TotalMilliseconds;

    [Fact]
    public async Task An_uploaded_dataset_runs_live_and_its_records_show_their_evidence()
    {
        var page = await stack.NewPageAsync();
        await page.StepsAsync("An_uploaded_dataset_runs_live_and_its_records_show_their_evidence", async () =>
        {
            var pageErrors = new List<string>();
            page.PageError += (_, error) => pageErrors.Add(error);

            // Upload: checked first, previewed, then stored on confirm.
            await page.GotoInteractiveAsync("datasets");
            await page.UploadAsync("upload-input", PageHelpers.DemoSubset(12, "browser-e2e.jsonl"));
            await page.ByTestId("upload-valid").WaitForAsync();
            Assert.Contains("12 records", await page.ByTestId("upload-valid").InnerTextAsync());
            Assert.True(await page.Locator("[data-testid=upload-preview] [data-testid=dataset-record]").CountAsync() > 0);
            Assert.Equal("rtl", await page.Locator("[data-testid=upload-preview] [data-testid=dataset-note]").First.GetAttributeAsync("dir"));
            await page.ShotAsync("01-upload-preview");
            await page.ByTestId("upload-import").ClickAsync();
            await page.WaitForURLAsync("**/datasets/browser-e2e");
            await page.ByTestId("dataset-preview").Locator("[data-testid=dataset-record]").First.WaitForAsync();
            await page.ShotAsync("02-datasets");

            // New run on it: both strategies, paired.
            await page.GotoInteractiveAsync("runs/new?dataset=browser-e2e");
            await page.GetByText("Both (paired runs, compared)").ClickAsync();
            await page.ByTestId("run-profile-engines").WaitForAsync();
            await page.ShotAsync("02b-new-run");
            await page.ByTestId("run-start").ClickAsync();
            await page.WaitForURLAsync("**/runs/*");
            await page.WaitForInteractiveAsync();
            var runId = page.Url.Split('/').Last();

            // Live to the end: progress, the summary, the per-feature table.
            await page.Locator("[data-testid=run-progress][data-percent='100']").WaitForAsync(new() { Timeout = RunTimeout });
            await page.Locator("[data-testid=run-progress][data-state=completed]").WaitForAsync(new() { Timeout = RunTimeout });
            await page.ByTestId("feature-row").Nth(12).WaitForAsync();
            Assert.Equal(13, await page.ByTestId("feature-row").CountAsync());
            Assert.Equal(6, await page.Locator("[data-testid=summary-table] [data-testid=summary-row]").CountAsync());
            await page.ShotAsync("03-run-completed");

            // A record with its evidence highlighted.
            var rows = page.ByTestId("record-open");
            await rows.First.WaitForAsync();
            var marks = page.Locator("[data-testid=record-detail] mark[data-testid=evidence-mark]");
            for (var i = 0; i < await rows.CountAsync() && await marks.CountAsync() == 0; i++)
            {
                await rows.Nth(i).ClickAsync();
                await page.ByTestId("record-detail").WaitForAsync();
            }
            Assert.True(await marks.CountAsync() > 0, "no record of the run showed highlighted evidence");
            var quote = await marks.First.InnerTextAsync();
            Assert.False(string.IsNullOrWhiteSpace(quote));
            await page.ByTestId("record-detail").ScreenshotAsync(new() { Path = BrowserStackFixture.Screenshot("04-record-evidence") });

            // A feature's confusion matrix on click.
            await page.Locator("[data-testid=feature-row][data-feature=pain]").ClickAsync();
            await page.Locator("[data-testid=confusion-matrix][data-feature=pain]").WaitForAsync();

            // Export the records.
            var download = await page.RunAndWaitForDownloadAsync(() => page.ByTestId("export-records-csv").ClickAsync());
            Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.OrdinalIgnoreCase);
            await download.SaveAsAsync(Path.Combine(BrowserStackFixture.OutputDirectory, "export-" + download.SuggestedFilename));

            // The paired run: direct vs translate-first.
            var bilingual = page.ByTestId("bilingual-link");
            if (await bilingual.CountAsync() > 0)
            {
                await bilingual.ClickAsync();
                await page.WaitForURLAsync("**/compare?runs=*");
                await page.WaitForInteractiveAsync();
                await page.Locator("[data-testid=study-table] [data-testid=study-row]").Nth(1).WaitForAsync(new() { Timeout = RunTimeout });
                await page.ByTestId("delta-table").First.WaitForAsync();
                await page.ShotAsync("05-compare");
            }
            else
            {
                output.WriteLine($"run {runId} has no paired run: the compare page was not checked");
            }

            Assert.Empty(await page.ByTestId("page-error").AllAsync());
            Assert.Empty(pageErrors);
        });
    }

    [Fact]
    public async Task An_invalid_upload_lists_its_errors_and_stores_nothing()
    {
        var page = await stack.NewPageAsync();
        await page.StepsAsync("An_invalid_upload_lists_its_errors_and_stores_nothing", async () =>
        {
            var valid = File.ReadLines(Path.Combine(PageHelpers.RepositoryRoot(), "data", "demo", "demo.jsonl")).First();
            var file = PageHelpers.WriteTemp("broken-upload.jsonl", valid + "\n{\"id\": \"x-2\", \"text\": \n" + valid.Replace("demo-0001", "x-3", StringComparison.Ordinal).Replace("\"pain\": true", "\"pain\": \"maybe\"", StringComparison.Ordinal) + "\n");

            await page.GotoInteractiveAsync("datasets");
            await page.UploadAsync("upload-input", file);
            await page.ByTestId("validation-errors").WaitForAsync();
            var lines = await page.ByTestId("validation-error").EvaluateAllAsync<string[]>("rows => rows.map(r => r.getAttribute('data-line'))");
            Assert.Contains("2", lines);
            Assert.Empty(await page.ByTestId("upload-import").AllAsync());
            await page.ShotAsync("06-upload-rejected");

            var evaluator = new Evaluator.EvaluatorClient(stack.Channel("evaluator"));
            var datasets = await evaluator.ListDatasetsAsync(new ListDatasetsRequest());
            Assert.DoesNotContain(datasets.Datasets, d => d.DatasetId == "broken-upload");
        });
    }

    [Fact]
    public async Task The_demo_run_streams_live_and_a_finished_run_page_renders_fast()
    {
        var page = await stack.NewPageAsync();
        await page.StepsAsync("The_demo_run_streams_live_and_a_finished_run_page_renders_fast", async () =>
        {
            // Every change of the progress element, with the browser's clock (the same machine clock as this process).
            await page.AddInitScriptAsync("""
                window.__progress = [];
                new MutationObserver(() => {
                    const el = document.querySelector('[data-testid=run-progress]');
                    if (!el) return;
                    const c = el.getAttribute('data-completed');
                    const last = window.__progress[window.__progress.length - 1];
                    if (!last || last.C !== c) window.__progress.push({ C: c, T: Date.now() });
                }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
                """);

            await page.GotoInteractiveAsync("");
            await page.Locator("[data-testid=status-grid]").WaitForAsync();
            await page.ShotAsync("00-home");
            await page.ByTestId("run-demo").ClickAsync();
            await page.WaitForURLAsync("**/runs/*");
            var runId = page.Url.Split('/').Last();

            // The Evaluator's own stream, side by side with the page: when an update left the Evaluator vs when the page showed it.
            var evaluator = new Evaluator.EvaluatorClient(stack.Channel("evaluator"));
            var published = new Dictionary<int, long>();
            using var watchCancel = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            var watcher = Task.Run(async () =>
            {
                using var call = evaluator.WatchRun(new WatchRunRequest { RunId = runId }, cancellationToken: watchCancel.Token);
                await foreach (var update in call.ResponseStream.ReadAllAsync(watchCancel.Token))
                {
                    published.TryAdd(update.Run.Completed, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                }
            });

            await page.WaitForInteractiveAsync();
            await page.Locator("[data-testid=run-progress][data-state=running]").Or(page.Locator("[data-testid=run-progress][data-state=completed]")).First.WaitForAsync(new() { Timeout = RunTimeout });
            await page.ShotAsync("07-demo-run-live");
            await page.Locator("[data-testid=run-progress][data-state=completed]").WaitForAsync(new() { Timeout = RunTimeout });
            await page.ByTestId("feature-row").Nth(12).WaitForAsync();
            await page.ShotAsync("08-demo-run-completed");
            await watcher.WaitAsync(TimeSpan.FromSeconds(30));

            var shown = await page.EvaluateAsync<ProgressMark[]>("window.__progress");
            var latencies = shown
                .Where(mark => int.TryParse(mark.C, out var c) && published.ContainsKey(c))
                .Select(mark => (double)(mark.T - published[int.Parse(mark.C!, System.Globalization.CultureInfo.InvariantCulture)]))
                .Order()
                .ToList();
            var summary = latencies.Count == 0
                ? $"update latency: no update matched ({published.Count} published, {shown.Length} shown)"
                : $"update latency (Evaluator stream -> page DOM) over {latencies.Count} updates: median {latencies[latencies.Count / 2]:0} ms, p95 {latencies[(int)(latencies.Count * 0.95)]:0} ms, max {latencies[^1]:0} ms";
            output.WriteLine(summary);
            PageHelpers.Record($"run {runId}: {summary}");

            // A finished run's page, opened in a new tab (twice: the first open also pays for any cold path).
            var (firstRender, timing) = await RunPageTiming.MeasureAsync(stack, runId, "finished demo run page", output);
            Assert.True(firstRender < TimeSpan.FromSeconds(10), timing);
        });
    }

    [Fact]
    public async Task Try_it_extracts_the_features_of_a_Persian_note_with_evidence()
    {
        var page = await stack.NewPageAsync();
        await page.StepsAsync("Try_it_extracts_the_features_of_a_Persian_note_with_evidence", async () =>
        {

            await page.GotoInteractiveAsync("try");
            await page.ByTestId("try-text").FillAsync("بیمار از دیشب درد شدید در ناحیه کمر دارد و تب ندارد. خانواده درخواست ویزیت در منزل دارند.");
            await page.ByTestId("try-go").ClickAsync();
            await page.ByTestId("try-feature").Nth(12).WaitForAsync(new() { Timeout = 60_000 });

            Assert.Equal(13, await page.ByTestId("try-feature").CountAsync());
            Assert.Equal("yes", await page.Locator("[data-testid=try-feature][data-feature=pain]").GetAttributeAsync("data-value"));
            Assert.Equal("no", await page.Locator("[data-testid=try-feature][data-feature=fever]").GetAttributeAsync("data-value"));
            var note = page.ByTestId("try-note");
            Assert.Equal("rtl", await note.GetAttributeAsync("dir"));
            Assert.True(await note.Locator("mark").CountAsync() > 0);
            await page.ShotAsync("09-try-it");
        });
    }

    public sealed class ProgressMark
    {
        public string? C { get; set; }
        public long T { get; set; }
    }

    [Fact]
    public async Task Two_profiles_chosen_in_New_run_fill_in_one_study_table_live()
    {
        await stack.DemoDatasetAsync("browser-matrix", 20);
        var page = await stack.NewPageAsync();
        await page.StepsAsync("Two_profiles_chosen_in_New_run_fill_in_one_study_table_live", async () =>
        {
            await page.GotoInteractiveAsync("runs/new?dataset=browser-matrix");
            await page.Locator("[data-testid=run-profile-engines][data-profile=rules]").WaitForAsync();
            // The second profile picked from the multi-select, as a user does.
            await page.ByTestId("run-profile").ClickAsync();
            await page.Locator(".rz-multiselect-item", new() { HasText = "rules-second" }).ClickAsync();
            await page.Keyboard.PressAsync("Escape");
            await page.Locator("[data-testid=run-profile-engines][data-profile=rules-second]").WaitForAsync();
            await page.GetByText("Both (paired runs, compared)").ClickAsync();
            await page.ByTestId("run-start").Filter(new() { HasText = "Start 4 runs" }).WaitForAsync();
            await page.ShotAsync("11-new-matrix");
            await page.ByTestId("run-start").ClickAsync();
            await page.WaitForURLAsync("**/matrices/*");
            await page.WaitForInteractiveAsync();

            await page.Locator("[data-testid=matrix-progress][data-finished=true]").WaitForAsync(new() { Timeout = RunTimeout });
            Assert.Equal(4, await page.ByTestId("matrix-run").CountAsync());
            var rows = page.ByTestId("study-row");
            Assert.Equal(4, await rows.CountAsync());
            Assert.Equal("true", await rows.First.GetAttributeAsync("data-baseline"));
            // The delta column fills in once the comparison with the baseline is back.
            await page.Locator("[data-testid=study-row][data-profile=rules-second][data-strategy=direct] td:last-child", new() { HasText = "CI" }).WaitForAsync();
            await page.ShotAsync("12-matrix-table");

            var download = await page.RunAndWaitForDownloadAsync(() => page.ByTestId("matrix-export-latex").ClickAsync());
            Assert.EndsWith(".tex", download.SuggestedFilename, StringComparison.Ordinal);
            var saved = Path.Combine(BrowserStackFixture.OutputDirectory, download.SuggestedFilename);
            await download.SaveAsAsync(saved);
            Assert.Contains("rules-second", await File.ReadAllTextAsync(saved));
        });
    }

    [Fact]
    public async Task A_finished_run_of_the_studys_size_opens_with_its_table_and_records()
    {
        var evaluator = new Evaluator.EvaluatorClient(stack.Channel("evaluator"));
        await stack.StudySizeDatasetAsync("study-size");
        var run = await evaluator.StartRunAsync(new StartRunRequest { DatasetId = "study-size", Strategy = "direct" });
        await stack.FinishedAsync(run.RunId);

        var (firstRender, timing) = await RunPageTiming.MeasureAsync(stack, run.RunId, "1,221-record finished run page", output, screenshot: "10-study-size-run");
        Assert.True(firstRender < TimeSpan.FromSeconds(10), timing);
    }
}
