using System.Diagnostics;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ClinicalAspire.Dashboard.BrowserTests;

/// <summary>
/// Opens a finished run's page in fresh browser contexts (no cache) and records how long the user waits:
/// first byte, first contentful paint, the per-feature table on screen, the page interactive, and Chromium's
/// JS heap for it. The first open also pays for the server's cold paths; the median of the later opens is
/// what a user of a running dashboard sees.
/// </summary>
internal static class RunPageTiming
{
    private const int Opens = 6;

    private const string NavigationScript = """
        (() => {
            const n = performance.getEntriesByType('navigation')[0];
            const fcp = performance.getEntriesByName('first-contentful-paint')[0];
            return [n.responseStart - n.startTime, fcp ? fcp.startTime : -1,
                    performance.memory ? performance.memory.usedJSHeapSize / 1048576 : -1];
        })()
        """;

    private sealed record Open(double FirstByte, double FirstPaint, double TableShown, double Interactive, double HeapMb);

    /// <summary>Returns the median time until the per-feature table was on screen (warm opens), and the report line.</summary>
    public static async Task<(TimeSpan TableShown, string Report)> MeasureAsync(
        BrowserStackFixture stack, string runId, string what, ITestOutputHelper output, string? screenshot = null)
    {
        var opens = new List<Open>();
        for (var attempt = 1; attempt <= Opens; attempt++)
        {
            var page = await stack.NewPageAsync();
            var clock = Stopwatch.StartNew();
            await page.GotoAsync($"runs/{runId}", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
            await page.ByTestId("feature-row").Nth(12).WaitForAsync();
            var tableShown = clock.Elapsed.TotalMilliseconds;
            await page.WaitForInteractiveAsync();
            var interactive = clock.Elapsed.TotalMilliseconds;
            var n = await page.EvaluateAsync<double[]>(NavigationScript);
            opens.Add(new Open(n[0], n[1], tableShown, interactive, n[2]));
            if (attempt == Opens && screenshot is not null)
            {
                await page.ShotAsync(screenshot);
            }
            await page.Context.CloseAsync();
        }

        var cold = opens[0];
        var warm = opens.Skip(1).ToList();
        double Median(Func<Open, double> value) => warm.Select(value).Order().ElementAt(warm.Count / 2);
        var report = $"{what}: first open: first byte {cold.FirstByte:0} ms, first contentful paint {cold.FirstPaint:0} ms, " +
            $"table shown {cold.TableShown:0} ms, interactive {cold.Interactive:0} ms; median of {warm.Count} later opens: " +
            $"first byte {Median(o => o.FirstByte):0} ms, first contentful paint {Median(o => o.FirstPaint):0} ms, " +
            $"table shown {Median(o => o.TableShown):0} ms, interactive {Median(o => o.Interactive):0} ms, JS heap {Median(o => o.HeapMb):0.0} MB";
        output.WriteLine(report);
        PageHelpers.Record($"run {runId}: {report}");
        return (TimeSpan.FromMilliseconds(Median(o => o.TableShown)), report);
    }
}
