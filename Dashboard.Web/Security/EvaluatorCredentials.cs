using System.Security.Claims;
using ClinicalAspire.ServiceDefaults.Security;
using Microsoft.AspNetCore.Components.Authorization;

namespace ClinicalAspire.Dashboard.Security;

/// <summary>
/// The identity the Dashboard calls the Evaluator with: a user signed in with OpenID Connect calls as themself (their
/// access token, so the Evaluator applies their role); an administrator-key session, and the Dashboard's own
/// background work, call with the Dashboard's credential (<c>Auth:ClientKey</c>, a caller key the Evaluator knows).
/// An OIDC user never falls back to the Dashboard's credential: that would lend them its role.
/// </summary>
public static class EvaluatorCredentials
{
    /// <summary>Claims that carry the access token into interactive circuits, which have no HttpContext to read it from.</summary>
    public const string AccessTokenClaim = "clinical:access_token";
    public const string AccessTokenExpiresClaim = "clinical:access_token_expires";

    public static IHttpClientBuilder AddEvaluatorCredentials(this IHttpClientBuilder client, string? dashboardKey) =>
        client
            .AddCallCredentials(async (_, metadata, services) =>
            {
                var user = await CurrentUserAsync(services);
                if (For(user, dashboardKey) is { } header)
                {
                    metadata.Add(header.Name, header.Value);
                }
            })
            // h2c inside the cluster; the NetworkPolicies keep this hop between the Dashboard and the Evaluator.
            .ConfigureChannel(channel => channel.UnsafeUseInsecureChannelCallCredentials = true);

    /// <summary>The header for a call made for <paramref name="user"/> (null: no user, e.g. the start-up warm-up).</summary>
    public static (string Name, string Value)? For(ClaimsPrincipal? user, string? dashboardKey)
    {
        if (user?.FindFirst(AccessTokenClaim)?.Value is { Length: > 0 } token)
        {
            return ("authorization", $"Bearer {token}");
        }
        var oidcUser = user?.Identity?.IsAuthenticated == true
            && user.FindFirst(ClaimTypes.AuthenticationMethod)?.Value != AdminKey.AuthenticationMethod;
        return oidcUser || string.IsNullOrEmpty(dashboardKey) ? null : (ApiKeyFormat.Header, dashboardKey);
    }

    /// <summary>The user of the page or circuit whose scope made the client; none for clients made outside one.</summary>
    private static async Task<ClaimsPrincipal?> CurrentUserAsync(IServiceProvider services)
    {
        try
        {
            return services.GetService<AuthenticationStateProvider>() is { } provider ? (await provider.GetAuthenticationStateAsync()).User : null;
        }
        catch (InvalidOperationException)
        {
            // The root provider (a hosted service's client), or a scope whose authentication state is not set yet.
            return null;
        }
    }
}
