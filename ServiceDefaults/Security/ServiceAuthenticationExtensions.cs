using System.Security.Claims;
using System.Text.Json;
using ClinicalAspire.ServiceDefaults.Security;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Identity on a gRPC service: JWT bearer tokens from the OpenID Connect provider, API keys (configured or,
/// on the Evaluator, stored), and a role check per method. On outside Development and refused at start when
/// no credential of any kind is configured; off in Development unless Auth:Enabled=true.
/// </summary>
public static class ServiceAuthenticationExtensions
{
    public const string PolicyScheme = "ClinicalAuth";

    /// <param name="map">The least role of each method.</param>
    /// <param name="storedKeys">The service registered an <see cref="IApiKeyResolver"/> over a store of its own.</param>
    public static TBuilder AddServiceAuthentication<TBuilder>(this TBuilder builder, RpcAccessMap map, bool storedKeys = false)
        where TBuilder : IHostApplicationBuilder
    {
        var options = builder.Configuration.GetSection(ServiceAuthOptions.SectionName).Get<ServiceAuthOptions>() ?? new ServiceAuthOptions();
        var development = builder.Environment.IsDevelopment();
        var enabled = options.Enabled ?? !development;
        builder.Services.AddSingleton(new ServiceAuthState(enabled));
        if (!enabled)
        {
            if (!development)
            {
                throw new InvalidOperationException(
                    $"Auth:Enabled=false is accepted only in Development (this is {builder.Environment.EnvironmentName}): clinical notes need an identity.");
            }
            builder.Services.AddHostedService(sp => new StartupNote(sp.GetRequiredService<ILoggerFactory>(), enabled: false, map));
            return builder;
        }

        Validate(options, storedKeys);
        var configured = new ConfiguredKeys(options);
        builder.Services.AddSingleton(map);
        // Configured keys first: they need no store, and a store that is down must not lock the services out.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IApiKeyResolver>(configured));
        var authentication = builder.Services
            .AddAuthentication(PolicyScheme)
            .AddPolicyScheme(PolicyScheme, "API key or bearer token", policy => policy.ForwardDefaultSelector = context =>
                ApiKeyFormat.FromHeaders(context.Request.Headers) is not null || !options.JwtConfigured
                    ? ApiKeyAuthenticationHandler.SchemeName : JwtBearerDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, _ => { });
        if (options.JwtConfigured)
        {
            authentication.AddJwtBearer(jwt => ConfigureJwt(jwt, options.Jwt));
        }
        // After the error mapping (added with AddGrpc): a refusal is an RpcException and passes it unchanged.
        builder.Services.Configure<GrpcServiceOptions>(grpc => grpc.Interceptors.Add<CallerAuthorizationInterceptor>());
        builder.Services.AddHostedService(sp => new StartupNote(sp.GetRequiredService<ILoggerFactory>(), enabled: true, map,
            $"bearer tokens: {(options.JwtConfigured ? "yes" : "no")}, configured keys: {configured.Count}, stored keys: {(storedKeys ? "yes" : "no")}"));
        return builder;
    }

    private static void Validate(ServiceAuthOptions options, bool storedKeys)
    {
        var hasKeys = !string.IsNullOrEmpty(options.BootstrapAdminKey) || options.Callers.Values.Any(c => !string.IsNullOrEmpty(c.Key));
        if (!options.JwtConfigured && !hasKeys && !storedKeys)
        {
            throw new InvalidOperationException(
                "Authentication is required outside Development but no credential is configured: set Auth:Jwt:Authority (with Auth:Jwt:Audience), "
                + "Auth:BootstrapAdminKey or Auth:Callers:{name}:Key (README: Security). Auth:Enabled=false is accepted only in Development.");
        }
        if (options.JwtConfigured && string.IsNullOrWhiteSpace(options.Jwt.Audience))
        {
            throw new InvalidOperationException("Auth:Jwt:Audience is required with Auth:Jwt:Authority: tokens issued for other applications must be refused.");
        }
        var keys = options.Callers.Select(c => ($"Auth:Callers:{c.Key}:Key", c.Value.Key)).Append(("Auth:BootstrapAdminKey", options.BootstrapAdminKey));
        foreach (var (name, key) in keys)
        {
            if (key is { Length: > 0 } && key.Length < ServiceAuthOptions.MinimumKeyLength)
            {
                throw new InvalidOperationException($"{name} is shorter than {ServiceAuthOptions.MinimumKeyLength} characters: use a random secret (e.g. openssl rand -base64 32).");
            }
        }
    }

    private static void ConfigureJwt(JwtBearerOptions jwt, JwtOptions settings)
    {
        jwt.Authority = settings.Authority;
        if (!string.IsNullOrWhiteSpace(settings.MetadataAddress))
        {
            jwt.MetadataAddress = settings.MetadataAddress;
        }
        jwt.Audience = settings.Audience;
        jwt.RequireHttpsMetadata = settings.RequireHttpsMetadata;
        // Claim names as the provider wrote them (sub, roles), not the long WS-* URIs.
        jwt.MapInboundClaims = false;
        jwt.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                if (context.Principal is { } principal)
                {
                    var subject = principal.FindFirst(settings.NameClaim)?.Value ?? principal.FindFirst("sub")?.Value ?? "unknown";
                    var role = JwtRoles.Highest(principal, settings.RoleClaim);
                    var claims = new List<Claim> { new(AccessRoles.CallerClaim, $"user:{subject}") };
                    if (role != AccessRole.Anonymous)
                    {
                        claims.Add(new Claim(AccessRoles.RoleClaim, role.Name()));
                    }
                    principal.AddIdentity(new ClaimsIdentity(claims));
                }
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>Whether calls need an identity here (quotas key by caller then, else by peer address).</summary>
    public sealed record ServiceAuthState(bool Enabled);

    /// <summary>One clear line at start saying whether calls need an identity, and which methods fell to admin-only.</summary>
    private sealed class StartupNote(ILoggerFactory loggers, bool enabled, RpcAccessMap map, string? sources = null) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var logger = loggers.CreateLogger("ClinicalAspire.Auth");
            if (!enabled)
            {
                logger.LogWarning("Authentication is OFF (Development): every gRPC call is accepted without credentials. Set Auth:Enabled=true to require it.");
                return Task.CompletedTask;
            }
            logger.LogInformation("Authentication is ON: every gRPC call except health needs a bearer token or an API key ({Sources}).", sources);
            foreach (var method in map.UnmappedMethods())
            {
                logger.LogWarning("{Method} has no access rule: admin only until one is added", method);
            }
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>Reads the roles of a token: a top-level claim (one claim per role) or a dotted path into a JSON claim.</summary>
internal static class JwtRoles
{
    public static AccessRole Highest(ClaimsPrincipal principal, string path)
    {
        var best = AccessRole.Anonymous;
        foreach (var value in Values(principal, path))
        {
            if (AccessRoles.TryParse(value, out var role) && role > best)
            {
                best = role;
            }
        }
        return best;
    }

    private static IEnumerable<string> Values(ClaimsPrincipal principal, string path)
    {
        var segments = path.Split('.', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            yield break;
        }
        foreach (var claim in principal.FindAll(segments[0]))
        {
            if (segments.Length == 1 && !claim.Value.StartsWith('[') && !claim.Value.StartsWith('{'))
            {
                yield return claim.Value;
                continue;
            }
            JsonElement element;
            try
            {
                element = JsonDocument.Parse(claim.Value).RootElement;
            }
            catch (JsonException)
            {
                continue;
            }
            foreach (var segment in segments.Skip(1))
            {
                if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(segment, out element))
                {
                    element = default;
                    break;
                }
            }
            if (element.ValueKind == JsonValueKind.String)
            {
                yield return element.GetString()!;
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String))
                {
                    yield return item.GetString()!;
                }
            }
        }
    }
}
