using Microsoft.Extensions.Configuration;

namespace ClinicalAspire.AppHost;

/// <summary>
/// Several instances of a gRPC backend (<c>Replicas:Extractor=3</c>), each a resource with endpoints of its own, and
/// callers that know every one. Aspire's WithReplicas hides the replicas behind one proxied port, where a gRPC client's
/// single HTTP/2 connection reaches one of them, and it refuses replicas with proxy-less endpoints.
/// </summary>
public static class Replicas
{
    public const int Most = 16;

    /// <summary>
    /// <paramref name="count"/> resources from <paramref name="add"/>: the first named <paramref name="name"/> (its settings,
    /// ports and references as with one instance), the others <c>{name}-2</c>, <c>{name}-3</c>, ...
    /// </summary>
    public static IReadOnlyList<IResourceBuilder<ProjectResource>> AddReplicas(
        this IDistributedApplicationBuilder builder, string name, Func<string, IResourceBuilder<ProjectResource>> add)
    {
        var key = $"Replicas:{char.ToUpperInvariant(name[0])}{name[1..]}";
        var count = builder.Configuration.GetValue(key, 1);
        if (count is < 1 or > Most)
        {
            throw new DistributedApplicationException($"{key} is {count}: use 1 to {Most}.");
        }
        var replicas = new List<IResourceBuilder<ProjectResource>>(count);
        for (var i = 1; i <= count; i++)
        {
            var replica = add(i == 1 ? name : $"{name}-{i}");
            if (count > 1)
            {
                // Free ports, and no proxy in front: a proxy keeps accepting connections for a stopped replica, so the
                // callers' balancers would keep it in their rotation; without one a stopped replica refuses them and
                // is left out until it answers again.
                replica.WithEndpoint(GrpcEndpoints.Http, endpoint => endpoint.Port = null)
                    .WithEndpoint(GrpcEndpoints.Grpc, endpoint => endpoint.Port = null)
                    .WithEndpointProxySupport(false);
            }
            replicas.Add(replica);
        }
        return replicas;
    }

    /// <summary>
    /// The caller knows every replica under the first one's name (<c>services__{name}__grpc__{i}</c>, as service discovery
    /// reads a list) and, with more than one, balances its calls over them (<c>Services__{name}__LoadBalancing</c>).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithReference(
        this IResourceBuilder<ProjectResource> caller, IReadOnlyList<IResourceBuilder<ProjectResource>> replicas)
    {
        var name = replicas[0].Resource.Name;
        caller.WithReference(replicas[0]).WaitForStart(replicas[0]);
        for (var i = 1; i < replicas.Count; i++)
        {
            caller.WithEnvironment($"services__{name}__{GrpcEndpoints.Grpc}__{i}", replicas[i].GetEndpoint(GrpcEndpoints.Grpc))
                .WaitForStart(replicas[i]);
        }
        if (replicas.Count > 1)
        {
            caller.WithEnvironment($"Services__{name}__LoadBalancing", "round_robin");
        }
        return caller;
    }
}
