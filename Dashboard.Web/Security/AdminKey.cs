using System.Security.Cryptography;
using System.Text;

namespace ClinicalAspire.Dashboard.Security;

/// <summary>The single administrator key (Dashboard:AdminKey), compared in constant time.</summary>
public sealed class AdminKey(string? configured)
{
    public const string ConfigurationKey = "Dashboard:AdminKey";

    /// <summary>Value of the authentication-method claim of a key sign-in.</summary>
    public const string AuthenticationMethod = "admin-key";

    private readonly byte[]? _hash = string.IsNullOrEmpty(configured) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(configured));

    public bool IsConfigured => _hash is not null;

    /// <summary>Hashing both sides first makes the comparison independent of the keys' lengths too.</summary>
    public bool Matches(string? candidate)
    {
        if (_hash is null || string.IsNullOrEmpty(candidate))
        {
            return false;
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(candidate));
        return CryptographicOperations.FixedTimeEquals(hash, _hash);
    }
}

/// <summary>How the Dashboard signs people in, decided once at startup.</summary>
public sealed record DashboardAccess(bool SignInRequired, bool OidcConfigured, bool AdminKeyConfigured)
{
    public const string OidcScheme = "oidc";

    /// <summary>A return URL is followed only when it stays on this site.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
            ? url : "/";
}
