using System.Diagnostics;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ClinicalAspire.Dashboard.BrowserTests;

/// <summary>
/// Opens a page in fresh browser contexts (no cache), as a shared link or a new tab does, and records how long the
/// user waits: first byte, first contentful paint, the page's main content on screen, the page interactive, and
/// Chromium's JS heap for it. The first open also pays for the server's cold paths; the median of the later opens is
/// what a user of a running dashboard sees.
/// </summary>
internal static class PageTiming
{
    private const string NavigationScript = """
        (() => {
            const n = performance.getEntriesByType('navigation')[0];
            const fcp = performance.getEntriesByName('first-contentful-paint')[0];
            return [n.responseStart - n.startTime, fcp ? fcp.startTime : -1,
                    performance.memory ? performance.memory.usedJSHeapSize / 1048576 : -1];
        })()
        """;

    public sealed record Open(double FirstByte, double FirstPaint, double Shown, double Interactive, double HeapMb);

    /// <summary>The opens (the first, then the later ones) and the report line; <paramref name="shown"/> names what "shown" waits for.</summary>
    public static async Task<(Open First, Open Median, string Report)> MeasureAsync(BrowserStackFixture stack, string path, string ready, string shown,
        string what, ITestOutputHelper output, string? screenshot = null, int opens = 6)
    {
        var measured = new List<Open>();
        for (var attempt = 1; attempt <= opens; attempt++)
        {
            var page = await stack.NewPageAsync();
            var clock = Stopwatch.StartNew();
            await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
            await page.Locator(ready).WaitForAsync();
            var shownAt = clock.Elapsed.TotalMilliseconds;
            await page.WaitForInteractiveAsync();
            var interactive = clock.Elapsed.TotalMilliseconds;
            var n = await page.EvaluateAsync<double[]>(NavigationScript);
            measured.Add(new Open(n[0], n[1], shownAt, interactive, n[2]));
            if (attempt == opens && screenshot is not null)
            {
                await page.ShotAsync(screenshot);
            }
            await page.Context.CloseAsync();
        }

        var cold = measured[0];
        var warm = measured.Skip(1).ToList();
        double Median(Func<Open, double> value) => warm.Select(value).Order().ElementAt(warm.Count / 2);
        var median = new Open(Median(o => o.FirstByte), Median(o => o.FirstPaint), Median(o => o.Shown), Median(o => o.Interactive), Median(o => o.HeapMb));
        var report = $"{what}: first open: first byte {cold.FirstByte:0} ms, first contentful paint {cold.FirstPaint:0} ms, " +
            $"{shown} {cold.Shown:0} ms, interactive {cold.Interactive:0} ms; median of {warm.Count} later opens: " +
            $"first byte {median.FirstByte:0} ms, first contentful paint {median.FirstPaint:0} ms, " +
            $"{shown} {median.Shown:0} ms, interactive {median.Interactive:0} ms, JS heap {median.HeapMb:0.0} MB";
        output.WriteLine(report);
        PageHelpers.Record($"{path}: {report}");
        return (cold, median, report);
    }
}

/// <summary>A finished run's page, timed until its per-feature table is on screen.</summary>
internal static class RunPageTiming
{
    /// <summary>Returns the median time until the per-feature table was on screen (warm opens), and the report line.</summary>
    public static async Task<(TimeSpan TableShown, string Report)> MeasureAsync(
        BrowserStackFixture stack, string runId, string what, ITestOutputHelper output, string? screenshot = null)
    {
        var (_, median, report) = await PageTiming.MeasureAsync(stack, $"runs/{runId}", "[data-testid=feature-row] >> nth=12", "table shown",
            what, output, screenshot);
        return (TimeSpan.FromMilliseconds(median.Shown), report);
    }
}
