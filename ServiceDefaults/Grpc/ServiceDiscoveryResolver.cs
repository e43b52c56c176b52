using System.Net;
using Grpc.Core;
using Grpc.Net.Client.Balancer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ServiceDiscovery;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Resolves <c>discovery:///_grpc.{service}</c> for a gRPC channel from Microsoft.Extensions.ServiceDiscovery, with every
/// endpoint it knows (under Aspire: one per replica, <c>services__{service}__grpc__{i}</c>). The channel's balancer then
/// holds a connection to each and spreads calls over them; service discovery's own HTTP handler would pick per request
/// too, but without the channel's view of which connections are up.
/// </summary>
public sealed class ServiceDiscoveryResolverFactory(ServiceEndpointResolver endpoints) : ResolverFactory
{
    public const string Scheme = "discovery";

    public override string Name => Scheme;

    public override Resolver Create(ResolverOptions options) =>
        new ServiceDiscoveryResolver(endpoints, options.Address, options.LoggerFactory);
}

internal sealed class ServiceDiscoveryResolver(ServiceEndpointResolver endpoints, Uri address, ILoggerFactory loggerFactory)
    : PollingResolver(loggerFactory)
{
    // The service name in the form service discovery reads (the scheme only selects allowed endpoint schemes).
    private readonly string _serviceName = "http://" + address.AbsolutePath.Trim('/');
    private IDisposable? _changeRegistration;

    protected override async Task ResolveAsync(CancellationToken cancellationToken)
    {
        ServiceEndpointSource source;
        try
        {
            source = await endpoints.GetEndpointsAsync(_serviceName, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Listener(ResolverResult.ForFailure(new Status(StatusCode.Unavailable, $"service discovery found no endpoint for {_serviceName}", ex)));
            return;
        }
        var addresses = source.Endpoints.Select(e => ToAddress(e.EndPoint)).OfType<BalancerAddress>().ToList();
        // Configuration reloads (or a provider's own refresh) re-resolve without waiting for a broken connection.
        _changeRegistration?.Dispose();
        _changeRegistration = source.ChangeToken.ActiveChangeCallbacks
            ? source.ChangeToken.RegisterChangeCallback(static state => ((ServiceDiscoveryResolver)state!).Refresh(), this)
            : null;
        Listener(addresses.Count > 0
            ? ResolverResult.ForResult(addresses)
            : ResolverResult.ForFailure(new Status(StatusCode.Unavailable, $"service discovery found no endpoint for {_serviceName}")));
    }

    private static BalancerAddress? ToAddress(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => new BalancerAddress(dns.Host, dns.Port),
        IPEndPoint ip => new BalancerAddress(ip.Address.ToString(), ip.Port),
        UriEndPoint uri => new BalancerAddress(uri.Uri.Host, uri.Uri.Port),
        _ => null,
    };

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _changeRegistration?.Dispose();
        }
        base.Dispose(disposing);
    }
}
