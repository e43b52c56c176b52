using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ClinicalAspire.ServiceDefaults.Security;

/// <summary>
/// API keys: "cak_" and 43 base64url characters (256 random bits), so one SHA-256 is a safe hash at rest;
/// sent as <c>x-api-key</c> metadata or as <c>authorization: Bearer cak_...</c>.
/// </summary>
public static class ApiKeyFormat
{
    public const string Header = "x-api-key";
    public const string Prefix = "cak_";

    /// <summary>Longer values are refused before hashing.</summary>
    public const int MaxLength = 256;

    /// <summary>Characters of a key shown in listings (prefix included) to tell keys apart.</summary>
    public const int VisibleLength = 12;

    public static string New() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string Visible(string key) => key.Length <= VisibleLength ? key : key[..VisibleLength];

    /// <summary>The key a request carries, or null.</summary>
    public static string? FromHeaders(IHeaderDictionary headers)
    {
        if (headers[Header].ToString() is { Length: > 0 } key)
        {
            return key.Trim();
        }
        var authorization = headers.Authorization.ToString();
        const string bearer = "Bearer ";
        return authorization.StartsWith(bearer + Prefix, StringComparison.OrdinalIgnoreCase) ? authorization[bearer.Length..].Trim() : null;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Who a key belongs to.</summary>
public sealed record KeyOwner(string Caller, AccessRole Role);

/// <summary>Looks a key up by its SHA-256 (hex); null when it is not known here.</summary>
public interface IApiKeyResolver
{
    ValueTask<KeyOwner?> ResolveAsync(string keyHash, CancellationToken cancellationToken);
}

/// <summary>Thrown by a resolver whose store can't be reached: the caller gets UNAVAILABLE, not UNAUTHENTICATED.</summary>
public sealed class KeyStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The keys from configuration: the bootstrap admin key and the callers' credentials.</summary>
internal sealed class ConfiguredKeys : IApiKeyResolver
{
    private readonly Dictionary<string, KeyOwner> _byHash = new(StringComparer.Ordinal);

    public ConfiguredKeys(ServiceAuthOptions options)
    {
        if (options.BootstrapAdminKey is { Length: > 0 } bootstrap)
        {
            _byHash[ApiKeyFormat.Hash(bootstrap)] = new KeyOwner("bootstrap", AccessRole.Admin);
        }
        foreach (var (name, caller) in options.Callers)
        {
            if (caller.Key is { Length: > 0 } key)
            {
                if (!AccessRoles.TryParse(caller.Role, out var role))
                {
                    throw new InvalidOperationException($"Auth:Callers:{name}:Role '{caller.Role}' is not reader, researcher or admin.");
                }
                _byHash[ApiKeyFormat.Hash(key)] = new KeyOwner($"service:{name}", role);
            }
        }
    }

    public int Count => _byHash.Count;

    public ValueTask<KeyOwner?> ResolveAsync(string keyHash, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_byHash.GetValueOrDefault(keyHash));
}
