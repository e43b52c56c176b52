using System.Net.Http;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Per-call load balancing of the clients between the services. A ClusterIP Service (or Aspire's proxy in front of
/// replicas) balances TCP connections, and a gRPC client keeps one HTTP/2 connection: every call would reach one
/// backend. A resolver address gives the channel every backend instead, and round_robin spreads the calls.
/// </summary>
public static class GrpcLoadBalancing
{
    public const string RoundRobin = "round_robin";
    public const string PickFirst = "pick_first";

    /// <summary>How often a <c>dns:///</c> address is resolved again, so pods the autoscaler adds get calls.</summary>
    public const string DnsRefreshIntervalKey = "LoadBalancing:DnsRefreshInterval";

    public static readonly TimeSpan DefaultDnsRefreshInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The address of a client of <paramref name="serviceName"/> and its balancing policy (null: the channel's default
    /// over an http(s) address, one connection). Wrong settings fail at start with the key that holds them.
    /// </summary>
    public static (Uri Address, LoadBalancingConfig? Policy) ClientAddress(IConfiguration configuration, string serviceName)
    {
        var explicitAddress = configuration[$"Services:{serviceName}:Address"];
        var policyKey = $"Services:{serviceName}:LoadBalancing";
        LoadBalancingConfig? policy = configuration[policyKey] switch
        {
            null or "" => null,
            RoundRobin => new RoundRobinConfig(),
            PickFirst => new PickFirstConfig(),
            var other => throw new InvalidOperationException($"{policyKey} is '{other}': use {RoundRobin} or {PickFirst}."),
        };
        if (string.IsNullOrWhiteSpace(explicitAddress))
        {
            // With a policy, every endpoint service discovery knows for the named endpoint; without, the one it picks per request.
            return policy is null
                ? (new Uri($"http://_{GrpcHostingExtensions.GrpcEndpointName}.{serviceName}"), null)
                : (new Uri($"{ServiceDiscoveryResolverFactory.Scheme}:///_{GrpcHostingExtensions.GrpcEndpointName}.{serviceName}"), policy);
        }
        var address = new Uri(explicitAddress);
        if (address.Scheme == Uri.UriSchemeHttp || address.Scheme == Uri.UriSchemeHttps)
        {
            return policy is null
                ? (address, null)
                : throw new InvalidOperationException(
                    $"{policyKey} needs several addresses: set Services:{serviceName}:Address to dns:///host:port (a headless Service), or leave it empty for service discovery.");
        }
        // dns:///, static:/// or discovery:///: several addresses, spread by default.
        return (address, policy ?? new RoundRobinConfig());
    }

    /// <summary>
    /// Service discovery's HTTP handler marks every primary handler "no gRPC load balancing" (for an http://_grpc.x address
    /// it rewrites each request's host, which a balanced channel's own connections would bypass). A balanced client's
    /// addresses are already resolved, so its handler, built for it alone, gets balancing back; the service discovery
    /// handler then passes the resolved host through unchanged.
    /// </summary>
    internal static void ReenableOn(HttpMessageHandler? handler)
    {
        for (var current = handler; current is not null; current = (current as DelegatingHandler)?.InnerHandler)
        {
            if (current is SocketsHttpHandler sockets)
            {
                sockets.Properties.Remove(LoadBalancingDisabledProperty);
                return;
            }
        }
    }

    // The property gRPC reads on a SocketsHttpHandler (GrpcChannel), set by Microsoft.Extensions.ServiceDiscovery.
    private const string LoadBalancingDisabledProperty = "__GrpcLoadBalancingDisabled";

    /// <summary>The resolvers behind balanced addresses (once per process, whatever the number of clients).</summary>
    public static TBuilder AddGrpcLoadBalancing<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var refresh = builder.Configuration.GetValue(DnsRefreshIntervalKey, DefaultDnsRefreshInterval);
        if (refresh <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{DnsRefreshIntervalKey} must be positive (it is {refresh}).");
        }
        // By default a dns:/// address is resolved again only when a connection breaks: new pods would wait for that.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ResolverFactory, DnsResolverFactory>(_ => new DnsResolverFactory(refresh)));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ResolverFactory, ServiceDiscoveryResolverFactory>());
        return builder;
    }
}
