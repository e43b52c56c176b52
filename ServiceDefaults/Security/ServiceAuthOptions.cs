namespace ClinicalAspire.ServiceDefaults.Security;

/// <summary>Who may call a service (section <c>Auth</c>); README: Security.</summary>
public sealed class ServiceAuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>Shortest configured key accepted: a guessable secret must not open PHI.</summary>
    public const int MinimumKeyLength = 32;

    /// <summary>Null: on outside Development, off in Development. Off outside Development is refused at start.</summary>
    public bool? Enabled { get; set; }

    /// <summary>An admin key from a secret, so that a fresh deployment can create the first API keys.</summary>
    public string? BootstrapAdminKey { get; set; }

    /// <summary>Credentials of the other services and jobs that call this one, by caller name.</summary>
    public Dictionary<string, CallerKeyOptions> Callers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>This process's own credential, sent on its calls to the other services.</summary>
    public string? ClientKey { get; set; }

    public JwtOptions Jwt { get; set; } = new();

    public bool JwtConfigured => !string.IsNullOrWhiteSpace(Jwt.Authority) || !string.IsNullOrWhiteSpace(Jwt.MetadataAddress);
}

public sealed class CallerKeyOptions
{
    public string? Key { get; set; }

    public string Role { get; set; } = "researcher";
}

/// <summary>Bearer tokens from the OpenID Connect provider the Dashboard signs in with.</summary>
public sealed class JwtOptions
{
    public string? Authority { get; set; }

    /// <summary>Discovery document, when it is not at {Authority}/.well-known/openid-configuration.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>Required with an authority: tokens issued for other applications are refused.</summary>
    public string? Audience { get; set; }

    /// <summary>Claim with the roles; a dotted path reads a nested claim (Keycloak: realm_access.roles).</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>Claim naming the caller in logs and quotas.</summary>
    public string NameClaim { get; set; } = "sub";

    public bool RequireHttpsMetadata { get; set; } = true;
}
