using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace ClinicalAspire.Evaluator.Security;

/// <summary>Creates, lists and revokes API keys (admin only, by <see cref="EvaluatorAccess"/>).</summary>
public sealed class ApiKeysGrpcService(ApiKeyStore store, ILogger<ApiKeysGrpcService> logger) : ApiKeys.ApiKeysBase
{
    public override async Task<CreateApiKeyResponse> CreateApiKey(CreateApiKeyRequest request, ServerCallContext context)
    {
        var name = request.Name.Trim();
        if (ApiKeyStore.NameProblem(name) is { } problem)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, problem));
        }
        if (!AccessRoles.TryParse(request.Role, out var role))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "role must be reader, researcher or admin"));
        }
        var caller = Caller(context);
        var created = await store.CreateAsync(name, role, caller)
            ?? throw new RpcException(new Status(StatusCode.AlreadyExists, $"a key named '{name}' exists; revoke it first or pick another name"));
        logger.LogInformation("API key {Name} ({Role}) created by {Caller}", name, role.Name(), caller);
        return new CreateApiKeyResponse { Key = created.Key, Info = Info(created.Record, null) };
    }

    public override async Task<ListApiKeysResponse> ListApiKeys(ListApiKeysRequest request, ServerCallContext context)
    {
        var response = new ListApiKeysResponse();
        response.Keys.AddRange((await store.ListAsync()).Select(k => Info(k.Record, k.LastUsed)));
        return response;
    }

    public override async Task<RevokeApiKeyResponse> RevokeApiKey(RevokeApiKeyRequest request, ServerCallContext context)
    {
        var name = request.Name.Trim();
        if (!await store.RevokeAsync(name))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"no key named '{name}'"));
        }
        logger.LogInformation("API key {Name} revoked by {Caller}", name, Caller(context));
        return new RevokeApiKeyResponse { Revoked = true };
    }

    /// <summary>Development runs without identities: the key is then created by "anonymous".</summary>
    private static string Caller(ServerCallContext context) => AccessRoles.CallerOf(context.GetHttpContext().User) ?? "anonymous";

    private static ApiKeyInfo Info(ApiKeyStore.StoredKey record, DateTimeOffset? lastUsed)
    {
        var info = new ApiKeyInfo
        {
            Name = record.Name,
            Role = record.Role,
            CreatedAt = Timestamp.FromDateTimeOffset(record.CreatedAt),
            Prefix = record.Prefix,
            CreatedBy = record.CreatedBy,
        };
        if (lastUsed is { } used)
        {
            info.LastUsedAt = Timestamp.FromDateTimeOffset(used);
        }
        return info;
    }
}
