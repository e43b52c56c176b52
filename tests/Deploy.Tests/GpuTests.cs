using System.Text.Json;
using k8s.Models;
using Xunit;

namespace ClinicalAspire.Deploy.Tests;

/// <summary>How the GPU pods are scheduled and rolled out, and how the extractor's model reaches its volume.</summary>
public class GpuTests
{
    private const string Gpu = "nvidia.com/gpu";

    public static TheoryData<string> GpuOverlays => new() { "gpu", "vllm" };

    [Theory]
    [MemberData(nameof(GpuOverlays))]
    public void Gpu_pods_run_on_the_nvidia_runtime_on_large_enough_gpus_with_their_priority(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var gpuPods = GpuWorkloads(rendered).ToList();
        Assert.Equal(overlay == "gpu" ? ["extractor", "vllm-aya"] : ["vllm", "vllm-aya"], gpuPods.Select(w => w.Name).Order());

        var priority = rendered.Single<V1PriorityClass>("clinicalaspire-gpu");
        Assert.True(priority.Value > 0 && priority.Value < 1_000_000_000, "above ordinary pods, below the system classes");
        Assert.NotEqual(true, priority.GlobalDefault);
        foreach (var workload in gpuPods)
        {
            Assert.Equal("nvidia", workload.Pod.RuntimeClassName);
            Assert.Equal(priority.Metadata.Name, workload.Pod.PriorityClassName);
            var requirement = Assert.Single(Assert.Single(
                workload.Pod.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms).MatchExpressions);
            Assert.Equal("nvidia.com/gpu.memory", requirement.Key);
            Assert.Equal("Gt", requirement.OperatorProperty);
            Assert.True(int.Parse(Assert.Single(requirement.Values), System.Globalization.CultureInfo.InvariantCulture) >= 16000, $"{workload}: GPU memory floor in MiB");
            // The models volume: relabel only when its root is foreign, not the weights on every start.
            Assert.Equal("OnRootMismatch", workload.Pod.SecurityContext.FsGroupChangePolicy);
        }
        // Nothing else takes the GPU priority.
        Assert.All(rendered.Workloads.Except(gpuPods), w => Assert.Null(w.Pod.PriorityClassName));
    }

    [Theory]
    [MemberData(nameof(GpuOverlays))]
    public void Gpu_rollouts_start_the_new_pod_before_stopping_the_old_one(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        foreach (var workload in GpuWorkloads(rendered))
        {
            var deployment = rendered.Single<V1Deployment>(workload.Name);
            var update = deployment.Spec.Strategy.RollingUpdate;
            Assert.Equal("1", update.MaxSurge.Value);
            Assert.Equal("0", update.MaxUnavailable.Value);
            // The deadline outlasts the startup probe's budget: loading a model is progress, not a stuck rollout.
            var startup = workload.Pod.Containers[0].StartupProbe;
            Assert.True(deployment.Spec.ProgressDeadlineSeconds > startup.PeriodSeconds * startup.FailureThreshold,
                $"{overlay}: {workload} progressDeadlineSeconds {deployment.Spec.ProgressDeadlineSeconds}");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_demo_run_does_not_start_on_its_own_in_a_cluster(string overlay)
    {
        Assert.Equal("false", Kustomize.Render(overlay).Environment("evaluator")["Evaluator__DemoAutorun"]);
    }

    [Fact]
    public void The_model_fetch_verifies_every_file_against_the_pinned_manifest_and_leaves_it_in_the_folder()
    {
        var rendered = Kustomize.Render("gpu");
        var workload = rendered.Workload("extractor");
        var fetch = Assert.Single(workload.InitContainers);
        var script = string.Join('\n', fetch.Command);

        // The manifest comes from a ConfigMap of the rendered stack, keyed by the model folder's name.
        var mount = fetch.VolumeMounts.Single(m => m.Name == "model-manifests");
        Assert.True(mount.ReadOnlyProperty);
        Assert.Contains($"{mount.MountPath}/$name.json", script, StringComparison.Ordinal);
        var configMap = rendered.Single<V1ConfigMap>(workload.Pod.Volumes.Single(v => v.Name == mount.Name).ConfigMap.Name);
        var folder = Path.GetFileName(rendered.Environment("extractor")["Engine__ModelPath"]);
        using var manifest = JsonDocument.Parse(configMap.Data[folder + ".json"]);
        foreach (var file in manifest.RootElement.GetProperty("files").EnumerateObject())
        {
            Assert.Matches("^[0-9a-f]{64}$", file.Value.GetString());
        }

        // Checked with sha256sum before the folder is moved into place; a mismatch fails the init container.
        Assert.Contains("sha256sum -c", script, StringComparison.Ordinal);
        Assert.True(script.IndexOf("verify \"$tmp\" || {", StringComparison.Ordinal) < script.IndexOf("mv \"$tmp\" \"$dest\"", StringComparison.Ordinal));
        Assert.Contains("exit 1", script, StringComparison.Ordinal);
        // The services read the manifest as the model id: exactly this name, in the model folder.
        Assert.Contains("\"$1/model-manifest.json\"", script, StringComparison.Ordinal);
    }

    public static TheoryData<string> Overlays => Kustomize.OverlayData();

    internal static IEnumerable<Workload> GpuWorkloads(Rendered rendered) =>
        rendered.Workloads.Where(w => w.Pod.Containers.Any(c => c.Resources?.Limits?.ContainsKey(Gpu) == true));
}
