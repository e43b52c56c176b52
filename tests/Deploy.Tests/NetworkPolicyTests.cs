using k8s;
using k8s.Models;
using Xunit;

namespace ClinicalAspire.Deploy.Tests;

/// <summary>
/// Evaluates the rendered NetworkPolicies the way Kubernetes does (a connection needs the source's
/// egress and the destination's ingress; a pod selected by no policy of a direction is open in it)
/// and compares every allowed connection with the intended call chain.
/// </summary>
public class NetworkPolicyTests
{
    private const string Namespace = "clinicalaspire";

    private sealed record Endpoint(string Name, string Namespace, IDictionary<string, string> Labels, (int Port, string Protocol)[] Ports);

    // Peers outside the namespace: what the policies name, plus a stranger that must reach nothing.
    private static readonly Endpoint IngressController = new("ingress-nginx", "ingress-nginx", Labels("app.kubernetes.io/name", "ingress-nginx"), [(443, "TCP")]);
    private static readonly Endpoint Dns = new("kube-dns", "kube-system", Labels("k8s-app", "kube-dns"), [(53, "UDP"), (53, "TCP")]);
    private static readonly Endpoint Collector = new("otel-collector", "observability", Labels("app.kubernetes.io/name", "opentelemetry-collector"), [(4317, "TCP")]);
    private static readonly Endpoint ModelStore = new("model-store", "model-store", Labels("app.kubernetes.io/name", "minio"), [(9000, "TCP")]);
    private static readonly Endpoint Prometheus = new("prometheus", "monitoring", Labels("app.kubernetes.io/name", "prometheus"), [(9090, "TCP")]);
    private static readonly Endpoint Stranger = new("stranger", "default", Labels("app", "stranger"), [(8080, "TCP")]);

    public static TheoryData<string> Overlays => Kustomize.OverlayData();

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Only_the_call_chain_redis_and_the_model_server_are_reachable(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var pods = rendered.Workloads
            .Select(w => new Endpoint(w.Name, Namespace, w.Template.Metadata.Labels,
                w.Pod.Containers.SelectMany(c => c.Ports ?? []).Select(p => (p.ContainerPort, p.Protocol ?? "TCP")).ToArray()))
            // The backup CronJob's pods call out only.
            .Concat(rendered.OfKind<V1CronJob>().Select(c => new Endpoint(c.Metadata.Name, Namespace, c.Spec.JobTemplate.Spec.Template.Metadata.Labels, [])))
            .ToList();
        var everyone = pods.Concat([IngressController, Dns, Collector, ModelStore, Prometheus, Stranger]).ToList();

        var allowed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var source in everyone)
        {
            foreach (var destination in everyone.Where(d => d != source && (d.Namespace == Namespace || source.Namespace == Namespace)))
            {
                foreach (var (port, protocol) in destination.Ports)
                {
                    if (Allows(rendered, source, destination, port, protocol))
                    {
                        allowed.Add($"{source.Name} -> {destination.Name}:{port}/{protocol}");
                    }
                }
            }
        }

        var expected = new SortedSet<string>(StringComparer.Ordinal)
        {
            "ingress-nginx -> dashboard:8080/TCP",
            "dashboard -> evaluator:8081/TCP",
            "evaluator -> extractor:8081/TCP",
            "extractor -> translator:8081/TCP",
        };
        foreach (var pod in pods)
        {
            expected.Add($"{pod.Name} -> kube-dns:53/UDP");
            expected.Add($"{pod.Name} -> kube-dns:53/TCP");
        }
        foreach (var service in Rendered.DotNetServices)
        {
            expected.Add($"{service} -> otel-collector:4317/TCP");
        }
        var redisClients = new[] { "evaluator", "extractor", "translator" };
        if (overlay != "external-redis")
        {
            expected.UnionWith(redisClients.Select(c => $"{c} -> redis:6379/TCP"));
            // The store of record: the Evaluator, and the backup job that snapshots it.
            expected.UnionWith(["evaluator -> redis-store:6379/TCP", "redis-store-backup -> redis-store:6379/TCP"]);
        }
        if (overlay == "vllm")
        {
            expected.UnionWith(["extractor -> vllm:8000/TCP", "translator -> vllm:8000/TCP"]);
        }
        if (overlay is "gpu" or "vllm")
        {
            // Aya's server: the translator's engine, and the extractor's in a profile that extracts with Aya.
            expected.UnionWith(["extractor -> vllm-aya:8000/TCP", "translator -> vllm-aya:8000/TCP"]);
            // Prometheus scrapes the model servers' /metrics (queue depth, the scaling signal).
            expected.UnionWith(rendered.Workloads.Where(w => w.Label("app.kubernetes.io/component") == "model-server").Select(w => $"prometheus -> {w.Name}:8000/TCP"));
        }
        if (overlay == "gpu")
        {
            // Only the extractor has an ONNX model folder to fetch.
            expected.Add("extractor -> model-store:9000/TCP");
        }

