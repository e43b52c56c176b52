using System.Security.Cryptography;
using ClinicalAspire.TestSupport;
using Grpc.Core;

namespace ClinicalAspire.Evaluator.Tests;

/// <summary>
/// One Evaluator process in Production with authentication as a deployment has it: a bootstrap admin key,
/// bearer tokens from a local OpenID Connect provider, API keys in Redis, small quotas.
/// </summary>
public sealed class SecuredEvaluator : IAsyncLifetime
{
    public const string Audience = "clinical-api";
    public const int RunStartLimit = 3;

    public string BootstrapKey { get; } = "boot-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    /// <summary>The Dashboard's own credential, an admin caller here as in the AppHost.</summary>
    public string DashboardKey { get; } = "dash-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    public TestTokenIssuer Issuer { get; private set; } = null!;

    public FakeExtractor Extractor { get; } = new();

    public RedisServerProcess Redis { get; private set; } = null!;

    public ServiceProcess Service { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Issuer = await TestTokenIssuer.StartAsync();
        await Extractor.StartAsync();
        Redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer);
        Service = await ServiceProcess.StartAsync("Evaluator.Service", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__cache"] = Redis.ConnectionString,
            ["Services__extractor__Address"] = Extractor.Address,
            ["Evaluator__DemoAutorun"] = "false",
            ["Auth__BootstrapAdminKey"] = BootstrapKey,
            ["Auth__Callers__dashboard__Key"] = DashboardKey,
            ["Auth__Callers__dashboard__Role"] = "admin",
            ["Auth__Jwt__Authority"] = Issuer.Authority,
            ["Auth__Jwt__Audience"] = Audience,
            ["Auth__Jwt__RequireHttpsMetadata"] = "false",
            // Refilled slowly, so a test sees the limit and not a refill.
            ["Quotas__RunStarts__Limit"] = RunStartLimit.ToString(),
            ["Quotas__RunStarts__Window"] = "01:00:00",
        });
    }

    /// <summary>A call invoker that sends <paramref name="metadata"/> (a key or a token) on every call.</summary>
    public CallInvoker With(string name, string value) => Service.WithHeader(name, value);

    public CallInvoker WithKey(string key) => With("x-api-key", key);

    public CallInvoker WithToken(string token) => With("authorization", $"Bearer {token}");

    public CallInvoker Anonymous => Service.Channel.CreateCallInvoker();

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await Redis.DisposeAsync();
        await Extractor.DisposeAsync();
        await Issuer.DisposeAsync();
    }
}
