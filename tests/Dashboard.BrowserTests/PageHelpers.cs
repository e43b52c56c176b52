using System.Text;
using Microsoft.Playwright;

namespace ClinicalAspire.Dashboard.BrowserTests;

internal static class PageHelpers
{
    /// <summary>Opens a page and waits until the Blazor circuit is up (clicks before it would be lost).</summary>
    public static async Task GotoInteractiveAsync(this IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.WaitForInteractiveAsync();
    }

    public static Task WaitForInteractiveAsync(this IPage page) =>
        page.Locator("[data-testid=interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

    /// <summary>Chooses a file once Blazor's InputFile has hooked its element (a change before that is lost).</summary>
    public static async Task UploadAsync(this IPage page, string testId, string path)
    {
        await page.WaitForFunctionAsync($"() => {{ const e = document.querySelector('[data-testid={testId}]'); return !!e && e._blazorInputFileNextFileId !== undefined; }}");
        await page.ByTestId(testId).SetInputFilesAsync(path);
    }

    /// <summary>Runs a test's steps; on failure keeps a screenshot of where the page stood.</summary>
    public static async Task StepsAsync(this IPage page, string name, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch
        {
            await page.ShotAsync("failed-" + name);
            throw;
        }
    }

    public static Task ShotAsync(this IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserStackFixture.Screenshot(name), FullPage = true });

    public static ILocator ByTestId(this IPage page, string testId) => page.Locator($"[data-testid={testId}]");

    /// <summary>The first lines of the bundled demo set (synthetic notes), as a small upload.</summary>
    public static string DemoSubset(int records, string fileName)
    {
        var lines = File.ReadLines(Path.Combine(RepositoryRoot(), "data", "demo", "demo.jsonl")).Where(l => l.Length > 0).Take(records);
        var path = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}", fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Join('\n', lines) + "\n", new UTF8Encoding(false));
        return path;
    }

    public static string WriteTemp(string fileName, string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}", fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ClinicalAspire.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("ClinicalAspire.sln not found above " + AppContext.BaseDirectory);
    }

    public static void Record(string line)
    {
        File.AppendAllText(Path.Combine(BrowserStackFixture.OutputDirectory, "measurements.txt"), $"{DateTime.UtcNow:O} {line}\n");
    }
}
