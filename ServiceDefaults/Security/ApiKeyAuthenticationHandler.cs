using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClinicalAspire.ServiceDefaults.Security;

/// <summary>Authenticates a request by its API key, asking each resolver in turn (configuration first, then a store).</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder, IEnumerable<IApiKeyResolver> resolvers)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (ApiKeyFormat.FromHeaders(Request.Headers) is not { } key)
        {
            return AuthenticateResult.NoResult();
        }
        if (key.Length > ApiKeyFormat.MaxLength)
        {
            return AuthenticateResult.Fail("the API key is longer than any key issued here");
        }
        var hash = ApiKeyFormat.Hash(key);
        foreach (var resolver in resolvers)
        {
            KeyOwner? owner;
            try
            {
                owner = await resolver.ResolveAsync(hash, Context.RequestAborted);
            }
            catch (KeyStoreUnavailableException ex)
            {
                return AuthenticateResult.Fail(ex);
            }
            if (owner is not null)
            {
                return AuthenticateResult.Success(new AuthenticationTicket(AccessRoles.Principal(owner.Caller, owner.Role, SchemeName), SchemeName));
            }
        }
        return AuthenticateResult.Fail("the API key is unknown or revoked");
    }
}
