using ClinicalAspire.Contracts.Evaluator.V1;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ClinicalAspire.Dashboard.BrowserTests;

/// <summary>
/// Every page under axe-core (zero critical, zero serious) at desktop and phone sizes, and the phone layout checks:
/// nothing wider than the screen, no visible table cell under 40 px. Screenshots of each page at each size are kept.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserStackFixture stack, ITestOutputHelper output)
{
    /// <summary>Width problems on the page as the browser laid it out (empty when there are none).</summary>
    private const string LayoutProblems = """
        () => {
          const width = window.innerWidth;
          const problems = [];
          const name = el => el.tagName.toLowerCase() + (el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).slice(0, 2).join('.') : '');
          // Content inside a box that scrolls sideways on its own may be wider than the screen; the box may not.
          const inScroller = el => { for (let p = el.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
          const visible = el => { const s = getComputedStyle(el); return s.display !== 'none' && s.visibility !== 'hidden' && !el.closest('.visually-hidden, .skip-link, [aria-hidden=true]'); };
          if (document.documentElement.scrollWidth > width + 1) problems.push(`page is ${document.documentElement.scrollWidth} px wide`);
          for (const el of document.querySelectorAll('main *, header *')) {
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.height === 0 || !visible(el) || inScroller(el)) continue;
            if (r.width > width + 1 || r.right > width + 1) problems.push(`${name(el)} spans ${Math.round(r.left)}..${Math.round(r.right)} px`);
          }
          for (const cell of document.querySelectorAll('main td, main th')) {
            const r = cell.getBoundingClientRect();
            if (r.height === 0 || !visible(cell) || cell.textContent.trim() === '') continue;
            if (r.width < 40) problems.push(`${name(cell)} "${cell.textContent.trim().slice(0, 20)}" is ${Math.round(r.width)} px wide`);
          }
          return [...new Set(problems)].slice(0, 25);
        }
        """;

    [Fact]
    public async Task Every_page_has_no_critical_or_serious_axe_violation_and_fits_a_phone()
    {
        var (direct, translated) = await stack.PairedRunAsync("browser-a11y");
        var evaluator = new Evaluator.EvaluatorClient(stack.Channel("evaluator"));
        var matrix = await evaluator.StartMatrixAsync(new StartMatrixRequest { DatasetId = "browser-a11y", EngineProfiles = { "rules", "rules-second" }, Strategy = "direct" });
        var pages = new (string Name, string Path, string Ready)[]
        {
            ("home", "", "[data-testid=status-grid]"),
            ("runs", "runs", "[data-testid=runs-count]"),
            ("datasets", "datasets/browser-a11y", "[data-testid=dataset-preview]"),
            ("new-run", "runs/new?dataset=browser-a11y", "[data-testid=run-profile-engines]"),
            ("run", $"runs/{direct}", "[data-testid=feature-row]"),
            ("compare", $"compare?runs={direct},{translated}", "[data-testid=study-row]"),
            ("matrix", $"matrices/{matrix.MatrixId}", "[data-testid=study-row]"),
            ("try", "try", "h1"),
            ("login", "login", "h1"),
            ("not-found", "no/such/page", "[data-testid=not-found]"),
        };

        var failures = new List<string>();
        foreach (var (width, height, size) in new[] { (1440, 900, "desktop"), (390, 844, "phone") })
        {
            var page = await stack.NewPageAsync(width, height);
            foreach (var (name, path, ready) in pages)
            {
                await page.StepsAsync($"a11y-{size}-{name}", async () =>
                {
                    await page.GotoAsync(path);
                    await page.Locator(ready).First.WaitForAsync(new() { State = WaitForSelectorState.Attached });
                    if (name is not ("login" or "not-found"))
                    {
                        await page.WaitForInteractiveAsync();
                    }
                    await page.ShotAsync($"a11y-{size}-{name}");

                    var result = await page.RunAxe();
                    foreach (var violation in result.Violations.Where(v => v.Impact is "critical" or "serious"))
                    {
                        var where = string.Join(" | ", violation.Nodes.Take(3).Select(n => n.Html.Length > 120 ? n.Html[..120] : n.Html));
                        failures.Add($"{size} {name}: {violation.Impact} {violation.Id} ({violation.Nodes.Length}x): {where}");
                    }
                    if (size == "phone")
                    {
                        foreach (var problem in await page.EvaluateAsync<string[]>(LayoutProblems))
                        {
                            failures.Add($"{size} {name}: {problem}");
                        }
                    }
                });
            }
            await page.Context.CloseAsync();
        }

        foreach (var failure in failures)
        {
            output.WriteLine(failure);
        }
        File.WriteAllLines(Path.Combine(BrowserStackFixture.OutputDirectory, "a11y-findings.txt"), failures);
        Assert.Empty(failures);
    }
}
