using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClinicalAspire.Testing;

/// <summary>
/// Starts the AppHost under Aspire.Hosting.Testing (no Aspire dashboard) and waits until the given resources
/// are healthy. When one fails, the exception carries every resource's state and the tail of its console
/// output, so a red CI log says why (the services log ids and hashes only, never a note).
/// Shared as a linked source file by the test projects that start the whole stack.
/// </summary>
public static class StackLauncher
{
    /// <param name="configure">Changes to the application model before it is built (environment of resources, loggers).</param>
    public static async Task<DistributedApplication> StartAsync(
        IEnumerable<string> settings, IReadOnlyList<string> resources, TimeSpan timeout,
        Action<IDistributedApplicationTestingBuilder>? configure = null)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [.. settings], (options, _) => options.DisableDashboard = true);
        configure?.Invoke(builder);
        var captured = new ResourceLogCapture();
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddProvider(captured)
            // Resource output is forwarded to loggers named "<AppHost>.Resources.<resource>"; keep all of it
            // in memory for the failure report, without printing it on green runs.
            .AddFilter<ResourceLogCapture>((category, _) => category?.Contains(".Resources.", StringComparison.Ordinal) == true));

        var app = await builder.BuildAsync();
        try
        {
            using var cancellation = new CancellationTokenSource(timeout);
            await app.StartAsync(cancellation.Token);
            foreach (var resource in resources)
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellation.Token);
            }
            return app;
        }
        catch (Exception exception)
        {
            var report = Report(app, resources, captured);
            await app.DisposeAsync();
            throw new InvalidOperationException($"The stack did not become healthy: {exception.Message}\n{report}", exception);
        }
    }

    private static string Report(DistributedApplication app, IReadOnlyList<string> resources, ResourceLogCapture captured)
    {
        var lines = new List<string>();
        foreach (var resource in resources)
        {
            var state = app.ResourceNotifications.TryGetCurrentState(resource, out var resourceEvent)
                ? $"{resourceEvent.Snapshot.State?.Text ?? "?"} (health {resourceEvent.Snapshot.HealthStatus?.ToString() ?? "unknown"}, exit code {resourceEvent.Snapshot.ExitCode?.ToString() ?? "-"})"
                : "no state";
            lines.Add($"--- {resource}: {state}");
            lines.AddRange(captured.Tail(resource, 40).Select(line => "    " + line));
        }
        return string.Join('\n', lines);
    }

    /// <summary>Keeps the last lines each resource wrote, in memory.</summary>
    private sealed class ResourceLogCapture : ILoggerProvider
    {
        private const int LinesPerResource = 200;
        private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _lines = new();

        public IEnumerable<string> Tail(string resource, int count) =>
            _lines.TryGetValue(resource, out var queue) ? queue.ToArray().TakeLast(count) : [];

        public ILogger CreateLogger(string categoryName)
        {
            var marker = categoryName.LastIndexOf(".Resources.", StringComparison.Ordinal);
            var resource = marker < 0 ? categoryName : categoryName[(marker + ".Resources.".Length)..];
            return new Logger(_lines.GetOrAdd(resource, _ => new ConcurrentQueue<string>()));
        }

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> queue) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                queue.Enqueue(exception is null ? formatter(state, exception) : $"{formatter(state, exception)} {exception}");
                while (queue.Count > LinesPerResource && queue.TryDequeue(out _))
                {
                }
            }
        }
    }
}
