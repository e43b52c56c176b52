using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicalAspire.AppHost.Cache;

/// <summary>What a Redis resource holds, which decides its eviction and persistence.</summary>
public enum RedisRole
{
    /// <summary>One server for the caches and the store of record (the default): evict only keys with a TTL.</summary>
    Shared,
    /// <summary>Only the result caches (with <c>Redis:SeparateStore</c>): evict any key.</summary>
    Cache,
    /// <summary>Only the Evaluator's store of record: never evict, always persist.</summary>
    Store,
}

/// <summary>Which Redis the "cache" (and "store") resources are.</summary>
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
    /// Adds a Redis resource in a role (configuration: Cache:Mode for both roles; Cache:Persistent, Cache:MaxMemory,
    /// Cache:DataDirectory for the cache; Store:Persistent, Store:MaxMemory, Store:DataDirectory for the store). Aspire
    /// refuses to start when a container resource is in the model and no runtime is healthy, so "auto" decides before
    /// adding anything.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddClinicalRedis(this IDistributedApplicationBuilder builder, string name, RedisRole role)
    {
        var mode = ParseMode(builder.Configuration["Cache:Mode"]);
        var section = builder.Configuration.GetSection(role == RedisRole.Store ? "Store" : "Cache");
        var persistent = section.GetValue("Persistent", true);
        // The store has no ceiling unless one is set: it refuses writes there (noeviction) rather than lose records.
        var maxMemory = section["MaxMemory"] ?? (role == RedisRole.Store ? null : DefaultMaxMemory);
        var serverArgs = RoleArgs(role, maxMemory);

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
            CacheMode.Container => (persistent ? builder.AddRedis(name).WithDataVolume().WithPersistence() : builder.AddRedis(name))
                .WithServerArgs([.. serverArgs, .. persistent && role != RedisRole.Cache ? AppendOnly : []]),
            CacheMode.RedisServer => builder.AddLocalRedis(name, "redis-server", RedisServerArgs(persistent, dataDirectory, serverArgs)),
            _ => builder.AddLocalRedis(name, "dotnet", GarnetArgs(persistent, dataDirectory, maxMemory)),
        };
    }

    public const string DefaultMaxMemory = "512mb";

    /// <summary>The store of record for a project, when it is a server of its own (else the project falls back to "cache").</summary>
    public static IResourceBuilder<ProjectResource> WithStore(this IResourceBuilder<ProjectResource> project, IResourceBuilder<IResourceWithConnectionString>? store) =>
        store is null ? project : project.WithReference(store).WaitFor(store);

    /// <summary>The redis-server arguments of the ceiling: evict cache entries (TTL) only, least recently used first.</summary>
    public static string[] CeilingArgs(string maxMemory) => ["--maxmemory", maxMemory, "--maxmemory-policy", "volatile-lru"];

    /// <summary>
    /// The memory arguments of a role: shared, evict only keys with a TTL (cache entries; the store's have none); cache
    /// alone, evict any key; store, never evict (writes fail at the ceiling, if one is set).
    /// </summary>
    public static string[] RoleArgs(RedisRole role, string? maxMemory) => role switch
    {
        RedisRole.Shared => CeilingArgs(maxMemory ?? DefaultMaxMemory),
        RedisRole.Cache => ["--maxmemory", maxMemory ?? DefaultMaxMemory, "--maxmemory-policy", "allkeys-lru"],
        _ => maxMemory is null ? ["--maxmemory-policy", "noeviction"] : ["--maxmemory", maxMemory, "--maxmemory-policy", "noeviction"],
    };

    // Records must survive a crash of Redis: every write is in the append-only file within a second.
    private static readonly string[] AppendOnly = ["--appendonly", "yes", "--appendfsync", "everysec"];

    /// <summary>
    /// Aspire starts the Redis container as <c>/bin/sh -c "redis-server ..."</c>: the arguments join that command line
    /// (arguments after it would go to the shell, not to Redis); an image started as redis-server directly gets them appended.
    /// </summary>
    private static IResourceBuilder<RedisResource> WithServerArgs(this IResourceBuilder<RedisResource> redis, string[] serverArgs) =>
        redis.WithArgs(context =>
        {
            var index = context.Args.Select((a, i) => a is string s && s.StartsWith("redis-server", StringComparison.Ordinal) ? i : -1).FirstOrDefault(i => i >= 0, -1);
            if (index >= 0 && context.Args[index] is string command && command.Contains(' ', StringComparison.Ordinal))
            {
                context.Args[index] = $"{command} {string.Join(' ', serverArgs)}";
                return;
            }
            foreach (var arg in serverArgs)
            {
                context.Args.Add(arg);
            }
        });

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

    private static Func<string, IEnumerable<string>> RedisServerArgs(bool persistent, string dataDirectory, string[] serverArgs) => _ =>
    {
        if (!persistent)
        {
            return ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", .. serverArgs];
        }
        Directory.CreateDirectory(dataDirectory);
        // Append-only file: runs and datasets survive a restart of Redis.
        return ["--bind", "127.0.0.1", "--dir", dataDirectory, .. AppendOnly, .. serverArgs];
    };

    private static Func<string, IEnumerable<string>> GarnetArgs(bool persistent, string dataDirectory, string? maxMemory) => _ =>
    {
        // Garnet spills to disk past its memory instead of evicting, in every role; the store gets no limit unless set.
        var args = new List<string> { EmbeddedRedisAssemblyPath(), "--bind", "127.0.0.1" };
        if (maxMemory is not null)
        {
            args.AddRange(["--memory", maxMemory]);
        }
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
