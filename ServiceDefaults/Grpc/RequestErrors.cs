using System.Globalization;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Honest statuses for requests the framework rejects before any interceptor runs. Grpc.AspNetCore reads a unary or
/// server-streaming request message before the interceptors, so a body that is not valid protobuf, a broken gRPC frame or
/// a body over Kestrel's limit ends as UNKNOWN "Exception was thrown by handler". The exception is kept as the call's
/// status' DebugException; just before the response starts (a trailers-only response carries the status in its headers),
/// this rewrites such statuses to INVALID_ARGUMENT or RESOURCE_EXHAUSTED with a detail naming the rule or the limit.
/// </summary>
public static class RequestErrors
{
    private const string StatusHeader = "grpc-status";
    private const string MessageHeader = "grpc-message";
    // Grpc.AspNetCore's detail when a message is over MaxReceiveMessageSize.
    private const string FrameworkTooLarge = "Received message exceeds the maximum configured message size.";

    public const string MalformedDetail = "the request message is not valid protobuf for this method (or not a valid gRPC frame)";

    /// <summary>INVALID_ARGUMENT with <paramref name="problem"/> (an InputLimits check's words) when there is one.</summary>
    public static void ThrowIfInvalid(string? problem)
    {
        if (problem is not null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, problem));
        }
    }

    public static IApplicationBuilder UseGrpcRequestErrors(this IApplicationBuilder app) => app.Use(static (context, next) =>
    {
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
        {
            context.Response.OnStarting(static state =>
            {
                RewriteTrailersOnly((HttpContext)state);
                return Task.CompletedTask;
            }, context);
        }
        return next(context);
    });

    private static void RewriteTrailersOnly(HttpContext context)
    {
        var call = context.Features.Get<IServerCallContextFeature>()?.ServerCallContext;
        if (call is null || !context.Response.Headers.ContainsKey(StatusHeader) || Rewrite(call.Status, context) is not { } status)
        {
            return;
        }
        call.Status = status;
        context.Response.Headers[StatusHeader] = ((int)status.StatusCode).ToString(CultureInfo.InvariantCulture);
        // Our details are plain ASCII without '%': nothing to percent-encode.
        context.Response.Headers[MessageHeader] = status.Detail;
    }

    /// <summary>The status to send instead of <paramref name="status"/>, or null to keep it.</summary>
    public static Status? Rewrite(Status status, HttpContext? context)
    {
        if (status.StatusCode == StatusCode.ResourceExhausted && status.Detail == FrameworkTooLarge)
        {
            return new Status(StatusCode.ResourceExhausted, TooLargeDetail(context));
        }
        if (status.StatusCode != StatusCode.Unknown)
        {
            return null;
        }
        for (var ex = status.DebugException; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case InvalidProtocolBufferException or InvalidDataException:
                    return new Status(StatusCode.InvalidArgument, MalformedDetail);
                case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                    return new Status(StatusCode.ResourceExhausted, TooLargeDetail(context));
            }
        }
        return null;
    }

    private static string TooLargeDetail(HttpContext? context)
    {
        var limit = context?.RequestServices.GetService<IOptions<GrpcServiceOptions>>()?.Value.MaxReceiveMessageSize;
        return limit is { } bytes
            ? $"the request message is larger than this service's limit of {bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes"
            : "the request message is larger than this service's limit";
    }
}
