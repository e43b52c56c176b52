using System.Collections.Concurrent;
using System.Text.Json;
using ClinicalAspire.ServiceDefaults.Security;
using StackExchange.Redis;

namespace ClinicalAspire.Evaluator.Security;

/// <summary>
/// API keys in the Evaluator's Redis: only each key's SHA-256 is stored, never the key.
/// </summary>
/// <remarks>
/// Keys: <c>clinical:apikeys</c> (hash name -> record JSON), <c>clinical:apikey:hash:{sha256}</c> (the owner,
/// looked up on every call), <c>clinical:apikeys:used</c> (hash name -> last use, unix ms).
/// </remarks>
public sealed class ApiKeyStore([FromKeyedServices(RedisExtensions.StoreConnectionName)] IConnectionMultiplexer redis, TimeProvider clock) : IApiKeyResolver
{
    private const string KeysKey = "clinical:apikeys";
    private const string UsedKey = "clinical:apikeys:used";
    private static readonly TimeSpan UseResolution = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastWritten = new(StringComparer.Ordinal);

    private IDatabase Db => redis.GetDatabase();

    private static string HashKey(string hash) => $"clinical:apikey:hash:{hash}";

    public sealed record StoredKey(string Name, string Role, DateTimeOffset CreatedAt, string Prefix, string Hash, string CreatedBy);

    /// <summary>Names reserved for configured credentials, so logs never mix a stored key with one of them.</summary>
    private static readonly string[] Reserved = ["bootstrap"];

    public static string? NameProblem(string name) =>
        name.Length is < 1 or > 64 ? "a key name has 1 to 64 characters"
        : !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') ? "a key name has only letters, digits, '.', '_' and '-'"
        : Reserved.Contains(name, StringComparer.OrdinalIgnoreCase) ? $"'{name}' is reserved"
        : null;

    /// <summary>Stores a new key; null when the name is taken. Returns the key (shown once) and its record.</summary>
    public async Task<(string Key, StoredKey Record)?> CreateAsync(string name, AccessRole role, string createdBy)
    {
        var key = ApiKeyFormat.New();
        var record = new StoredKey(name, role.Name(), clock.GetUtcNow(), ApiKeyFormat.Visible(key), ApiKeyFormat.Hash(key), createdBy);
        if (!await Db.HashSetAsync(KeysKey, name, JsonSerializer.Serialize(record), When.NotExists))
        {
            return null;
        }
        await Db.StringSetAsync(HashKey(record.Hash), JsonSerializer.Serialize(new KeyOwner($"key:{name}", role)));
        return (key, record);
    }

    public async Task<IReadOnlyList<(StoredKey Record, DateTimeOffset? LastUsed)>> ListAsync()
    {
        var records = await Db.HashGetAllAsync(KeysKey);
        var used = (await Db.HashGetAllAsync(UsedKey)).ToDictionary(e => e.Name.ToString(), e => (long)e.Value);
        return records
            .Select(e => JsonSerializer.Deserialize<StoredKey>(e.Value.ToString())!)
            .OrderBy(r => r.CreatedAt)
            .Select(r => (r, used.TryGetValue(r.Name, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null))
            .ToList();
    }

    /// <summary>Removes the key; calls made with it afterwards are refused. False when there was no such key.</summary>
    public async Task<bool> RevokeAsync(string name)
    {
        var value = await Db.HashGetAsync(KeysKey, name);
        if (value.IsNull)
        {
            return false;
        }
        var record = JsonSerializer.Deserialize<StoredKey>(value.ToString())!;
        // The lookup entry goes first: from then on the key opens nothing, whatever happens next.
        await Db.KeyDeleteAsync(HashKey(record.Hash));
        await Db.HashDeleteAsync(KeysKey, name);
        await Db.HashDeleteAsync(UsedKey, name);
        _lastWritten.TryRemove(name, out _);
        return true;
    }

    public async ValueTask<KeyOwner?> ResolveAsync(string keyHash, CancellationToken cancellationToken)
    {
        RedisValue value;
        try
        {
            value = await Db.StringGetAsync(HashKey(keyHash));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new KeyStoreUnavailableException("the API key store is unavailable", ex);
        }
        if (value.IsNull || JsonSerializer.Deserialize<KeyOwner>(value.ToString()) is not { } owner)
        {
            return null;
        }
        NoteUse(owner.Caller["key:".Length..]);
        return owner;
    }

    /// <summary>Last use, written at most once a minute per key and without waiting.</summary>
    private void NoteUse(string name)
    {
        var now = clock.GetUtcNow();
        if (_lastWritten.TryGetValue(name, out var last) && now - last < UseResolution)
        {
            return;
        }
        _lastWritten[name] = now;
        Db.HashSet(UsedKey, name, now.ToUnixTimeMilliseconds(), flags: CommandFlags.FireAndForget);
    }
}
