using System.Buffers.Binary;
using System.Xml.Linq;
using ClinicalAspire.Contracts.Evaluator.V1;
using Microsoft.Playwright;

namespace ClinicalAspire.Dashboard.BrowserTests;

/// <summary>The Run and Compare pages' charts as Chromium draws them (real fonts), at desktop and phone widths, and their downloads.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ChartBrowserTests(BrowserStackFixture stack)
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>Each text of a chart as drawn: [left, top, right, bottom] in page pixels, and the chart's own box.</summary>
    private const string TextBoxes = """
        (selector) => {
          const svg = document.querySelector(selector);
          const box = r => [r.left, r.top, r.right, r.bottom];
          return JSON.stringify({ chart: box(svg.getBoundingClientRect()), texts: [...svg.querySelectorAll('text')].map(t => ({ text: t.textContent, testId: t.dataset.testid || '', box: box(t.getBoundingClientRect()) })) });
        }
        """;

    [Fact]
    public async Task Every_feature_is_named_in_full_no_label_overlaps_another_and_each_chart_downloads_as_SVG_and_PNG()
    {
        var (direct, translated) = await stack.PairedRunAsync("browser-charts");
        foreach (var (width, height, size) in new[] { (1440, 900, "desktop"), (390, 844, "phone") })
        {
            var page = await stack.NewPageAsync(width, height);
            await page.StepsAsync($"charts-{size}", async () =>
            {
                await page.GotoInteractiveAsync($"runs/{direct}");
                await page.Locator("#chart-sens-spec-svg [data-testid=scatter-label]").First.WaitForAsync();
                var features = await page.ByTestId("feature-row").CountAsync();
                Assert.True(features >= 13, $"{features} feature rows");

                // The scatter: every feature named, no name over another, all inside the chart.
                var scatter = await DrawnAsync(page, "#chart-sens-spec-svg");
                var labels = scatter.Texts.Where(t => t.TestId == "scatter-label").ToList();
                Assert.Equal(features, labels.Count);
                AssertApart(labels);
                Assert.All(labels, l => AssertInside(l, scatter.Chart));

                // The bars: every name in full (no ellipsis), inside the chart, none over another.
                var bars = await DrawnAsync(page, "#chart-f1-mcc-svg");
                var names = bars.Texts.Where(t => t.TestId == "chart-category").ToList();
                Assert.Equal(features + 1, names.Count);
                Assert.Contains(names, n => n.Text == "Consciousness");
                Assert.Contains(names, n => n.Text == "Weakness / fatigue");
                Assert.DoesNotContain(names, n => n.Text.Contains('…', StringComparison.Ordinal));
                AssertApart(names);
                Assert.All(bars.Texts, t => AssertInside(t, bars.Chart));
                Assert.Equal("0", await page.Locator("#chart-f1-mcc-svg").GetAttributeAsync("data-axis-min"));
                await page.ByTestId("chart-f1-mcc").ScreenshotAsync(new() { Path = BrowserStackFixture.Screenshot($"25-chart-f1-mcc-{size}") });
                await page.ByTestId("chart-sens-spec").ScreenshotAsync(new() { Path = BrowserStackFixture.Screenshot($"26-chart-sens-spec-{size}") });
                if (size == "phone")
                {
                    return;
                }

                // Downloads a researcher can open: a standalone SVG document, and a PNG at twice the chart's size.
                var svg = await DownloadAsync(page, "[data-testid=chart-sens-spec] [data-testid=chart-export-svg]");
                Assert.EndsWith("-sensitivity-specificity.svg", svg, StringComparison.Ordinal);
                var document = XDocument.Load(svg);
                Assert.Equal(Svg + "svg", document.Root!.Name);
                Assert.Equal("560", document.Root.Attribute("width")?.Value);
                Assert.Equal(features, document.Descendants(Svg + "text").Count(t => (string?)t.Attribute("data-testid") == "scatter-label"));
                Assert.Empty(document.DescendantNodes().OfType<XComment>());

                var png = await DownloadAsync(page, "[data-testid=chart-f1-mcc] [data-testid=chart-export-png]");
                var bytes = await File.ReadAllBytesAsync(png);
                Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
                Assert.Equal(1440, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
                Assert.True(bytes.Length > 10_000, $"{bytes.Length} bytes");

                // Compare: one bar per run and feature, the bilingual MCC chart, the same downloads.
                await page.GotoInteractiveAsync($"compare?runs={direct},{translated}");
                await page.Locator("#compare-chart-svg").WaitForAsync();
                await page.Locator("#bilingual-chart-svg").WaitForAsync();
                var compare = XDocument.Load(await DownloadAsync(page, "[data-testid=compare-chart] [data-testid=chart-export-svg]"));
                Assert.Equal(2, compare.Descendants(Svg + "text").Count(t => (string?)t.Attribute("data-testid") == "chart-legend"));
                // A whisker per run on the median, and one per run on every feature (each feature's bootstrap CI).
                var groups = compare.Descendants(Svg + "g").Where(g => (string?)g.Attribute("data-testid") == "chart-group").ToList();
                int Whiskers(XElement group) => group.Descendants(Svg + "g").Count(t => (string?)t.Attribute("data-testid") == "chart-ci");
                Assert.Equal(2, groups.Where(g => (string?)g.Attribute("data-feature") == "median").Sum(Whiskers));
                Assert.Equal(2 * (groups.Count - 1), groups.Where(g => (string?)g.Attribute("data-feature") != "median").Sum(Whiskers));
                await page.ByTestId("compare-chart").ScreenshotAsync(new() { Path = BrowserStackFixture.Screenshot("27-compare-chart") });
            });
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_compare_link_of_six_runs_goes_live_with_one_bar_per_run_and_feature()
    {
        // Six runs' metrics are what the prerendered page hands to the circuit: more than SignalR's default message.
        await stack.DemoDatasetAsync("browser-six", 12);
        var evaluator = new Evaluator.EvaluatorClient(stack.Channel("evaluator"));
        var ids = new List<string>();
        foreach (var strategy in new[] { "direct", "translate-first", "direct", "translate-first", "direct", "translate-first" })
        {
            var run = await evaluator.StartRunAsync(new StartRunRequest { DatasetId = "browser-six", Strategy = strategy, Label = $"six {ids.Count + 1}" });
            await stack.FinishedAsync(run.RunId);
            ids.Add(run.RunId);
        }

        var page = await stack.NewPageAsync();
        await page.StepsAsync("compare-six", async () =>
        {
            await page.GotoInteractiveAsync($"compare?runs={string.Join(",", ids)}");
            Assert.Equal(6, await page.Locator("[data-testid=study-table] [data-testid=study-row]").CountAsync());
            var chart = page.Locator("#compare-chart-svg");
            Assert.Equal(6, await chart.Locator("[data-testid=chart-legend]").CountAsync());
            Assert.Equal(6, await chart.Locator("[data-testid=chart-group][data-feature=median] [data-testid=chart-ci]").CountAsync());
            var features = await chart.Locator("[data-testid=chart-group]:not([data-feature=median])").CountAsync();
            Assert.Equal(features * 6, await chart.Locator("[data-testid=chart-group]:not([data-feature=median]) [data-testid=chart-ci]").CountAsync());
            Assert.Equal(features * 6, await chart.Locator("[data-testid=chart-group]:not([data-feature=median]) [data-testid=chart-bar]").CountAsync());
            await page.ByTestId("compare-chart").ScreenshotAsync(new() { Path = BrowserStackFixture.Screenshot("28-compare-six-runs-chart") });
        });
    }

    private static async Task<Drawn> DrawnAsync(IPage page, string selector) =>
        System.Text.Json.JsonSerializer.Deserialize<Drawn>(await page.EvaluateAsync<string>(TextBoxes, selector),
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;

    private static async Task<string> DownloadAsync(IPage page, string button)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator(button).ClickAsync());
        var path = Path.Combine(BrowserStackFixture.OutputDirectory, "chart-" + download.SuggestedFilename);
        await download.SaveAsAsync(path);
        return path;
    }

    private static void AssertApart(IReadOnlyList<DrawnText> texts)
    {
        for (var i = 0; i < texts.Count; i++)
        {
            for (var j = i + 1; j < texts.Count; j++)
            {
                var (a, b) = (texts[i].Box, texts[j].Box);
                var overlap = Math.Min(a[2], b[2]) - Math.Max(a[0], b[0]) > 0.5 && Math.Min(a[3], b[3]) - Math.Max(a[1], b[1]) > 0.5;
                Assert.False(overlap, $"\"{texts[i].Text}\" [{string.Join(", ", a)}] overlaps \"{texts[j].Text}\" [{string.Join(", ", b)}]");
            }
        }
    }

    private static void AssertInside(DrawnText text, double[] chart) =>
        Assert.True(text.Box[0] >= chart[0] - 0.5 && text.Box[2] <= chart[2] + 0.5 && text.Box[1] >= chart[1] - 0.5 && text.Box[3] <= chart[3] + 0.5,
            $"\"{text.Text}\" [{string.Join(", ", text.Box)}] is cut by the chart [{string.Join(", ", chart)}]");

    public sealed class Drawn
    {
        public double[] Chart { get; set; } = [];
        public List<DrawnText> Texts { get; set; } = [];
    }

    public sealed class DrawnText
    {
        public string Text { get; set; } = "";
        public string TestId { get; set; } = "";
        public double[] Box { get; set; } = [];
    }
}
