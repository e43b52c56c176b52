using System.Globalization;
using System.Text.RegularExpressions;
using k8s.Models;
using Xunit;

namespace ClinicalAspire.Deploy.Tests;

/// <summary>The GPU tier scales on load (requests in flight, vLLM's queue) through the optional KEDA components.</summary>
public partial class ScalingTests
{
    /// <summary>Example overlays (deploy/k8s/examples) that add a KEDA component to an overlay.</summary>
    public static TheoryData<string> KedaExamples => new() { "examples/gpu-keda", "examples/vllm-keda" };

    public static TheoryData<string> GpuOverlays => GpuTests.GpuOverlays;

    [Theory]
    [MemberData(nameof(KedaExamples))]
    public void The_keda_component_scales_every_gpu_deployment_on_a_load_metric_from_prometheus(string example)
    {
        var rendered = Kustomize.Render(example, KedaScaledObject.TypeMap);
        var scaled = rendered.OfKind<KedaScaledObject>().ToList();
        var gpuTier = GpuTests.GpuWorkloads(rendered).Select(w => w.Name).Order().ToList();
        Assert.Equal(gpuTier, scaled.Select(s => s.Spec.ScaleTargetRef.Name).Order());

        var scrape = rendered.Single<V1NetworkPolicy>("allow-metrics-scrape");
        var monitoring = Assert.Single(Assert.Single(Assert.Single(scrape.Spec.Ingress).FromProperty).NamespaceSelector.MatchLabels).Value;
        foreach (var scaledObject in scaled)
        {
            var target = scaledObject.Spec.ScaleTargetRef.Name;
            var where = $"{example}: ScaledObject {scaledObject.Metadata.Name}";
            Assert.Equal(KedaScaledObject.ApiGroupVersion, scaledObject.ApiVersion);
            Assert.Equal("clinicalaspire", scaledObject.Metadata.NamespaceProperty);
            Assert.Equal("clinicalaspire", scaledObject.Metadata.Labels["app.kubernetes.io/part-of"]);
            // KEDA owns the count: no replicas field to reset it, no second autoscaler to fight it.
            Assert.Null(rendered.Single<V1Deployment>(target).Spec.Replicas);
            Assert.DoesNotContain(rendered.OfKind<V2HorizontalPodAutoscaler>(), h => h.Spec.ScaleTargetRef.Name == target);
            // Never to zero (a cold model takes minutes), at most the GPUs a service may take.
            Assert.InRange(scaledObject.Spec.MinReplicaCount ?? 0, 1, 4);
            Assert.InRange(scaledObject.Spec.MaxReplicaCount ?? 100, scaledObject.Spec.MinReplicaCount!.Value, 4);
            Assert.True(scaledObject.Spec.CooldownPeriod >= 300, $"{where}: scale down slowly");

            var trigger = Assert.Single(scaledObject.Spec.Triggers);
            Assert.Equal("prometheus", trigger.Type);
            Assert.True(decimal.Parse(trigger.Metadata["threshold"], CultureInfo.InvariantCulture) > 0, where);
            // The Prometheus KEDA asks is the one the scrape policy admits.
            Assert.Matches($@"^http://[a-z0-9-]+\.{Regex.Escape(monitoring)}\.svc(\.cluster\.local)?:\d+$", trigger.Metadata["serverAddress"]);
            var query = trigger.Metadata["query"];
            if (rendered.Workload(target).Label("app.kubernetes.io/component") == "model-server")
            {
                var servedModel = OverlayTests.VllmArgs(rendered.Workload(target).Pod.Containers[0])["--served-model-name"];
                Assert.Contains("vllm:num_requests_waiting{", query, StringComparison.Ordinal);
                Assert.Contains($"model_name=\"{servedModel}\"", query, StringComparison.Ordinal);
                Assert.Contains("namespace=\"clinicalaspire\"", query, StringComparison.Ordinal);
            }
            else
            {
                // The service's own meter, under the name the OpenTelemetry-to-Prometheus translation gives it.
                Assert.Equal("extractor", target);
                Assert.Contains(PrometheusName(ExtractorInFlight) + "{job=\"extractor\"}", query, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("Extractor.Service/ExtractorMetrics.cs", ExtractorInFlight)]
    [InlineData("Translator.Service/TranslatorMetrics.cs", "clinical.translator.requests_in_flight")]
    public void The_services_count_requests_in_flight_without_tags(string source, string instrument)
    {
        var code = File.ReadAllText(Path.Combine(RepoPaths.Root, source));
        Assert.Contains($"CreateUpDownCounter<long>(\"{instrument}\"", code, StringComparison.Ordinal);
        // No tags at all: nothing of a request (let alone its text) can reach the metric. The counter is handed to the
        // shared in-flight scope, which adds 1 and -1 and nothing else.
        Assert.Contains("new(_inFlight)", code, StringComparison.Ordinal);
        Assert.Empty(InFlightAdd().Matches(code));
        var scope = File.ReadAllText(Path.Combine(RepoPaths.Root, "ServiceDefaults/InFlight.cs"));
        var adds = InFlightAdd().Matches(scope).Select(m => m.Groups[1].Value).Order().ToList();
        Assert.Equal(["-1", "1"], adds);
    }

    [Theory]
    [MemberData(nameof(GpuOverlays))]
    public void Only_the_model_servers_metrics_port_is_open_to_the_monitoring_namespace(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var policy = rendered.Single<V1NetworkPolicy>("allow-metrics-scrape");
        Assert.Equal(["Ingress"], policy.Spec.PolicyTypes);
        Assert.Equal("model-server", Assert.Single(policy.Spec.PodSelector.MatchLabels, l => l.Key == "app.kubernetes.io/component").Value);
        var rule = Assert.Single(policy.Spec.Ingress);
        var peer = Assert.Single(rule.FromProperty);
        Assert.Null(peer.IpBlock);
        Assert.NotEmpty(peer.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]);
        Assert.Equal("8000", Assert.Single(rule.Ports).Port.Value);
    }

    private const string ExtractorInFlight = "clinical.extractor.requests_in_flight";

    /// <summary>OpenTelemetry's Prometheus name of a unitless ("{request}") gauge: dots become underscores.</summary>
    private static string PrometheusName(string instrument) => instrument.Replace('.', '_');

    [GeneratedRegex(@"(?:_inFlight|_?counter\??)\.Add\((-?1)\)")]
    private static partial Regex InFlightAdd();
}
