using k8s.Models;
using Xunit;

namespace ClinicalAspire.Deploy.Tests;

/// <summary>What each overlay is for: GPUs, the model server, the Redis choice, the service wiring.</summary>
public class OverlayTests
{
    private const string Gpu = "nvidia.com/gpu";

    /// <summary>The study's translator as vLLM serves it (the name of data/profiles/study.example.json).</summary>
    public const string AyaModel = "CohereForAI/aya-expanse-8b";

    public static TheoryData<string> Overlays => Kustomize.OverlayData();

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Services_find_each_other_through_service_discovery_keys(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        // One evaluator (its runs and their watchers live in the process): the dashboard keeps the ClusterIP Service.
        Assert.Equal("http://evaluator:8081", rendered.Environment("dashboard")["services__evaluator__grpc__0"]);
        Assert.Contains(rendered.Single<V1Service>("evaluator").Spec.Ports, p => p.Name == "grpc" && p.Port == 8081);
        Assert.DoesNotContain(rendered.OfKind<V1Service>(), s => s.Metadata.Name == "evaluator-headless");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_scaled_backends_are_called_pod_by_pod_through_headless_services_round_robin(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        foreach (var (client, server) in new[] { ("evaluator", "extractor"), ("extractor", "translator") })
        {
            var environment = rendered.Environment(client);
            Assert.Equal($"dns:///{server}-headless:8081", environment[$"Services__{server}__Address"]);
            Assert.Equal("round_robin", environment[$"Services__{server}__LoadBalancing"]);
            // No second, connection-balanced way to the same server.
            Assert.DoesNotContain(environment.Keys, key => key.Equals($"services__{server}__grpc__0", StringComparison.OrdinalIgnoreCase));

            var headless = rendered.Single<V1Service>($"{server}-headless");
            Assert.Equal("None", headless.Spec.ClusterIP);
            // The same pods as the ClusterIP Service (kept for port-forwarding and ad-hoc calls), on the container's grpc port.
            Assert.Equal(rendered.Single<V1Service>(server).Spec.Selector, headless.Spec.Selector);
            Assert.Equal(rendered.Workload(server).Template.Metadata.Labels["app.kubernetes.io/name"], headless.Spec.Selector["app.kubernetes.io/name"]);
            var port = Assert.Single(headless.Spec.Ports);
            Assert.Equal(("grpc", 8081, "grpc"), (port.Name, port.Port, port.TargetPort.Value));
            Assert.Contains(rendered.Workload(server).Pod.Containers.SelectMany(c => c.Ports ?? []), p => p.Name == "grpc" && p.ContainerPort == 8081);
        }
    }

    [Theory]
    [InlineData("base")]
    [InlineData("external-redis")]
    public void The_cpu_stacks_use_the_embedded_engines_and_no_gpu(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        Assert.Equal("rules", rendered.Environment("extractor")["Engine__Kind"]);
        Assert.Equal("gloss", rendered.Environment("translator")["Engine__Kind"]);
        AssertNoGpu(rendered, rendered.Workloads.Select(w => w.Name));
    }

    [Fact]
    public void The_gpu_overlay_runs_the_extractor_onnx_on_cuda_with_one_gpu_and_a_read_only_model_folder()
    {
        const string service = "extractor";
        var rendered = Kustomize.Render("gpu");
        var workload = rendered.Workload(service);
        var container = workload.Pod.Containers[0];

        Assert.Equal(1m, container.Resources.Limits[Gpu].ToDecimal());
        Assert.Equal(1m, container.Resources.Requests[Gpu].ToDecimal());
        Assert.Equal("true", workload.Pod.NodeSelector["nvidia.com/gpu.present"]);
        Assert.Contains(workload.Pod.Tolerations, t => t.Key == Gpu && t.Effect == "NoSchedule");
        Assert.EndsWith("-cuda", container.Image, StringComparison.Ordinal);

        var environment = rendered.Environment(service);
        Assert.Equal("onnx", environment["Engine__Kind"]);
        Assert.Equal("cuda", environment["Engine__ExecutionProvider"]);
        var modelPath = environment["Engine__ModelPath"];
        Assert.Matches("^/models/[a-z0-9][a-z0-9._-]+$", modelPath);

        var mount = Assert.Single(container.VolumeMounts, m => m.MountPath == "/models");
        Assert.True(mount.ReadOnlyProperty);
        var claim = workload.Pod.Volumes.Single(v => v.Name == mount.Name).PersistentVolumeClaim;
        Assert.Equal("clinicalaspire-models", claim.ClaimName);
        rendered.Single<V1PersistentVolumeClaim>("clinicalaspire-models");

        // The optional model-fetch init container fills exactly that folder from the ConfigMap's model store.
        var fetch = Assert.Single(workload.InitContainers);
        Assert.Equal(
            container.EnvFrom.Select(e => e.ConfigMapRef.Name).Single(n => n.StartsWith($"{service}-config", StringComparison.Ordinal)),
            fetch.Env.Single(e => e.Name == "Engine__ModelPath").ValueFrom.ConfigMapKeyRef.Name);
        var store = fetch.Env.Single(e => e.Name == "MODEL_STORE_URL").ValueFrom.ConfigMapKeyRef;
        Assert.StartsWith("http", rendered.Single<V1ConfigMap>(store.Name).Data[store.Key], StringComparison.Ordinal);
        Assert.Null(workload.Pod.Containers.SelectMany(c => c.VolumeMounts).SingleOrDefault(m => m.MountPath == "/models" && m.ReadOnlyProperty != true));

        var autoscaler = rendered.Single<V2HorizontalPodAutoscaler>(service);
        Assert.True(autoscaler.Spec.MaxReplicas <= 4, "one GPU per pod: cap the autoscaler at the GPUs the service may take");
    }

    [Fact]
    public void The_gpu_overlay_leaves_the_other_workloads_on_cpu()
    {
        AssertNoGpu(Kustomize.Render("gpu"), ["dashboard", "evaluator", "translator", "redis"]);
    }

    [Fact]
    public void The_vllm_overlay_serves_the_extractor_from_a_pinned_openai_compatible_server_on_a_gpu()
    {
        var rendered = Kustomize.Render("vllm");
        var servedModel = AssertVllmServer(rendered, "vllm");
        Assert.StartsWith("qwen2.5-7b", servedModel, StringComparison.Ordinal);

        var environment = rendered.Environment("extractor");
        Assert.Equal("openai", environment["Engine__Kind"]);
        Assert.Equal("http://vllm:8000/v1", environment["Engine__Endpoint"]);
        Assert.Equal(servedModel, environment["Engine__Model"]);
        AssertNoGpu(rendered, ["dashboard", "evaluator", "extractor", "translator", "redis"]);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("vllm")]
    public void The_translator_calls_aya_on_its_own_vllm_server(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        Assert.Equal(AyaModel, AssertVllmServer(rendered, "vllm-aya"));

        var environment = rendered.Environment("translator");
        Assert.Equal("openai", environment["Engine__Kind"]);
        Assert.Equal("http://vllm-aya:8000/v1", environment["Engine__Endpoint"]);
        Assert.Equal(AyaModel, environment["Engine__Model"]);
        Assert.DoesNotContain("Engine__ModelPath", environment.Keys);
        // A thin client of the server: the CPU image, no GPU, no models volume.
        var translator = rendered.Workload("translator");
        Assert.DoesNotContain("-cuda", translator.Pod.Containers[0].Image, StringComparison.Ordinal);
        Assert.Empty(translator.InitContainers);
        Assert.DoesNotContain(translator.Pod.Volumes, v => v.PersistentVolumeClaim is not null);
        AssertNoGpu(rendered, ["translator"]);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void No_overlay_expects_an_onnx_folder_for_aya(string overlay)
    {
        // Aya-expanse-8B (Cohere architecture) cannot be converted by the ONNX Runtime GenAI model builder.
        var rendered = Kustomize.Render(overlay);
        Assert.DoesNotMatch(@"(?i)/models/(?!hf/)\S*aya", rendered.Yaml);
        foreach (var configMap in rendered.OfKind<V1ConfigMap>())
        {
            var data = configMap.Data ?? new Dictionary<string, string>();
            Assert.False(
                data.TryGetValue("Engine__Kind", out var kind) && kind == "onnx" && data.Any(d => d.Value.Contains("aya", StringComparison.OrdinalIgnoreCase)),
                $"{overlay}: ConfigMap {configMap.Metadata.Name} runs Aya on onnx");
        }
    }

    [Theory]
    [InlineData("base")]
    [InlineData("gpu")]
    [InlineData("vllm")]
    public void The_store_of_record_is_a_password_protected_append_only_statefulset_that_never_evicts(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var store = rendered.Single<V1StatefulSet>("redis-store");
        var commandLine = RedisCommandLine(store);

        Assert.Contains("--appendonly yes", commandLine, StringComparison.Ordinal);
        Assert.Contains("--appendfsync everysec", commandLine, StringComparison.Ordinal);
        Assert.Contains("--maxmemory-policy noeviction", commandLine, StringComparison.Ordinal);
        Assert.Matches(@"--maxmemory \d+mb", commandLine);
        Assert.Contains("requirepass", commandLine, StringComparison.Ordinal);
        var container = Assert.Single(store.Spec.Template.Spec.Containers);
        Assert.Equal("clinicalaspire-redis", container.Env.Single(e => e.Name == "REDIS_PASSWORD").ValueFrom.SecretKeyRef.Name);
        var claim = Assert.Single(store.Spec.VolumeClaimTemplates);
        Assert.Equal("data", claim.Metadata.Name);
        Assert.Contains("ReadWriteOnce", claim.Spec.AccessModes);
        Assert.Contains(container.VolumeMounts, m => m.Name == claim.Metadata.Name && m.MountPath == "/data");
        Assert.Equal("redis-store-headless", store.Spec.ServiceName);
        Assert.Equal("None", rendered.Single<V1Service>("redis-store-headless").Spec.ClusterIP);
        Assert.Equal("redis-store", rendered.Single<V1PodDisruptionBudget>("redis-store").Spec.Selector.MatchLabels["app.kubernetes.io/name"]);

        // Only the Evaluator keeps records; every Redis client names its password before the connection strings use it.
        Assert.StartsWith("redis-store:6379,password=$(REDIS_PASSWORD)", rendered.Environment("evaluator")["ConnectionStrings__store"], StringComparison.Ordinal);
        foreach (var client in new[] { "evaluator", "extractor", "translator" })
        {
            var env = rendered.Workload(client).Pod.Containers[0].Env.Select(e => e.Name).ToList();
            Assert.True(env.IndexOf("REDIS_PASSWORD") >= 0 && env.IndexOf("REDIS_PASSWORD") < env.IndexOf("ConnectionStrings__cache"));
            Assert.True(env.IndexOf("ConnectionStrings__store") < 0 || env.IndexOf("REDIS_PASSWORD") < env.IndexOf("ConnectionStrings__store"));
            Assert.StartsWith("redis:6379,password=$(REDIS_PASSWORD)", rendered.Environment(client)["ConnectionStrings__cache"], StringComparison.Ordinal);
        }
        Assert.DoesNotContain("ConnectionStrings__store", rendered.Environment("extractor").Keys);
        Assert.DoesNotContain("ConnectionStrings__store", rendered.Environment("translator").Keys);
        Assert.DoesNotContain("ConnectionStrings__cache", rendered.Environment("dashboard").Keys);
    }

    [Theory]
    [InlineData("base")]
    [InlineData("gpu")]
    [InlineData("vllm")]
    public void The_cache_evicts_any_key_under_its_ceiling_and_keeps_nothing_on_disk(string overlay)
    {
        var cache = Kustomize.Render(overlay).Single<V1StatefulSet>("redis");
        var commandLine = RedisCommandLine(cache);

        Assert.Contains("--maxmemory-policy allkeys-lru", commandLine, StringComparison.Ordinal);
        Assert.Matches(@"--maxmemory \d+mb", commandLine);
        Assert.Contains("--appendonly no", commandLine, StringComparison.Ordinal);
        Assert.Contains("--save ''", commandLine, StringComparison.Ordinal);
        Assert.Contains("requirepass", commandLine, StringComparison.Ordinal);
        // A StatefulSet's claims cannot change: the cache keeps the claim it had as the only Redis.
        Assert.Equal("data", Assert.Single(cache.Spec.VolumeClaimTemplates).Metadata.Name);
    }

    private static string RedisCommandLine(V1StatefulSet redis)
    {
        var container = Assert.Single(redis.Spec.Template.Spec.Containers);
        return string.Join(' ', container.Command.Concat(container.Args ?? []));
    }

    [Fact]
    public void The_external_redis_overlay_drops_the_statefulsets_and_reads_the_connection_strings_from_a_secret()
    {
        var rendered = Kustomize.Render("external-redis");

        Assert.Empty(rendered.OfKind<V1StatefulSet>());
        Assert.Empty(rendered.OfKind<V1PersistentVolumeClaim>());
        Assert.Empty(rendered.OfKind<V1CronJob>());
        Assert.DoesNotContain(rendered.OfKind<V1Service>(), s => s.Metadata.Name.StartsWith("redis", StringComparison.Ordinal));
        Assert.DoesNotContain(rendered.OfKind<V1ConfigMap>(), c => c.Metadata.Name.StartsWith("redis", StringComparison.Ordinal));
        Assert.DoesNotContain(rendered.OfKind<V1PodDisruptionBudget>(), b => b.Metadata.Name.StartsWith("redis", StringComparison.Ordinal));
        Assert.DoesNotContain(rendered.OfKind<V1NetworkPolicy>(), p => p.Metadata.Name is "redis" or "allow-redis-egress" or "redis-store" or "allow-redis-store-egress");

        foreach (var client in new[] { "evaluator", "extractor", "translator" })
        {
            var env = rendered.Workload(client).Pod.Containers[0].Env;
            var cache = env.Single(e => e.Name == "ConnectionStrings__cache");
            Assert.Null(cache.Value);
            Assert.Equal("clinicalaspire-redis-external", cache.ValueFrom.SecretKeyRef.Name);
            Assert.Equal("connection-string", cache.ValueFrom.SecretKeyRef.Key);
            Assert.DoesNotContain(env, e => e.Name == "REDIS_PASSWORD");
        }
        // The store's own instance is optional: without the key the Evaluator's store falls back to the cache's.
        var store = rendered.Workload("evaluator").Pod.Containers[0].Env.Single(e => e.Name == "ConnectionStrings__store");
        Assert.Null(store.Value);
        Assert.Equal(("clinicalaspire-redis-external", "store-connection-string", (bool?)true),
            (store.ValueFrom.SecretKeyRef.Name, store.ValueFrom.SecretKeyRef.Key, store.ValueFrom.SecretKeyRef.Optional));
    }

    /// <summary>
    /// A pinned vLLM server on one GPU node, serving offline from the read-only models volume on port 8000 behind a
    /// Service of its name; returns the model name it serves.
    /// </summary>
    private static string AssertVllmServer(Rendered rendered, string name)
    {
        var workload = rendered.Workload(name);
        var container = Assert.Single(workload.Pod.Containers);

        Assert.Matches(@"^vllm/vllm-openai:v\d+\.\d+\.\d+(\.\d+)?$", container.Image);
        Assert.Equal(1m, container.Resources.Requests[Gpu].ToDecimal());
        Assert.Equal(1m, container.Resources.Limits[Gpu].ToDecimal());
        Assert.Equal("true", workload.Pod.NodeSelector["nvidia.com/gpu.present"]);
        Assert.Contains(workload.Pod.Tolerations, t => t.Key == Gpu && t.Effect == "NoSchedule");
        foreach (var probe in new[] { container.StartupProbe, container.ReadinessProbe, container.LivenessProbe })
        {
            Assert.Equal("/health", probe.HttpGet.Path);
        }

        var args = VllmArgs(container);
        Assert.StartsWith("/models/hf/", args["--model"], StringComparison.Ordinal);
        Assert.Equal("8000", args["--port"]);
        Assert.True(container.VolumeMounts.Single(m => m.MountPath == "/models").ReadOnlyProperty);
        Assert.Contains(container.Env, e => e.Name == "HF_HUB_OFFLINE" && e.Value == "1");
        var service = rendered.Single<V1Service>(name);
        Assert.Equal(name, service.Spec.Selector["app.kubernetes.io/name"]);
        Assert.Equal(8000, service.Spec.Ports.Single().Port);
        return args["--served-model-name"];
    }

    public static Dictionary<string, string> VllmArgs(V1Container container) =>
        container.Args.Select(a => a.Split('=', 2)).Where(a => a.Length == 2).ToDictionary(a => a[0], a => a[1]);

    private static void AssertNoGpu(Rendered rendered, IEnumerable<string> workloads)
    {
        foreach (var name in workloads)
        {
            var workload = rendered.Workload(name);
            Assert.All(workload.AllContainers, c => Assert.False(
                (c.Resources?.Limits?.ContainsKey(Gpu) ?? false) || (c.Resources?.Requests?.ContainsKey(Gpu) ?? false),
                $"{rendered.Overlay}: {workload} asks for a GPU"));
            Assert.Null(workload.Pod.NodeSelector);
        }
    }
}