        Assert.Equal(expected, allowed);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_pod_is_isolated_by_default(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var denyAll = rendered.Single<V1NetworkPolicy>("default-deny-all");
        Assert.Empty(denyAll.Spec.PodSelector.MatchLabels ?? new Dictionary<string, string>());
        Assert.Empty(denyAll.Spec.PodSelector.MatchExpressions ?? []);
        Assert.Equal(["Egress", "Ingress"], denyAll.Spec.PolicyTypes.Order());
        Assert.Null(denyAll.Spec.Ingress);
        Assert.Null(denyAll.Spec.Egress);
    }

    [Fact]
    public void The_external_redis_egress_names_the_managed_instance_by_address()
    {
        var policy = Kustomize.Render("external-redis").Single<V1NetworkPolicy>("allow-external-redis-egress");
        var peer = Assert.Single(Assert.Single(policy.Spec.Egress).To);
        Assert.NotNull(peer.IpBlock?.Cidr);
    }

    [Fact]
    public void The_oidc_egress_component_opens_only_the_providers_range_on_one_port_to_the_four_services()
    {
        var yaml = File.ReadAllText(Path.Combine(RepoPaths.K8s, "components", "oidc-egress", "networkpolicy.yaml"));
        var policy = Assert.IsType<V1NetworkPolicy>(Assert.Single(KubernetesYaml.LoadAllFromString(yaml, typeMap: null, strict: true)));
        Assert.Equal(["Egress"], policy.Spec.PolicyTypes);
        Assert.Equal(["dashboard", "evaluator", "extractor", "translator"], Assert.Single(policy.Spec.PodSelector.MatchExpressions).Values.Order());
        var rule = Assert.Single(policy.Spec.Egress);
        Assert.NotNull(Assert.Single(rule.To).IpBlock?.Cidr);
        Assert.Equal("443", Assert.Single(rule.Ports).Port.Value);
    }

    private static bool Allows(Rendered rendered, Endpoint source, Endpoint destination, int port, string protocol)
    {
        var policies = rendered.OfKind<V1NetworkPolicy>().ToList();
        return Direction(policies, source, "Egress", p => p.Spec.Egress?.Select(r => (Peers: r.To, r.Ports)), destination, port, protocol)
            && Direction(policies, destination, "Ingress", p => p.Spec.Ingress?.Select(r => (Peers: r.FromProperty, r.Ports)), source, port, protocol);
    }

    private static bool Direction(
        List<V1NetworkPolicy> policies, Endpoint subject, string type,
        Func<V1NetworkPolicy, IEnumerable<(IList<V1NetworkPolicyPeer> Peers, IList<V1NetworkPolicyPort> Ports)>?> rules,
        Endpoint peer, int port, string protocol)
    {
        // Only this namespace has policies; pods elsewhere are not isolated here.
        if (subject.Namespace != Namespace)
        {
            return true;
        }
        var selecting = policies
            .Where(p => Types(p).Contains(type) && Matches(p.Spec.PodSelector, subject.Labels))
            .ToList();
        if (selecting.Count == 0)
        {
            return true;
        }
        return selecting.Any(p => (rules(p) ?? []).Any(rule =>
            (rule.Peers is null || rule.Peers.Count == 0 || rule.Peers.Any(candidate => PeerMatches(candidate, peer)))
            && (rule.Ports is null || rule.Ports.Count == 0 || rule.Ports.Any(candidate =>
                (candidate.Protocol ?? "TCP") == protocol && (candidate.Port is null || candidate.Port.Value == port.ToString(System.Globalization.CultureInfo.InvariantCulture))))));
    }

    private static IEnumerable<string> Types(V1NetworkPolicy policy) =>
        policy.Spec.PolicyTypes is { Count: > 0 } types ? types : policy.Spec.Egress is null ? ["Ingress"] : ["Ingress", "Egress"];

    private static bool PeerMatches(V1NetworkPolicyPeer peer, Endpoint endpoint)
    {
        if (peer.IpBlock is not null)
        {
            // Address ranges stand for endpoints outside the cluster, never for pods modelled here.
            return false;
        }
        var namespaceMatches = peer.NamespaceSelector is null
            ? endpoint.Namespace == Namespace
            : Matches(peer.NamespaceSelector, Labels("kubernetes.io/metadata.name", endpoint.Namespace));
        return namespaceMatches && (peer.PodSelector is null || Matches(peer.PodSelector, endpoint.Labels));
    }

    private static bool Matches(V1LabelSelector selector, IDictionary<string, string> labels) =>
        (selector.MatchLabels ?? new Dictionary<string, string>()).All(l => labels.TryGetValue(l.Key, out var value) && value == l.Value)
        && (selector.MatchExpressions ?? []).All(e => e.OperatorProperty switch
        {
            "In" => labels.TryGetValue(e.Key, out var value) && e.Values.Contains(value),
            "NotIn" => !labels.TryGetValue(e.Key, out var value) || !e.Values.Contains(value),
            "Exists" => labels.ContainsKey(e.Key),
            "DoesNotExist" => !labels.ContainsKey(e.Key),
            _ => throw new InvalidOperationException($"unknown selector operator {e.OperatorProperty}"),
        });

    private static Dictionary<string, string> Labels(string key, string value) => new() { [key] = value };
}
