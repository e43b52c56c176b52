using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Aspire service defaults: telemetry, health, service discovery and resilience, the same in every service.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Readiness: every check, dependencies included.</summary>
    public const string HealthPath = "/health";

    /// <summary>Liveness: only the checks tagged "live" (the process answers).</summary>
    public const string AlivePath = "/alive";

    /// <summary>Prefix of every ActivitySource and Meter of this project.</summary>
    public const string TelemetryPrefix = "ClinicalAspire";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler(options =>
            {
                // Model calls and run streams are long: the defaults (10 s per attempt) would cut them.
                options.AttemptTimeout.Timeout = TimeSpan.FromMinutes(5);
                options.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(15);
                options.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(10);
                // Another service's answer (INVALID_ARGUMENT, NOT_FOUND, ...) is never retried nor counted as a failure.
                options.Retry.ShouldHandle = args => ValueTask.FromResult(GrpcClientFailures.IsTransient(args.Outcome, args.Context.CancellationToken));
                options.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(GrpcClientFailures.IsTransient(args.Outcome, args.Context.CancellationToken));
            });
            http.AddServiceDiscovery();
        });
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Grpc.AspNetCore logs every error status with its detail at Information, and the client logs the detail it got:
        // details are written to carry no caller text, and this keeps the framework's own lines out of stdout and OTLP too
        // (Warning and above: failures of the framework itself, with exception types).
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            // Log messages are written to carry ids and hashes only, never clinical text.
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter($"{TelemetryPrefix}.*"))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource($"{TelemetryPrefix}.*")
                .AddAspNetCoreInstrumentation(options =>
                    // Probes would drown the traces that matter.
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthPath)
                        && !context.Request.Path.StartsWithSegments(AlivePath))
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Maps /health and /alive in every environment (Kubernetes probes use them too), on every endpoint;
    /// the HTTP/1.1 endpoint is the one probes reach.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthPath, new HealthCheckOptions { ResponseWriter = HealthResponseWriter.WriteAsync });
        app.MapHealthChecks(AlivePath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains("live"),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
        return app;
    }
}
