using System.Diagnostics;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ClinicalAspire.Dashboard.BrowserTests;

/// <summary>
/// Opens a finished run's page in a fresh browser context, twice (the first open also pays for cold paths),
/// and records how long the user waits: first byte, first contentful paint, the per-feature table on screen,
/// the page interactive, and Chromium's JS heap for it.
/// </summary>
internal static class RunPageTiming
{
    private const string NavigationScript = """
        (() => {
            const n = performance.getEntriesByType('navigation')[0];
            const fcp = performance.getEntriesByName('first-contentful-paint')[0];
            return [n.responseStart - n.startTime, n.responseEnd - n.startTime, fcp ? fcp.startTime : -1,
                    n.domContentLoadedEventEnd - n.startTime, n.transferSize / 1024,
                    performance.memory ? performance.memory.usedJSHeapSize / 1048576 : -1];
        })()
        """;

    /// <summary>Returns the time until the per-feature table was on screen on the last open, and the report line.</summary>
    public static async Task<(TimeSpan TableShown, string Report)> MeasureAsync(
        BrowserStackFixture stack, string runId, string what, ITestOutputHelper output, string? screenshot = null)
    {
        var tableShown = TimeSpan.Zero;
        var report = "";
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var page = await stack.NewPageAsync();
            var clock = Stopwatch.StartNew();
            await page.GotoAsync($"runs/{runId}", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
            await page.ByTestId("feature-row").Nth(12).WaitForAsync();
            tableShown = clock.Elapsed;
            await page.WaitForInteractiveAsync();
            var interactive = clock.Elapsed;
            var n = await page.EvaluateAsync<double[]>(NavigationScript);
            report = $"{what} (open {attempt}): first byte {n[0]:0} ms, HTML {n[4]:0} KB complete {n[1]:0} ms, first contentful paint {n[2]:0} ms, " +
                $"DOMContentLoaded {n[3]:0} ms, per-feature table shown {tableShown.TotalMilliseconds:0} ms, interactive {interactive.TotalMilliseconds:0} ms, " +
                $"JS heap {n[5]:0.0} MB";
            output.WriteLine(report);
            PageHelpers.Record($"run {runId}: {report}");
            if (attempt == 2 && screenshot is not null)
            {
                await page.ShotAsync(screenshot);
            }
            await page.Context.CloseAsync();
        }
        return (tableShown, report);
    }
}
