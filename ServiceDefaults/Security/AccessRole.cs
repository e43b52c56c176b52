using System.Security.Claims;

namespace ClinicalAspire.ServiceDefaults.Security;

/// <summary>
/// What a caller may do, each role including the ones below it: a reader sees results without note text, a
/// researcher works with datasets, runs and text, an admin also deletes and manages API keys.
/// </summary>
public enum AccessRole
{
    /// <summary>No identity needed (health only).</summary>
    Anonymous = 0,
    Reader = 1,
    Researcher = 2,
    Admin = 3,
}

public static class AccessRoles
{
    /// <summary>Claim with the caller's highest role, as a lower-case name.</summary>
    public const string RoleClaim = "clinical:role";

    /// <summary>Claim with the caller's id for logs and quotas: key:{name}, service:{name}, user:{subject}.</summary>
    public const string CallerClaim = "clinical:caller";

    public static string Name(this AccessRole role) => role.ToString().ToLowerInvariant();

    public static bool TryParse(string? value, out AccessRole role)
    {
        role = value?.Trim().ToLowerInvariant() switch
        {
            "reader" => AccessRole.Reader,
            "researcher" => AccessRole.Researcher,
            "admin" => AccessRole.Admin,
            _ => AccessRole.Anonymous,
        };
        return role != AccessRole.Anonymous;
    }

    /// <summary>The caller's role; <see cref="AccessRole.Anonymous"/> when the principal has none.</summary>
    public static AccessRole RoleOf(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true && TryParse(user.FindFirst(RoleClaim)?.Value, out var role) ? role : AccessRole.Anonymous;

    /// <summary>The caller's id, or null for an anonymous caller.</summary>
    public static string? CallerOf(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true ? user.FindFirst(CallerClaim)?.Value : null;

    public static ClaimsPrincipal Principal(string caller, AccessRole role, string scheme) =>
        new(new ClaimsIdentity([new Claim(CallerClaim, caller), new Claim(RoleClaim, role.Name())], scheme, CallerClaim, RoleClaim));
}
