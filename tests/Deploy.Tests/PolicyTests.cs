using System.Text.RegularExpressions;
using k8s.Models;
using Xunit;

namespace ClinicalAspire.Deploy.Tests;

/// <summary>The deployment policies every workload of every overlay follows.</summary>
public partial class PolicyTests
{
    public static TheoryData<string> Overlays => Kustomize.OverlayData();

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_container_has_startup_readiness_and_liveness_probes(string overlay)
    {
        foreach (var workload in Kustomize.Render(overlay).Workloads)
        {
            foreach (var container in workload.Pod.Containers)
            {
                var where = $"{overlay}: {workload} container {container.Name}";
                Assert.True(container.StartupProbe is not null, $"{where} has no startupProbe");
                Assert.True(container.ReadinessProbe is not null, $"{where} has no readinessProbe");
                Assert.True(container.LivenessProbe is not null, $"{where} has no livenessProbe");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void DotNet_services_probe_health_and_alive_on_the_http1_port(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        foreach (var name in Rendered.DotNetServices)
        {
            var container = Assert.Single(rendered.Workload(name).Pod.Containers);
            var ports = container.Ports.ToDictionary(p => p.Name, p => p.ContainerPort);
            Assert.Equal(8080, ports["http"]);
            Assert.Equal(name == "dashboard" ? (int?)null : 8081, ports.TryGetValue("grpc", out var grpc) ? grpc : (int?)null);

            Assert.Equal("/health", container.ReadinessProbe.HttpGet?.Path);
            Assert.Equal("/alive", container.LivenessProbe.HttpGet?.Path);
            Assert.Equal("/alive", container.StartupProbe.HttpGet?.Path);
            foreach (var probe in new[] { container.ReadinessProbe, container.LivenessProbe, container.StartupProbe })
            {
                Assert.Equal("http", probe.HttpGet.Port.Value);
            }

            // The Kestrel endpoints the probes and the Service reach.
            var environment = rendered.Environment(name);
            Assert.Equal("http://+:8080", environment["Kestrel__Endpoints__http__Url"]);
            Assert.Equal(name == "dashboard" ? null : "http://+:8081", environment.GetValueOrDefault("Kestrel__Endpoints__grpc__Url"));
            Assert.Equal(name, environment["OTEL_SERVICE_NAME"]);
            Assert.StartsWith("http://", environment["OTEL_EXPORTER_OTLP_ENDPOINT"], StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_container_has_cpu_and_memory_requests_and_limits(string overlay)
    {
        foreach (var workload in Kustomize.Render(overlay).Workloads)
        {
            foreach (var container in workload.AllContainers)
            {
                var where = $"{overlay}: {workload} container {container.Name}";
                foreach (var resource in new[] { "cpu", "memory" })
                {
                    Assert.True(container.Resources?.Requests?.ContainsKey(resource) == true, $"{where} requests no {resource}");
                    Assert.True(container.Resources?.Limits?.ContainsKey(resource) == true, $"{where} has no {resource} limit");
                    Assert.True(
                        container.Resources.Requests[resource].ToDecimal() <= container.Resources.Limits[resource].ToDecimal(),
                        $"{where} requests more {resource} than its limit");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_pod_runs_non_root_read_only_without_privileges_or_token(string overlay)
    {
        foreach (var workload in Kustomize.Render(overlay).Workloads)
        {
            var pod = workload.Pod;
            Assert.False(pod.AutomountServiceAccountToken ?? true, $"{overlay}: {workload} mounts a service account token");
            Assert.True(pod.SecurityContext?.RunAsNonRoot == true, $"{overlay}: {workload} pod is not runAsNonRoot");
            Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile?.Type);
            Assert.NotEqual(0, pod.SecurityContext.RunAsUser ?? 0);
            Assert.Null(pod.HostNetwork);
            Assert.Null(pod.HostPID);

            foreach (var container in workload.AllContainers)
            {
                var where = $"{overlay}: {workload} container {container.Name}";
                var security = container.SecurityContext;
                Assert.True(security is not null, $"{where} has no securityContext");
                Assert.True(security.RunAsNonRoot == true, $"{where} is not runAsNonRoot");
                Assert.True(security.AllowPrivilegeEscalation == false, $"{where} allows privilege escalation");
                Assert.True(security.ReadOnlyRootFilesystem == true, $"{where} has a writable root filesystem");
                Assert.True(security.Privileged is null or false, $"{where} is privileged");
                Assert.Equal(["ALL"], security.Capabilities?.Drop ?? []);
                Assert.Null(security.Capabilities?.Add);

                // A read-only root needs a writable /tmp.
                var tmp = container.VolumeMounts?.SingleOrDefault(m => m.MountPath == "/tmp");
                Assert.True(tmp is not null, $"{where} has no /tmp mount");
                Assert.NotNull(pod.Volumes.Single(v => v.Name == tmp.Name).EmptyDir);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void DotNet_pods_run_as_the_images_app_user(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        foreach (var name in Rendered.DotNetServices)
        {
            var workload = rendered.Workload(name);
            Assert.Equal(1654, workload.Pod.SecurityContext.RunAsUser);
            Assert.All(workload.AllContainers, c => Assert.Equal(1654, c.SecurityContext.RunAsUser));
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void ConfigMaps_hold_no_secrets_and_no_clinical_text(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var configMaps = rendered.OfKind<V1ConfigMap>().ToList();
        Assert.NotEmpty(configMaps);
        foreach (var configMap in configMaps)
        {
            Assert.Null(configMap.BinaryData);
            foreach (var (key, value) in configMap.Data ?? new Dictionary<string, string>())
            {
                var where = $"{overlay}: ConfigMap {configMap.Metadata.Name} key {key}";
                Assert.False(SecretLikeKey().IsMatch(key), $"{where}: a secret belongs in a Secret");
                Assert.False(SecretLikeValue().IsMatch(value), $"{where}: the value carries a credential");
                Assert.False(ArabicScript().IsMatch(value) || ArabicScript().IsMatch(key), $"{where}: Persian/Arabic script (transcript-like text)");
                // A mounted configuration file (the engine-profiles JSON, the store's backup scripts) is longer than a setting, yet still no data.
                var limit = key.EndsWith(".json", StringComparison.Ordinal) || key.EndsWith(".sh", StringComparison.Ordinal) ? 16384 : 512;
                Assert.True(value.Length < limit, $"{where}: a {value.Length}-character value looks like data, not configuration");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Secrets_are_referenced_by_name_and_never_rendered(string overlay)
    {
        var rendered = Kustomize.Render(overlay);

        Assert.Empty(rendered.OfKind<V1Secret>());
        var known = SecretTests.ReferencedSecrets;
        foreach (var workload in rendered.Workloads)
        {
            foreach (var variable in workload.AllContainers.SelectMany(c => c.Env ?? []))
            {
                var where = $"{overlay}: {workload} env {variable.Name}";
                Assert.False(SecretLikeKey().IsMatch(variable.Name) && variable.Value is not null && !variable.Value.Contains("$(", StringComparison.Ordinal),
                    $"{where} carries a literal secret value");
                if (variable.ValueFrom?.SecretKeyRef is { } reference)
                {
                    Assert.True(known.TryGetValue(reference.Name, out var keys) && keys.Contains(reference.Key),
                        $"{where} references {reference.Name}/{reference.Key}, which deploy/README.md does not document");
                }
            }
            Assert.All(workload.AllContainers, c => Assert.Null(c.EnvFrom?.FirstOrDefault(e => e.SecretRef is not null)));
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Images_are_pinned(string overlay)
    {
        foreach (var container in Kustomize.Render(overlay).Workloads.SelectMany(w => w.AllContainers))
        {
            var tag = container.Image.Contains('@', StringComparison.Ordinal) ? "digest" : container.Image.Split('/')[^1].Split(':').ElementAtOrDefault(1);
            Assert.False(string.IsNullOrEmpty(tag) || tag == "latest", $"{overlay}: image {container.Image} is not pinned");
            Assert.Equal("IfNotPresent", container.ImagePullPolicy);
        }
    }

    [GeneratedRegex(@"(?i)(password|passwd|secret|api[-_]?key|token|connectionstrings)")]
    private static partial Regex SecretLikeKey();

    [GeneratedRegex(@"(?i)(password\s*=|apikey\s*=|bearer\s|-----BEGIN)")]
    private static partial Regex SecretLikeValue();

    // Arabic, Arabic Supplement, Arabic Extended-A, Arabic Presentation Forms A and B (Persian script).
    [GeneratedRegex(@"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")]
    private static partial Regex ArabicScript();
}
