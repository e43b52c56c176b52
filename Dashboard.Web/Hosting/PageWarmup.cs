using System.Diagnostics;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Dashboard.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ClinicalAspire.Dashboard.Hosting;

/// <summary>
/// Renders the home page once right after start, and the page of the first run the Evaluator knows once
/// there is one, so the first researcher to open the dashboard does not wait for the JIT of Blazor's render
/// pipeline, Radzen's grids and charts and the gRPC channel to the Evaluator (measured on the project's
/// machine: 3.2 s for the first page of a fresh process, then 0.6 s for the first Run page, 0.1 s after).
/// Only where pages are open (Development): behind sign-in there is nothing to render without a user.
/// </summary>
public sealed partial class PageWarmup(
    IServer server, IHostApplicationLifetime lifetime, DashboardAccess access, Evaluator.EvaluatorClient evaluator,
    ILogger<PageWarmup> logger) : BackgroundService
{
    private static readonly TimeSpan RunWait = TimeSpan.FromMinutes(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WarmUpAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WarmUpAsync(CancellationToken stoppingToken)
    {
        if (access.SignInRequired || !await StartedAsync(stoppingToken))
        {
            return;
        }
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses
            .FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase));
        if (address is null)
        {
            return;
        }
        // Kestrel reports wildcard bindings as such; the page is rendered over loopback.
        var local = new UriBuilder(address.Replace("://+", "://localhost").Replace("://*", "://localhost").Replace("://0.0.0.0", "://localhost").Replace("://[::]", "://localhost"));
        using var http = new HttpClient { BaseAddress = local.Uri, Timeout = TimeSpan.FromSeconds(30) };
        if (!await RenderAsync(http, "/", stoppingToken))
        {
            return;
        }
        // A fresh store gets its demo run within seconds of the Evaluator's start; wait a little for one.
        var deadline = DateTime.UtcNow + RunWait;
        while (DateTime.UtcNow < deadline && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                var runs = await evaluator.ListRunsAsync(new ListRunsRequest { Limit = 1 }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: stoppingToken);
                if (runs.Runs.FirstOrDefault() is { } run)
                {
                    await RenderAsync(http, $"/runs/{Uri.EscapeDataString(run.RunId)}", stoppingToken);
                    return;
                }
            }
            catch (RpcException)
            {
                // The Evaluator is not up yet: ask again below.
            }
            await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
        }
    }

    private async Task<bool> RenderAsync(HttpClient http, string path, CancellationToken stoppingToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await http.GetAsync(path, stoppingToken);
            LogWarmedUp(logger, path == "/" ? "home" : "run", (int)response.StatusCode, clock.ElapsedMilliseconds);
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
        {
            // Only a head start lost: the first real visitor pays for the JIT instead.
            LogWarmupFailed(logger, ex.GetType().Name);
            return false;
        }
    }

    private async Task<bool> StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        try
        {
            await started.Task.WaitAsync(stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warm-up: the {Page} page rendered with status {StatusCode} in {ElapsedMs} ms")]
    private static partial void LogWarmedUp(ILogger logger, string page, int statusCode, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up render failed ({ExceptionType})")]
    private static partial void LogWarmupFailed(ILogger logger, string exceptionType);
}
