using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicalAspire.AppHost.Cache;

/// <summary>Which Redis the "cache" resource is.</summary>
public enum CacheMode
{
    /// <summary>Container if a runtime answers, else redis-server on PATH, else embedded Garnet.</summary>
    Auto,
    /// <summary>The Redis container (Aspire.Hosting.Redis); needs Docker or Podman.</summary>
    Container,
    /// <summary>A local redis-server process.</summary>
    RedisServer,
    /// <summary>Microsoft Garnet hosted in the EmbeddedRedis project: needs only the .NET SDK.</summary>
    Embedded,
    /// <summary>An existing Redis from ConnectionStrings:cache.</summary>
    External,
}

public static class CacheResourceExtensions
{
    /// <summary>
    /// Adds the "cache" resource. Aspire refuses to start when a container resource is in the model and
    /// no runtime is healthy, so "auto" decides before adding anything (configuration: Cache:Mode).
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddClinicalCache(this IDistributedApplicationBuilder builder, string name)
    {
        var section = builder.Configuration.GetSection("Cache");
        var mode = ParseMode(section["Mode"]);
        var persistent = section.GetValue("Persistent", true);

        if (builder.ExecutionContext.IsPublishMode)
        {
            // Deployments get a real Redis (the Kubernetes manifests in deploy/k8s ship their own).
            return builder.AddRedis(name);
        }

        if (mode == CacheMode.Auto)
        {
            mode = ContainerRuntimeIsHealthy() ? CacheMode.Container
                : FindOnPath("redis-server") is not null ? CacheMode.RedisServer
                : CacheMode.Embedded;
        }

        var dataDirectory = Path.GetFullPath(section["DataDirectory"] ?? Path.Combine(builder.AppHostDirectory, ".data", name));
        return mode switch
        {
            CacheMode.External => builder.AddConnectionString(name),
            CacheMode.Container => persistent ? builder.AddRedis(name).WithDataVolume().WithPersistence() : builder.AddRedis(name),
            CacheMode.RedisServer => builder.AddLocalRedis(name, "redis-server", RedisServerArgs(persistent, dataDirectory)),
            _ => builder.AddLocalRedis(name, "dotnet", GarnetArgs(persistent, dataDirectory)),
        };
    }

    private static CacheMode ParseMode(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => CacheMode.Auto,
        "container" => CacheMode.Container,
        "redis-server" or "redisserver" => CacheMode.RedisServer,
        "embedded" or "garnet" => CacheMode.Embedded,
        "external" => CacheMode.External,
        _ => throw new InvalidOperationException($"Cache:Mode '{value}' is unknown; use auto, container, redis-server, embedded or external."),
    };

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalRedis(
        this IDistributedApplicationBuilder builder, string name, string command, Func<string, IEnumerable<string>> argsBeforePort)
    {
        var resource = new LocalRedisResource(name, command, builder.AppHostDirectory);
        var resourceBuilder = builder.AddResource(resource)
            // Not proxied: services talk to Redis directly, one hop less on every cache lookup.
            .WithEndpoint(name: LocalRedisResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                foreach (var arg in argsBeforePort(name))
                {
                    context.Args.Add(arg);
                }
                context.Args.Add("--port");
                context.Args.Add(resource.Endpoint.Property(EndpointProperty.TargetPort));
            });

        // WaitFor(cache) waits until Redis really answers PING, not just until the process started.
        var healthCheckKey = $"{name}_redis_check";
        builder.Services.AddHealthChecks().AddRedis(
            _ => resource.ConnectionStringExpression.GetValueAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult()
                 ?? throw new InvalidOperationException("the cache endpoint is not allocated yet"),
            name: healthCheckKey);
        return resourceBuilder.WithHealthCheck(healthCheckKey);
    }

    private static Func<string, IEnumerable<string>> RedisServerArgs(bool persistent, string dataDirectory) => _ =>
    {
        if (!persistent)
        {
            return ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
        }
        Directory.CreateDirectory(dataDirectory);
        // Append-only file: runs and datasets survive a restart of Redis.
        return ["--bind", "127.0.0.1", "--dir", dataDirectory, "--appendonly", "yes", "--appendfsync", "everysec"];
    };

    private static Func<string, IEnumerable<string>> GarnetArgs(bool persistent, string dataDirectory) => _ =>
    {
        var args = new List<string> { EmbeddedRedisAssemblyPath(), "--bind", "127.0.0.1" };
        if (persistent)
        {
            Directory.CreateDirectory(dataDirectory);
            args.AddRange(["--data-dir", dataDirectory]);
        }
        return args;
    };

    /// <summary>The EmbeddedRedis project is built with the AppHost (project reference); run its output.</summary>
    private static string EmbeddedRedisAssemblyPath()
    {
        var projectDirectory = Path.GetDirectoryName(new Projects.EmbeddedRedis().ProjectPath)!;
        var configuration = typeof(CacheResourceExtensions).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        return Path.Combine(projectDirectory, "bin", configuration, "net10.0", "EmbeddedRedis.dll");
    }

    private static bool ContainerRuntimeIsHealthy()
    {
        var runtime = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME") ?? "docker";
        if (FindOnPath(runtime) is null)
        {
            return false;
        }
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, "info --format {{.ServerVersion}}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return false;
            }
            if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static string? FindOnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, command))
            .FirstOrDefault(File.Exists);
}
