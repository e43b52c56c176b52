using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClinicalAspire.Contracts.Common.V1;

public static class HealthStatusExtensions
{
    /// <summary>The service's own health checks (except liveness) as component statuses, for status pages.</summary>
    public static async Task<IEnumerable<ComponentStatus>> DependencyStatusAsync(this HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(registration => !registration.Tags.Contains("live"), cancellationToken);
        return report.Entries.Select(entry => new ComponentStatus
        {
            Name = entry.Key,
            Status = entry.Value.Status.ToString(),
            Detail = entry.Value.Description ?? "",
            LatencyMs = entry.Value.Duration.TotalMilliseconds,
        });
    }
}
