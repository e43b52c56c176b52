using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using k8s;
using k8s.Models;
using Xunit;

namespace ClinicalAspire.Deploy.Tests;

/// <summary>The repository's folders the tests read.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The folder holding ClinicalAspire.sln, found by walking up from the test assembly.</summary>
    public static string Root => LazyRoot.Value;

    public static string K8s => Path.Combine(Root, "deploy", "k8s");

    public static string Snapshot(string overlay) => Path.Combine(K8s, "rendered", overlay + ".yaml");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClinicalAspire.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"ClinicalAspire.sln not found above {AppContext.BaseDirectory}");
    }
}

/// <summary>Runs <c>kubectl kustomize</c> (kustomize v5 built into kubectl) and parses the output.</summary>
public static class Kustomize
{
    /// <summary>Every kustomization the deployment guide offers: the base and the overlays.</summary>
    public static readonly string[] Overlays = ["base", "gpu", "vllm", "external-redis"];

    public static TheoryData<string> OverlayData()
    {
        var data = new TheoryData<string>();
        foreach (var overlay in Overlays)
        {
            data.Add(overlay);
        }
        return data;
    }

    private static readonly ConcurrentDictionary<string, Lazy<Rendered>> Cache = new();
    private static readonly Lazy<string> Kubectl = new(FindKubectl);

    /// <param name="overlay">A folder below deploy/k8s.</param>
    /// <param name="typeMap">Model types of custom resources ("apiVersion/kind"), parsed as strictly as the API types.</param>
    public static Rendered Render(string overlay, IDictionary<string, Type>? typeMap = null) =>
        Cache.GetOrAdd(overlay, name => new Lazy<Rendered>(() =>
        {
            var yaml = RenderDirectory(Path.Combine(RepoPaths.K8s, name));
            return new Rendered(name, yaml, KubernetesYaml.LoadAllFromString(yaml, typeMap, strict: true));
        })).Value;

    /// <summary>The YAML <c>kubectl kustomize</c> prints for a kustomization folder.</summary>
    public static string RenderDirectory(string directory)
    {
        var (exitCode, stdout, stderr) = Run(Kubectl.Value, "kustomize", directory);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"kubectl kustomize {directory} failed ({exitCode}):\n{stderr}");
        }
        return stdout;
    }

    private static string FindKubectl()
    {
        const string Help =
            "Deploy.Tests need kubectl >= 1.27 (kustomize v5 inside) on PATH, or its path in the KUBECTL " +
            "environment variable. No cluster is needed: the tests only run `kubectl kustomize`. " +
            "Debian's kubernetes-client package (kubectl 1.20, kustomize v2) is too old; see deploy/README.md, 'CI'.";
        var kubectl = Environment.GetEnvironmentVariable("KUBECTL");
        if (string.IsNullOrWhiteSpace(kubectl))
        {
            kubectl = (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, "kubectl"))
                .FirstOrDefault(File.Exists);
        }
        if (kubectl is null || !File.Exists(kubectl))
        {
            throw new InvalidOperationException("kubectl not found. " + Help);
        }

        var (exitCode, stdout, stderr) = Run(kubectl, "version", "--client", "--output=json");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"`{kubectl} version --client` failed: {stderr}. {Help}");
        }
        using var json = JsonDocument.Parse(stdout);
        var kustomizeVersion = json.RootElement.TryGetProperty("kustomizeVersion", out var version) ? version.GetString() ?? "" : "";
        if (!kustomizeVersion.StartsWith("v5", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{kubectl} embeds kustomize '{kustomizeVersion}', not v5. {Help}");
        }
        return kubectl;
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in 2 minutes");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>A workload's pod template with the workload's kind and name.</summary>
public sealed record Workload(string Kind, string Name, V1ObjectMeta Metadata, V1PodTemplateSpec Template)
{
    public V1PodSpec Pod => Template.Spec;

    public IEnumerable<V1Container> InitContainers => Pod.InitContainers ?? [];

    public IEnumerable<V1Container> AllContainers => Pod.Containers.Concat(InitContainers);

    public string Label(string key) => Template.Metadata?.Labels?.TryGetValue(key, out var value) == true ? value : "";

    public override string ToString() => $"{Kind}/{Name}";
}

/// <summary>The objects of one rendered kustomization.</summary>
public sealed class Rendered(string overlay, string yaml, IReadOnlyList<object> objects)
{
    /// <summary>The .NET services of the stack (one image each, published by the SDK).</summary>
    public static readonly string[] DotNetServices = ["translator", "extractor", "evaluator", "dashboard"];

    public string Overlay { get; } = overlay;

    public string Yaml { get; } = yaml;

    public IReadOnlyList<object> Objects { get; } = objects;

    public IEnumerable<T> OfKind<T>() => Objects.OfType<T>();

    public T Single<T>(string name) where T : IMetadata<V1ObjectMeta> =>
        OfKind<T>().SingleOrDefault(o => o.Metadata.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"{Overlay}: no {typeof(T).Name} named {name}");

    public IEnumerable<Workload> Workloads =>
        OfKind<V1Deployment>().Select(d => new Workload("Deployment", d.Metadata.Name, d.Metadata, d.Spec.Template))
            .Concat(OfKind<V1StatefulSet>().Select(s => new Workload("StatefulSet", s.Metadata.Name, s.Metadata, s.Spec.Template)));

    public Workload Workload(string name) =>
        Workloads.SingleOrDefault(w => w.Name == name) ?? throw new Xunit.Sdk.XunitException($"{Overlay}: no workload {name}");

    /// <summary>The configuration a container gets from its ConfigMaps (envFrom) and literal env values.</summary>
    public IReadOnlyDictionary<string, string> Environment(string workload)
    {
        var container = Workload(workload).Pod.Containers[0];
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container.EnvFrom ?? [])
        {
            if (source.ConfigMapRef is { } reference)
            {
                foreach (var (key, value) in Single<V1ConfigMap>(reference.Name).Data ?? new Dictionary<string, string>())
                {
                    result[key] = value;
                }
            }
        }
        foreach (var variable in container.Env ?? [])
        {
            if (variable.Value is not null)
            {
                result[variable.Name] = variable.Value;
            }
        }
        return result;
    }
}
