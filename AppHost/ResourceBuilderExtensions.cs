using System.Text.Json;

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
        string role)
    {
        var configuration = builder.ApplicationBuilder.Configuration;
        builder.WithEnvironment("Engine__ExecutionProvider", executionProvider);
        foreach (var (parameter, variable) in new[]
        {
            ($"{role}-model-path", "Engine__ModelPath"),
            // Model calls a replica runs at once (ONNX: 1, as on one GPU; OpenAI-compatible: unlimited unless set).
            ($"{role}-max-concurrency", "Engine__MaxConcurrency"),
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
    /// Engine profiles: the Extractor and the Translator read the same file (<c>Profiles:File</c>, made absolute here since
    /// services run from their own folders). API keys stay out of the file: each <c>apiKeySecret</c> it names is passed
    /// from a secret Aspire parameter of that name, when one is configured (Parameters:{name}).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithEngineProfiles(this IResourceBuilder<ProjectResource> builder)
    {
        var app = builder.ApplicationBuilder;
        if (app.Configuration["Profiles:File"] is not { Length: > 0 } file)
        {
            return builder;
        }
        var path = Path.GetFullPath(file);
        if (!File.Exists(path))
        {
            throw new DistributedApplicationException($"Profiles:File '{path}' does not exist.");
        }
        builder.WithEnvironment("Profiles__File", path);
        foreach (var secret in SecretNames(path))
        {
            if (app.Configuration[$"Parameters:{secret}"] is { Length: > 0 })
            {
                var parameter = app.Resources.OfType<ParameterResource>().FirstOrDefault(p => p.Name == secret) is { } existing
                    ? app.CreateResourceBuilder(existing)
                    : app.AddParameter(secret, secret: true);
                builder.WithEnvironment($"Secrets__{secret}", parameter);
            }
        }
        return builder;
    }

    /// <summary>The apiKeySecret names of a profiles file (the services validate the rest, with line numbers).</summary>
    private static IEnumerable<string> SecretNames(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException)
        {
            yield break; // the services report the broken line
        }
        using (document)
        {
            if (!document.RootElement.TryGetProperty("profiles", out var profiles) || profiles.ValueKind != JsonValueKind.Array)
            {
                yield break;
            }
            foreach (var profile in profiles.EnumerateArray())
            {
                foreach (var role in new[] { "extractor", "translator" })
                {
                    if (profile.ValueKind == JsonValueKind.Object && profile.TryGetProperty(role, out var settings) && settings.ValueKind == JsonValueKind.Object
                        && settings.TryGetProperty("apiKeySecret", out var secret) && secret.GetString() is { Length: > 0 } name)
                    {
                        yield return name;
                    }
                }
            }
        }
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
