using System.Collections.Concurrent;
using System.Diagnostics;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Models;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace ClinicalAspire.Engines.Profiles;

/// <summary>One profile's health as a service reports it: loaded, and (for a model server) reachable.</summary>
public sealed record ProfileHealth(ProfileReport Report, bool Healthy, string Detail);

/// <summary>
/// Whether every profile of a role can answer: its engine loaded and answered its warm-up, and an OpenAI-compatible server answers
/// <c>GET {endpoint}/models</c> (probed at most every few seconds per server). Feeds /health and GetInfo.
/// </summary>
public sealed class EngineProfileHealth<TEngine>(EngineProfileHost<TEngine> host, IHttpClientFactory httpClients) where TEngine : class, IEngine
{
    public const string ProbeClientName = "model-server-probe";
    private static readonly TimeSpan s_probeInterval = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, (long At, string? Problem)> _probes = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<ProfileHealth>> CheckAsync(CancellationToken cancellationToken)
    {
        var results = new List<ProfileHealth>();
        foreach (var report in host.Reports())
        {
            if (report.State != ProfileState.Ready)
            {
                results.Add(new ProfileHealth(report, false, report.Detail));
                continue;
            }
            // An unreachable server is the likelier reason a warm-up has not answered yet: say that first.
            var problem = report.Role.Model is { Kind: ModelEngineKinds.OpenAI, Endpoint: { } endpoint }
                ? await ProbeAsync(endpoint, cancellationToken).ConfigureAwait(false)
                : null;
            problem ??= report.Warm ? null : report.Detail;
            results.Add(new ProfileHealth(report, problem is null, problem ?? "ready"));
        }
        return results;
    }

    private async Task<string?> ProbeAsync(string endpoint, CancellationToken cancellationToken)
    {
        if (_probes.TryGetValue(endpoint, out var last) && Stopwatch.GetElapsedTime(last.At) < s_probeInterval)
        {
            return last.Problem;
        }
        string? problem = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            using var client = httpClients.CreateClient(ProbeClientName);
            using var response = await client.GetAsync(endpoint.TrimEnd('/') + "/models", timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode && response.StatusCode is not (System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden))
            {
                problem = $"model server {endpoint} answers HTTP {(int)response.StatusCode}";
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            problem = $"model server {endpoint} is unreachable ({ExceptionChain.Describe(ex)})";
        }
        _probes[endpoint] = (Stopwatch.GetTimestamp(), problem);
        return problem;
    }
}

/// <summary>/health: unhealthy while any profile of the role is loading, warming up, failed, or cannot reach its server.</summary>
public sealed class EngineProfilesHealthCheck<TEngine>(EngineProfileHealth<TEngine> health) : IHealthCheck where TEngine : class, IEngine
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var profiles = await health.CheckAsync(cancellationToken).ConfigureAwait(false);
        var problems = profiles.Where(p => !p.Healthy).Select(p => $"profile '{p.Report.Name}': {p.Detail}").ToArray();
        var data = profiles.ToDictionary(p => "profile:" + p.Report.Name, p => (object)(p.Healthy ? "Healthy" : "Unhealthy"));
        return problems.Length == 0
            ? HealthCheckResult.Healthy($"{profiles.Count} engine profile(s) ready", data)
            : HealthCheckResult.Unhealthy(string.Join("; ", problems), data: data);
    }
}

/// <summary>Loads every profile's engine when the service starts, so a broken model shows in /health at once.</summary>
public sealed class EngineProfileLoader<TEngine>(EngineProfileHost<TEngine> host) : IHostedService where TEngine : class, IEngine
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Not awaited: large models load in the background while the service already answers health probes.
        _ = host.LoadAllAsync(cancellationToken);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
