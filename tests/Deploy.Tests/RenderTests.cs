using k8s;
using k8s.Models;
using Xunit;

namespace ClinicalAspire.Deploy.Tests;

/// <summary>Every kustomization renders, parses strictly into the Kubernetes API types and stays in its namespace.</summary>
public class RenderTests
{
    public static TheoryData<string> Overlays => Kustomize.OverlayData();

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Renders_and_every_object_parses_into_the_api_types(string overlay)
    {
        var rendered = Kustomize.Render(overlay);

        Assert.NotEmpty(rendered.Objects);
        foreach (var item in rendered.Objects)
        {
            // Strict loading already rejected unknown fields; an unknown kind would not be a model type.
            Assert.True(item is IKubernetesObject<V1ObjectMeta>, $"{overlay}: {item.GetType().Name} is not a Kubernetes API object");
        }
        // Every object, written back by the client library, loads again to the same kinds and names.
        var again = KubernetesYaml.LoadAllFromString(KubernetesYaml.SerializeAll(rendered.Objects), typeMap: null, strict: true);
        Assert.Equal(
            rendered.Objects.Select(Describe),
            again.Select(Describe));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Everything_lives_in_the_clinicalaspire_namespace(string overlay)
    {
        var rendered = Kustomize.Render(overlay);

        Assert.Equal("clinicalaspire", Assert.Single(rendered.OfKind<V1Namespace>()).Metadata.Name);
        // Cluster-scoped: the namespace itself and the GPU pods' PriorityClass (named after the stack).
        foreach (var item in rendered.Objects.OfType<IKubernetesObject<V1ObjectMeta>>().Where(o => o is not (V1Namespace or V1PriorityClass)))
        {
            Assert.True(item.Metadata.NamespaceProperty == "clinicalaspire", $"{overlay}: {Describe(item)} is in '{item.Metadata.NamespaceProperty}'");
            Assert.Equal("clinicalaspire", item.Metadata.Labels?["app.kubernetes.io/part-of"]);
        }
        Assert.All(rendered.OfKind<V1PriorityClass>(), p => Assert.StartsWith("clinicalaspire-", p.Metadata.Name, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_service_has_a_deployment_service_and_disruption_budget(string overlay)
    {
        var rendered = Kustomize.Render(overlay);

        foreach (var name in Rendered.DotNetServices)
        {
            var deployment = rendered.Single<V1Deployment>(name);
            var service = rendered.Single<V1Service>(name);
            Assert.Equal(name, deployment.Spec.Selector.MatchLabels["app.kubernetes.io/name"]);
            Assert.Equal(name, service.Spec.Selector["app.kubernetes.io/name"]);
            var ports = service.Spec.Ports.ToDictionary(p => p.Name, p => p.Port);
            Assert.Equal(8080, ports["http"]);
            if (name != "dashboard")
            {
                Assert.Equal(8081, ports["grpc"]);
                Assert.Equal("kubernetes.io/h2c", service.Spec.Ports.Single(p => p.Name == "grpc").AppProtocol);
            }
        }
        foreach (var workload in rendered.Workloads)
        {
            var budgets = rendered.OfKind<V1PodDisruptionBudget>()
                .Where(b => b.Spec.Selector.MatchLabels.All(l => workload.Label(l.Key) == l.Value))
                .ToList();
            Assert.True(budgets.Count == 1, $"{overlay}: {workload} has {budgets.Count} PodDisruptionBudgets");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Extractor_and_translator_scale_with_autoscaling_v2(string overlay)
    {
        var rendered = Kustomize.Render(overlay);

        var autoscalers = rendered.OfKind<V2HorizontalPodAutoscaler>().ToList();
        Assert.Equal(["extractor", "translator"], autoscalers.Select(h => h.Spec.ScaleTargetRef.Name).Order());
        foreach (var autoscaler in autoscalers)
        {
            Assert.Equal("autoscaling/v2", autoscaler.ApiVersion);
            Assert.Equal("Deployment", autoscaler.Spec.ScaleTargetRef.Kind);
            Assert.True(autoscaler.Spec.MinReplicas >= 1 && autoscaler.Spec.MinReplicas <= autoscaler.Spec.MaxReplicas);
            Assert.NotEmpty(autoscaler.Spec.Metrics);
            // The autoscaler owns the count: a replicas field would reset it on every apply.
            Assert.Null(rendered.Single<V1Deployment>(autoscaler.Spec.ScaleTargetRef.Name).Spec.Replicas);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Only_the_dashboard_is_exposed_through_an_ingress(string overlay)
    {
        var rendered = Kustomize.Render(overlay);

        var ingress = Assert.Single(rendered.OfKind<V1Ingress>());
        var backends = ingress.Spec.Rules.SelectMany(r => r.Http.Paths).Select(p => p.Backend.Service.Name).Distinct();
        Assert.Equal(["dashboard"], backends);
        Assert.All(rendered.OfKind<V1Service>(), s => Assert.True(s.Spec.Type is null or "ClusterIP", $"{s.Metadata.Name} is {s.Spec.Type}"));
    }

    private static string Describe(object item) =>
        item is IKubernetesObject<V1ObjectMeta> k ? $"{k.Kind}/{k.Metadata.Name}" : item.GetType().Name;
}
