namespace ClinicalAspire.AppHost.Cache;

/// <summary>
/// A Redis-protocol server run as a local process (redis-server from PATH, or the embedded Garnet host)
/// when no container runtime is available. Its connection string is host:port, like the Redis container's,
/// so services connect with AddRedisClient("cache") unchanged.
/// </summary>
public sealed class LocalRedisResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    private EndpointReference? _endpoint;

    public EndpointReference Endpoint => _endpoint ??= new EndpointReference(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Endpoint.Property(EndpointProperty.HostAndPort)}");
}
