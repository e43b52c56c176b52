using System.Net;
using System.Net.Sockets;
using Aspire.Hosting;
using Grpc.Net.Client;
using ClinicalAspire.Testing;
using Microsoft.Playwright;

namespace ClinicalAspire.Dashboard.BrowserTests;

/// <summary>
/// The whole AppHost (as AppHost.Tests starts it: no Aspire dashboard, no demo auto-run, a throwaway Redis,
/// free ports so it can run beside another stack) plus one headless Debian Chromium driven by Playwright.
/// Playwright never downloads a browser here: it only launches the executable at <see cref="ChromiumPath"/>.
/// </summary>
public sealed class BrowserStackFixture : IAsyncLifetime
{
    public static readonly string[] Resources = ["cache", "translator", "extractor", "evaluator", "dashboard"];

    public static string ChromiumPath => Environment.GetEnvironmentVariable("CLINICAL_CHROMIUM") ?? "/usr/bin/chromium";

    public static string CacheMode => Environment.GetEnvironmentVariable("CLINICAL_TEST_CACHE_MODE") ?? "auto";

    /// <summary>Screenshots and measurements, kept as test output.</summary>
    public static string OutputDirectory { get; } = Environment.GetEnvironmentVariable("CLINICAL_SCREENSHOTS")
        ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "TestResults", "screenshots"));

    private readonly List<GrpcChannel> _channels = [];
    private IPlaywright? _playwright;

    public DistributedApplication App { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri DashboardUrl { get; private set; } = null!;

    public TimeSpan StartupTime { get; private set; }

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"No Chromium at {ChromiumPath}: install Debian's (apt-get install -y chromium) or set CLINICAL_CHROMIUM.");
        }
        Directory.CreateDirectory(OutputDirectory);

        // Two embedded profiles side by side, so that New run can start a matrix (the first stays the default).
        var profiles = Path.Combine(OutputDirectory, "profiles.json");
        File.WriteAllText(profiles, """
            {"profiles": [
              {"name": "rules", "extractor": {"engine": "rules"}, "translator": {"engine": "gloss"}},
              {"name": "rules-second", "concurrency": 4, "extractor": {"engine": "rules"}, "translator": {"engine": "gloss"}}
            ]}
            """);

        var started = System.Diagnostics.Stopwatch.StartNew();
        App = await StackLauncher.StartAsync(
            [
                $"Profiles:File={profiles}",
                $"Cache:Mode={CacheMode}",
                "Cache:Persistent=false",
                "Parameters:evaluator-demo-autorun=false",
                $"Ports:Dashboard={FreePort()}",
                $"Ports:EvaluatorGrpc={FreePort()}",
            ],
            Resources, TimeSpan.FromMinutes(4));
        DashboardUrl = App.GetEndpoint("dashboard", "http");
        StartupTime = started.Elapsed;

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
            ],
        });
    }

    /// <summary>A page in a fresh context; 1400x1000 unless told (390x844 for a phone).</summary>
    public async Task<IPage> NewPageAsync(int width = 1400, int height = 1000)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = DashboardUrl.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
            Locale = "en-US",
        });
        context.SetDefaultTimeout(60_000);
        return await context.NewPageAsync();
    }

    public GrpcChannel Channel(string resource)
    {
        var channel = GrpcChannel.ForAddress(App.GetEndpoint(resource, "grpc"));
        _channels.Add(channel);
        return channel;
    }

    public static string Screenshot(string name) => Path.Combine(OutputDirectory, name + ".png");

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
