using Aspire.Hosting;
using Grpc.Net.Client;
using ClinicalAspire.Testing;

namespace ClinicalAspire.AppHost.Tests;

/// <summary>
/// Starts the whole AppHost once for the tests of a class (random ports, no Aspire dashboard, no demo
/// auto-run, a throwaway Redis) and waits until every resource reports healthy.
/// </summary>
public class StackFixture : IAsyncLifetime
{
    public static readonly string[] Resources = ["cache", "translator", "extractor", "evaluator", "dashboard"];

    private readonly List<GrpcChannel> _channels = [];

    public DistributedApplication App { get; private set; } = null!;

    public TimeSpan StartupTime { get; private set; }

    /// <summary>Cache mode under test; CI has redis-server, a bare machine gets the embedded server.</summary>
    public static string CacheMode => Environment.GetEnvironmentVariable("CLINICAL_TEST_CACHE_MODE") ?? "auto";

    public async Task InitializeAsync()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        App = await StackLauncher.StartAsync(
            [$"Cache:Mode={CacheMode}", "Parameters:evaluator-demo-autorun=false", .. Settings], Healthy, TimeSpan.FromMinutes(3));
        StartupTime = started.Elapsed;
    }

    /// <summary>Resources the fixture waits for (the stack's, and replicas its settings add).</summary>
    protected virtual IReadOnlyList<string> Healthy => Resources;

    /// <summary>AppHost settings of this fixture (a throwaway, non-persistent Redis by default).</summary>
    protected virtual IEnumerable<string> Settings => ["Cache:Persistent=false"];

    public GrpcChannel Channel(string resource)
    {
        var channel = GrpcChannel.ForAddress(App.GetEndpoint(resource, "grpc"));
        _channels.Add(channel);
        return channel;
    }

    public HttpClient Http(string resource) => App.CreateHttpClient(resource, "http");

    public virtual async Task DisposeAsync()
    {
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
}
