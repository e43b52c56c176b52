namespace ClinicalAspire.AppHost;

/// <summary>Endpoint names every gRPC service declares in its Kestrel configuration.</summary>
public static class GrpcEndpoints
{
    /// <summary>HTTP/1.1: /health and /alive (probes can't speak h2c).</summary>
    public const string Http = "http";

    /// <summary>HTTP/2 without TLS: the gRPC services.</summary>
    public const string Grpc = "grpc";
}

public static class ResourceBuilderExtensions
{
    /// <summary>Health from the HTTP/1.1 endpoint, and a quick telemetry shutdown.</summary>
    public static IResourceBuilder<ProjectResource> WithGrpcServiceDefaults(this IResourceBuilder<ProjectResource> builder) =>
        builder.WithHttpHealthCheck("/health", endpointName: GrpcEndpoints.Http).WithQuickTelemetryShutdown();

    /// <summary>
    /// Where a local model runs and how an OpenAI-compatible server is reached. Optional settings are read
    /// from the AppHost configuration (Parameters:*) and passed only when set: an empty Aspire parameter
    /// would hold the resource back waiting for a value.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithModelSettings(
        this IResourceBuilder<ProjectResource> builder,
        IResourceBuilder<ParameterResource> executionProvider,
        IResourceBuilder<ParameterResource>? apiKey,
        string modelPathParameter)
    {
        var configuration = builder.ApplicationBuilder.Configuration;
        builder.WithEnvironment("Engine__ExecutionProvider", executionProvider);
        foreach (var (parameter, variable) in new[]
        {
            (modelPathParameter, "Engine__ModelPath"),
            ("openai-endpoint", "Engine__Endpoint"),
            ("openai-model", "Engine__Model"),
        })
        {
            if (configuration[$"Parameters:{parameter}"] is { Length: > 0 } value)
            {
                builder.WithEnvironment(variable, value);
            }
        }
        if (apiKey is not null)
        {
            builder.WithEnvironment("Engine__ApiKey", apiKey);
        }
        return builder;
    }

    /// <summary>
    /// Aspire asks services to retry OTLP export in memory; at shutdown they then keep retrying against a
    /// dashboard that is already gone until DCP kills them. A short export timeout and no retry stop them in seconds.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithQuickTelemetryShutdown(this IResourceBuilder<ProjectResource> builder) =>
        builder.WithEnvironment(context =>
        {
            if (context.ExecutionContext.IsRunMode)
            {
                context.EnvironmentVariables.Remove("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY");
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_TIMEOUT"] = "1000";
            }
        });
}
