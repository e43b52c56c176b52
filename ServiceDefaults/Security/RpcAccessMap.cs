using Google.Protobuf.Reflection;

namespace ClinicalAspire.ServiceDefaults.Security;

/// <summary>
/// The least role each gRPC method needs, by full method name (<c>/package.Service/Method</c>). Default deny:
/// a method that is not in the map needs <see cref="AccessRole.Admin"/>, so an RPC added later is closed to
/// everyone else until someone decides its role.
/// </summary>
public sealed class RpcAccessMap
{
    private readonly Dictionary<string, Func<object?, AccessRole>> _methods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AccessRole> _services = new(StringComparer.Ordinal);
    private readonly List<ServiceDescriptor> _described = [];

    /// <summary>Role for a method not in the map.</summary>
    public const AccessRole Unmapped = AccessRole.Admin;

    public RpcAccessMap()
    {
        // Probes and the Aspire dashboard ask for health without credentials; reflection lists the API to readers.
        ForService("grpc.health.v1.Health", AccessRole.Anonymous);
        ForService("grpc.reflection.v1alpha.ServerReflection", AccessRole.Reader);
        ForService("grpc.reflection.v1.ServerReflection", AccessRole.Reader);
    }

    /// <summary>Every method of a service needs <paramref name="role"/> (health, reflection).</summary>
    public RpcAccessMap ForService(string fullServiceName, AccessRole role)
    {
        _services[fullServiceName] = role;
        return this;
    }

    /// <summary>A method of <paramref name="service"/> needs <paramref name="role"/>; a typo fails at start.</summary>
    public RpcAccessMap Require(ServiceDescriptor service, string method, AccessRole role) =>
        Add(service, method, _ => role);

    /// <summary>A method whose role depends on its request (e.g. a replacing import needs more than a new one).</summary>
    /// The rule gets null for a client-streaming call, whose requests are not known when it starts.
    public RpcAccessMap Require<TRequest>(ServiceDescriptor service, string method, Func<TRequest?, AccessRole> role) where TRequest : class =>
        Add(service, method, request => role(request as TRequest));

    private RpcAccessMap Add(ServiceDescriptor service, string method, Func<object?, AccessRole> role)
    {
        if (service.FindMethodByName(method) is null)
        {
            throw new ArgumentException($"{service.FullName} has no method '{method}'", nameof(method));
        }
        if (!_described.Contains(service))
        {
            _described.Add(service);
        }
        _methods[$"/{service.FullName}/{method}"] = role;
        return this;
    }

    /// <summary>
    /// The role <paramref name="fullMethod"/> needs; <paramref name="request"/> is null for client-streaming calls,
    /// whose rule must then answer for any request.
    /// </summary>
    public AccessRole Required(string fullMethod, object? request)
    {
        if (_methods.TryGetValue(fullMethod, out var role))
        {
            return role(request);
        }
        var slash = fullMethod.LastIndexOf('/');
        return slash > 1 && _services.TryGetValue(fullMethod[1..slash], out var serviceRole) ? serviceRole : Unmapped;
    }

    /// <summary>Methods of the mapped services that have no rule (admin only), to be named in the start-up log.</summary>
    public IEnumerable<string> UnmappedMethods() =>
        _described.SelectMany(s => s.Methods.Select(m => $"/{s.FullName}/{m.Name}")).Where(m => !_methods.ContainsKey(m));
}
