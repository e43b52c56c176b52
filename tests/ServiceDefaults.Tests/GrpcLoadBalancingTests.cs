using System.Net;
using ClinicalAspire.ServiceDefaults.Security;
using Grpc.Health.V1;
using Grpc.Net.Client.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClinicalAspire.ServiceDefaults.Tests;

/// <summary>
/// The clients between the services: which address and policy each setting gives, and calls spread over several backends
/// through the whole client pipeline of the services (resilience, service discovery, call credentials).
/// </summary>
public sealed class GrpcLoadBalancingTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    [Fact]
    public void Without_settings_a_client_uses_service_discovery_over_one_connection()
    {
        var (address, policy) = GrpcLoadBalancing.ClientAddress(Settings(), "extractor");
        Assert.Equal("http://_grpc.extractor/", address.ToString());
        Assert.Null(policy);
    }

    [Fact]
    public void An_explicit_http_address_is_kept_as_it_is()
    {
        var (address, policy) = GrpcLoadBalancing.ClientAddress(Settings(("Services:extractor:Address", "http://127.0.0.1:5091")), "extractor");
        Assert.Equal("http://127.0.0.1:5091/", address.ToString());
        Assert.Null(policy);
    }

    [Fact]
    public void A_dns_address_is_balanced_round_robin_unless_told_otherwise()
    {
        var (address, policy) = GrpcLoadBalancing.ClientAddress(Settings(("Services:extractor:Address", "dns:///extractor-headless:8081")), "extractor");
        Assert.Equal("dns", address.Scheme);
        Assert.IsType<RoundRobinConfig>(policy);

        (_, policy) = GrpcLoadBalancing.ClientAddress(
            Settings(("Services:extractor:Address", "dns:///extractor-headless:8081"), ("Services:extractor:LoadBalancing", "pick_first")), "extractor");
        Assert.IsType<PickFirstConfig>(policy);
    }

    [Fact]
    public void Round_robin_without_an_address_resolves_every_endpoint_service_discovery_knows()
    {
        var (address, policy) = GrpcLoadBalancing.ClientAddress(Settings(("Services:extractor:LoadBalancing", "round_robin")), "extractor");
        Assert.Equal("discovery:///_grpc.extractor", address.ToString());
        Assert.IsType<RoundRobinConfig>(policy);
    }

    [Theory]
    [InlineData("http://extractor:8081", "round_robin", "Services:extractor:LoadBalancing needs several addresses")]
    [InlineData("", "random", "Services:extractor:LoadBalancing is 'random'")]
    public void Settings_that_cannot_balance_fail_at_start_naming_the_key(string address, string policy, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => GrpcLoadBalancing.ClientAddress(
            Settings(("Services:extractor:Address", address), ("Services:extractor:LoadBalancing", policy)), "extractor"));
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public async Task Round_robin_spreads_calls_evenly_over_every_endpoint_service_discovery_knows_with_credentials_on_each()
    {
        await using var servers = await HealthServers.StartAsync(3);
        var settings = new List<(string, string)> { ("Services:health:LoadBalancing", "round_robin"), ("Auth:ClientKey", "test-client-key") };
        settings.AddRange(servers.Addresses.Select((address, i) => ($"Services:health:grpc:{i}", address)));
        using var host = ClientHost(settings);

        var client = host.Services.GetRequiredService<Health.HealthClient>();
        for (var i = 0; i < 30; i++)
        {
            await client.CheckAsync(new HealthCheckRequest());
        }

        // Round robin over three ready connections: exactly a third each (a connection not ready yet would skew it).
        Assert.All(servers.Calls, count => Assert.InRange(count, 8, 12));
        Assert.Equal(30, servers.Calls.Sum());
        Assert.Equal(30, servers.CallsWithKey("test-client-key"));
    }

    [Fact]
    public async Task A_dns_address_reaches_the_service_through_the_same_client_pipeline()
    {
        await using var servers = await HealthServers.StartAsync(1);
        var port = new Uri(servers.Addresses[0]).Port;
        using var host = ClientHost([("Services:health:Address", $"dns:///localhost:{port}")]);

        var client = host.Services.GetRequiredService<Health.HealthClient>();
        await client.CheckAsync(new HealthCheckRequest());

        Assert.Equal(1, servers.Calls.Sum());
    }

    private static IHost ClientHost(IEnumerable<(string Key, string Value)> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.AddServiceDefaults();
        builder.AddGrpcServiceClient<Health.HealthClient>("health");
        return builder.Build();
    }

    /// <summary>Kestrel servers on loopback with the gRPC health service, each counting the calls it answers.</summary>
    private sealed class HealthServers : IAsyncDisposable
    {
        private readonly List<WebApplication> _apps = [];
        private readonly int[] _calls;
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _keys = new();

        private HealthServers(int count) => _calls = new int[count];

        public List<string> Addresses { get; } = [];

        public int[] Calls => [.. _calls.Select((_, i) => Volatile.Read(ref _calls[i]))];

        public int CallsWithKey(string key) => _keys.Count(k => k == key);

        public static async Task<HealthServers> StartAsync(int count)
        {
            var servers = new HealthServers(count);
            for (var i = 0; i < count; i++)
            {
                var index = i;
                var builder = WebApplication.CreateSlimBuilder();
                builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
                builder.Services.AddGrpc();
                builder.Services.AddGrpcHealthChecks();
                var app = builder.Build();
                app.Use(async (context, next) =>
                {
                    Interlocked.Increment(ref servers._calls[index]);
                    if (context.Request.Headers.TryGetValue(ApiKeyFormat.Header, out var key))
                    {
                        servers._keys.Enqueue(key.ToString());
                    }
                    await next(context);
                });
                app.MapGrpcHealthChecksService();
                await app.StartAsync();
                servers._apps.Add(app);
                var address = app.Urls.Single();
                servers.Addresses.Add(address.Replace("127.0.0.1", "localhost", StringComparison.Ordinal));
            }
            return servers;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var app in _apps)
            {
                await app.DisposeAsync();
            }
        }
    }
}
