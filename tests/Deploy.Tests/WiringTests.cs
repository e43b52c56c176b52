using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Xunit;

namespace ClinicalAspire.Deploy.Tests;

/// <summary>Labels and the cluster's own services: what ties the rendered objects to the stack and to the cluster.</summary>
public partial class WiringTests
{
    private static readonly string[] RecommendedLabels =
    [
        "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
        "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by",
    ];

    /// <summary>Every overlay and every example overlay of deploy/k8s/examples.</summary>
    public static TheoryData<string> Everything()
    {
        var data = Kustomize.OverlayData();
        foreach (var example in Directory.GetDirectories(Path.Combine(RepoPaths.K8s, "examples")).Order())
        {
            data.Add("examples/" + Path.GetFileName(example));
        }
        return data;
    }

    public static TheoryData<string> Overlays => Kustomize.OverlayData();

    [Theory]
    [MemberData(nameof(Everything))]
    public void Every_object_and_pod_template_carries_the_recommended_labels(string overlay)
    {
        var rendered = Kustomize.Render(overlay, KedaScaledObject.TypeMap);
        var version = ContainerImageTag();
        foreach (var item in rendered.Objects.OfType<IKubernetesObject<V1ObjectMeta>>())
        {
            AssertLabels($"{overlay}: {item.Kind}/{item.Metadata.Name}", item.Metadata.Labels, version);
        }
        foreach (var workload in rendered.Workloads)
        {
            AssertLabels($"{overlay}: {workload} pod template", workload.Template.Metadata.Labels, version);
            Assert.Equal(workload.Name, workload.Label("app.kubernetes.io/name"));
        }
        // The cluster settings are kustomize's input only, never applied.
        Assert.DoesNotContain(rendered.OfKind<V1ConfigMap>(), c => c.Metadata.Name.StartsWith("clinicalaspire-cluster", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_defaults_name_ingress_nginx_and_the_urls_agree_with_the_policies(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        Assert.Equal("nginx", Assert.Single(rendered.OfKind<V1Ingress>()).Spec.IngressClassName);
        Assert.Equal("ingress-nginx", PolicyNamespaces(rendered, "dashboard").Single());
        Assert.Equal("kube-system", PolicyNamespaces(rendered, "allow-dns-egress").Single());
        AssertUrlNamespace(rendered, "clinicalaspire-common", "OTEL_EXPORTER_OTLP_ENDPOINT", "allow-otlp-egress");
        if (overlay == "gpu")
        {
            AssertUrlNamespace(rendered, "model-store", "MODEL_STORE_URL", "allow-model-store-egress");
        }
    }

    [Fact]
    public void An_overlay_of_its_own_moves_every_cluster_service_and_the_ingress_class()
    {
        var rendered = Kustomize.Render("examples/site");

        Assert.Equal("traefik", Assert.Single(rendered.OfKind<V1Ingress>()).Spec.IngressClassName);
        var ingressPeer = Assert.Single(Assert.Single(rendered.Single<V1NetworkPolicy>("dashboard").Spec.Ingress).FromProperty);
        Assert.Equal("traefik", ingressPeer.PodSelector.MatchLabels["app.kubernetes.io/name"]);
        var dnsPeer = Assert.Single(Assert.Single(rendered.Single<V1NetworkPolicy>("allow-dns-egress").Spec.Egress).To);
        Assert.Equal("coredns", dnsPeer.PodSelector.MatchLabels["k8s-app"]);

        Assert.Equal(
            ["artifacts", "dns-system", "prometheus", "telemetry", "traefik"],
            rendered.OfKind<V1NetworkPolicy>().SelectMany(p => PolicyNamespaces(rendered, p.Metadata.Name)).Distinct().Order());
        AssertUrlNamespace(rendered, "clinicalaspire-common", "OTEL_EXPORTER_OTLP_ENDPOINT", "allow-otlp-egress");
        AssertUrlNamespace(rendered, "model-store", "MODEL_STORE_URL", "allow-model-store-egress");
        Assert.DoesNotMatch(@"ingress-nginx|kube-system|\.observability\.|\.model-store\.|: monitoring\b", rendered.Yaml);
    }

    /// <summary>The namespaces a policy's peers name (ingress and egress).</summary>
    private static IEnumerable<string> PolicyNamespaces(Rendered rendered, string policy)
    {
        var spec = rendered.Single<V1NetworkPolicy>(policy).Spec;
        return (spec.Ingress ?? []).SelectMany(r => r.FromProperty ?? []).Concat((spec.Egress ?? []).SelectMany(r => r.To ?? []))
            .Where(peer => peer.NamespaceSelector?.MatchLabels is not null)
            .Select(peer => peer.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]);
    }

    /// <summary>A URL http://&lt;service&gt;.&lt;namespace&gt;.svc... names the namespace its egress policy admits.</summary>
    private static void AssertUrlNamespace(Rendered rendered, string configMap, string key, string policy)
    {
        var url = rendered.OfKind<V1ConfigMap>().Single(c => c.Metadata.Name.StartsWith(configMap + "-", StringComparison.Ordinal)).Data[key];
        var match = ServiceUrl().Match(url);
        Assert.True(match.Success, $"{rendered.Overlay}: {key}={url} is not a cluster service URL");
        Assert.Equal(match.Groups[1].Value, PolicyNamespaces(rendered, policy).Single());
    }

    private static void AssertLabels(string where, IDictionary<string, string>? labels, string version)
    {
        foreach (var key in RecommendedLabels)
        {
            Assert.True(labels?.TryGetValue(key, out var value) == true && !string.IsNullOrEmpty(value), $"{where} has no {key}");
        }
        Assert.Equal("clinicalaspire", labels!["app.kubernetes.io/part-of"]);
        Assert.Equal("clinicalaspire", labels["app.kubernetes.io/instance"]);
        Assert.Equal("kustomize", labels["app.kubernetes.io/managed-by"]);
        Assert.True(version == labels["app.kubernetes.io/version"], $"{where}: version {labels["app.kubernetes.io/version"]}, the release is {version}");
    }

    /// <summary>The release: the services' ContainerImageTag (ImageTests keeps the four projects and the manifests equal).</summary>
    private static string ContainerImageTag()
    {
        var project = File.ReadAllText(Path.Combine(RepoPaths.Root, "Evaluator.Service", "Evaluator.Service.csproj"));
        return ImageTag().Match(project).Groups[1].Value;
    }

    [GeneratedRegex(@"^https?://[a-z0-9-]+\.([a-z0-9-]+)\.svc[.:/]")]
    private static partial Regex ServiceUrl();

    [GeneratedRegex(@"<ContainerImageTag>([^<]+)</ContainerImageTag>")]
    private static partial Regex ImageTag();
}
