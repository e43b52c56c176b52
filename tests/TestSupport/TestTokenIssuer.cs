using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ClinicalAspire.TestSupport;

/// <summary>
/// A tiny OpenID Connect provider on 127.0.0.1: a discovery document and a JWKS with one RSA key, so services
/// validate tokens exactly as they would from a real provider; tokens are minted here with that key.
/// </summary>
public sealed class TestTokenIssuer : IAsyncDisposable
{
    private const string KeyId = "test-signing-key";
    private readonly RSA _key = RSA.Create(2048);
    private readonly WebApplication _app;

    public string Authority { get; }

    private TestTokenIssuer(int port)
    {
        Authority = $"http://127.0.0.1:{port}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port));
        _app = builder.Build();
        _app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Authority,
            ["jwks_uri"] = $"{Authority}/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        _app.MapGet("/jwks", () =>
        {
            var parameters = _key.ExportParameters(includePrivateParameters: false);
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = KeyId, n = Base64Url(parameters.Modulus!), e = Base64Url(parameters.Exponent!) } } });
        });
    }

    public static async Task<TestTokenIssuer> StartAsync()
    {
        var issuer = new TestTokenIssuer(RedisServerProcess.FreePort());
        await issuer._app.StartAsync();
        return issuer;
    }

    /// <summary>An RS256 access token; <paramref name="extraClaims"/> are added as they are (objects become JSON).</summary>
    public string Mint(string subject, string audience, IEnumerable<string> roles, TimeSpan? lifetime = null,
        IReadOnlyDictionary<string, object>? extraClaims = null, string? issuer = null)
    {
        var now = DateTimeOffset.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(10));
        var payload = new Dictionary<string, object>
        {
            ["iss"] = issuer ?? Authority,
            ["aud"] = audience,
            ["sub"] = subject,
            ["roles"] = roles.ToArray(),
            ["iat"] = now.AddMinutes(-30).ToUnixTimeSeconds(),
            ["nbf"] = now.AddMinutes(-30).ToUnixTimeSeconds(),
            ["exp"] = expires.ToUnixTimeSeconds(),
        };
        foreach (var (name, value) in extraClaims ?? new Dictionary<string, object>())
        {
            payload[name] = value;
        }
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "RS256", typ = "JWT", kid = KeyId }));
        var body = Base64Url(JsonSerializer.SerializeToUtf8Bytes(payload));
        var signature = _key.SignData(Encoding.ASCII.GetBytes($"{header}.{body}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{body}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _key.Dispose();
    }
}
