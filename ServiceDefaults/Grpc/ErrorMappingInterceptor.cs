using ClinicalAspire.Domain.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Turns unexpected exceptions into a gRPC status whose detail names the kind of failure, never the
/// exception message (which could quote clinical text), and logs the exception type with the method. Every detail
/// leaving the service is cut to <see cref="InputLimits.MaxErrorDetailLength"/> characters: a client reads statuses from
/// HTTP headers, and one it cannot read looks like a transport failure (retried, counted by circuit breakers).
/// </summary>
internal sealed class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex)
        {
            throw Map(ex, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex)
        {
            throw Map(ex, context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception ex)
        {
            throw Map(ex, context);
        }
    }

    private RpcException Map(Exception ex, ServerCallContext context)
    {
        if (ex is RpcException rpc)
        {
            return RequestErrors.Rewrite(rpc.Status, context.GetHttpContext()) is { } rewritten
                ? new RpcException(rewritten, rpc.Trailers)
                : rpc.Status.Detail.Length <= InputLimits.MaxErrorDetailLength
                    ? rpc
                    : new RpcException(new Status(rpc.StatusCode, InputLimits.BoundDetail(rpc.Status.Detail)), rpc.Trailers);
        }
        if (ex is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
        {
            return new RpcException(new Status(StatusCode.Cancelled, "the call was cancelled"));
        }
        if (ex is InvalidProtocolBufferException or InvalidDataException)
        {
            // A message of a stream that is not valid protobuf: the client's mistake, named without its bytes.
            return new RpcException(new Status(StatusCode.InvalidArgument, RequestErrors.MalformedDetail));
        }
        // Types only, of the whole chain (an inner exception often names the real cause); messages may quote clinical text.
        logger.LogError("Unhandled {ExceptionType} in {Method}: {ExceptionChain}", ex.GetType().FullName, context.Method, DescribeChain(ex));
        return new RpcException(new Status(StatusCode.Internal, $"internal error ({ex.GetType().Name}); see the service log"));
    }

    private static string DescribeChain(Exception ex)
    {
        var names = new List<string>();
        for (Exception? current = ex; current is not null && names.Count < 8; current = current.InnerException)
        {
            var status = current.GetType().GetProperty("StatusCode")?.GetValue(current) ?? current.GetType().GetProperty("Status")?.GetValue(current);
            names.Add(status is null ? current.GetType().Name : $"{current.GetType().Name}({status})");
        }
        return string.Join(" > ", names);
    }
}
