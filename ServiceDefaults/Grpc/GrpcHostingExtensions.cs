using ClinicalAspire.Domain.Text;
using Grpc.Core;
using Grpc.Net.Client.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// gRPC hosting and client conventions: every service serves the standard gRPC health service and
/// reflection; clients address services by their named "grpc" endpoint through service discovery.
/// </summary>
public static class GrpcHostingExtensions
{
    /// <summary>Name of the HTTP/2 endpoint of every gRPC service (the HTTP/1.1 one is "http").</summary>
    public const string GrpcEndpointName = "grpc";

    /// <summary>Largest message a client of the stack reads, and a service sends (a run's export, a dataset page).</summary>
    public const int MaxMessageBytes = 64 * 1024 * 1024;

    /// <summary>
    /// gRPC hosting with a request limit: <paramref name="maxRequestBytes"/> is the largest request message (gRPC's
    /// MaxReceiveMessageSize), and Kestrel's request body limit is set just above it (its 30,000,000-byte default would
    /// otherwise cut uploads the service allows, as an UNKNOWN error). Over the limit: RESOURCE_EXHAUSTED naming it.
    /// </summary>
    public static TBuilder AddGrpcServiceDefaults<TBuilder>(this TBuilder builder, int maxRequestBytes = InputLimits.DefaultMaxRequestBytes)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = maxRequestBytes;
            options.MaxSendMessageSize = MaxMessageBytes;
            options.Interceptors.Add<ErrorMappingInterceptor>();
        });
        // The 5-byte gRPC frame header and a little: gRPC's own check (which names the limit) comes first.
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = (long)maxRequestBytes + 1024);
        builder.Services.AddGrpcReflection();
        // Publishes the ASP.NET Core health checks through grpc.health.v1 (adds no checks of its own).
        builder.Services.AddGrpcHealthChecks();
        return builder;
    }

    public static WebApplication MapGrpcServiceDefaults(this WebApplication app)
    {
        // Runs before the endpoints (the minimal host routes first and runs endpoints last).
        app.UseGrpcRequestErrors();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }

    /// <summary>
    /// Registers a typed gRPC client for another service of the stack, addressed as
    /// <c>http://_grpc.{serviceName}</c> (service discovery resolves the named endpoint), unless
    /// <c>Services:{serviceName}:Address</c> gives an explicit address.
    /// Calls are balanced per call, not per connection (README: Scaling out), when the address names a resolver
    /// (<c>dns:///extractor-headless:8081</c>: every pod behind a headless Service) or when
    /// <c>Services:{serviceName}:LoadBalancing</c> is <c>round_robin</c> (every endpoint service discovery knows, as the
    /// AppHost passes one per replica); <c>pick_first</c> keeps one connection.
    /// With <paramref name="sendClientKey"/>, calls carry this process's own credential (<c>Auth:ClientKey</c>) when one is set.
    /// </summary>
    public static IHttpClientBuilder AddGrpcServiceClient<TClient>(this IHostApplicationBuilder builder, string serviceName, bool sendClientKey = true)
        where TClient : class
    {
        var (address, policy) = GrpcLoadBalancing.ClientAddress(builder.Configuration, serviceName);
        var client = builder.Services
            .AddGrpcClient<TClient>(options => options.Address = address)
            .ConfigureChannel(channel => channel.MaxReceiveMessageSize = MaxMessageBytes);
        if (policy is not null)
        {
            builder.AddGrpcLoadBalancing();
            client.ConfigureChannel(channel =>
            {
                // A resolver address has no http:// to say "no TLS": in-cluster and local traffic is h2c.
                channel.Credentials = ChannelCredentials.Insecure;
                channel.ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { policy } };
                GrpcLoadBalancing.ReenableOn(channel.HttpHandler);
            });
        }
        if (sendClientKey && builder.Configuration["Auth:ClientKey"] is { Length: > 0 } key)
        {
            client.AddCallCredentials((_, metadata) =>
                {
                    metadata.Add(ClinicalAspire.ServiceDefaults.Security.ApiKeyFormat.Header, key);
                    return Task.CompletedTask;
                })
                // In-cluster traffic is h2c; the key is a service secret, protected by the NetworkPolicies (README: Security).
                .ConfigureChannel(channel => channel.UnsafeUseInsecureChannelCallCredentials = true);
        }
        return client;
    }
}
