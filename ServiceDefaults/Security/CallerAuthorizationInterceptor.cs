using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;

namespace ClinicalAspire.ServiceDefaults.Security;

/// <summary>
/// Checks every call against the service's <see cref="RpcAccessMap"/>: no identity is UNAUTHENTICATED, too small
/// a role PERMISSION_DENIED, each with a detail naming the role needed. Refusals are logged with the method and
/// the caller's id, never with the request.
/// </summary>
internal sealed class CallerAuthorizationInterceptor(RpcAccessMap map, ILogger<CallerAuthorizationInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context, request);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context, request);
        await continuation(request, responseStream, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context, null);
        return await continuation(requestStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context, null);
        await continuation(requestStream, responseStream, context);
    }

    private async Task AuthorizeAsync(ServerCallContext context, object? request)
    {
        var needed = map.Required(context.Method, request);
        if (needed == AccessRole.Anonymous)
        {
            return;
        }
        var http = context.GetHttpContext();
        var user = http.User;
        var caller = AccessRoles.CallerOf(user);
        if (caller is null)
        {
            // The middleware keeps only successes; the handler answers again from its per-request cache.
            var failure = (await http.AuthenticateAsync()).Failure;
            if (failure is KeyStoreUnavailableException)
            {
                logger.LogWarning("Refused {Method}: the API key store is unavailable", context.Method);
                throw new RpcException(new Status(StatusCode.Unavailable, "the API key store is unavailable; retry later"));
            }
            var why = failure switch
            {
                null => "no credentials were sent",
                { Message: var message } when message.StartsWith("the API key", StringComparison.Ordinal) => message,
                _ => "the bearer token was not accepted (expired, or another issuer, audience or signing key)",
            };
            logger.LogWarning("Refused {Method} from {Peer}: unauthenticated ({Reason}); needs {Role}", context.Method, context.Peer, why, needed.Name());
            throw new RpcException(new Status(StatusCode.Unauthenticated,
                $"{ShortName(context.Method)} needs an identity with role '{needed.Name()}' or higher: {why}. Send a bearer token or an API key (x-api-key)."));
        }
        var role = AccessRoles.RoleOf(user);
        if (role < needed)
        {
            logger.LogWarning("Refused {Method} for {Caller} (role {Role}): needs {Needed}", context.Method, caller, role == AccessRole.Anonymous ? "none" : role.Name(), needed.Name());
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"{ShortName(context.Method)} needs role '{needed.Name()}' or higher; {caller} has {(role == AccessRole.Anonymous ? "no role" : $"role '{role.Name()}'")}"));
        }
    }

    private static string ShortName(string method) => method[(method.LastIndexOf('/') + 1)..];
}
