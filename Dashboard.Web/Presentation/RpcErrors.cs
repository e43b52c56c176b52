using Grpc.Core;

namespace ClinicalAspire.Dashboard.Presentation;

/// <summary>gRPC failures said in words, for an alert (status details never carry clinical text).</summary>
public static class RpcErrors
{
    public static string Describe(RpcException exception, string action)
    {
        var reason = exception.StatusCode switch
        {
            StatusCode.Unavailable => "the Evaluator service cannot be reached at the moment",
            StatusCode.DeadlineExceeded => "the Evaluator did not answer in time",
            StatusCode.NotFound => "it was not found",
            StatusCode.AlreadyExists => "it already exists",
            StatusCode.InvalidArgument => "the request was rejected",
            StatusCode.FailedPrecondition => "it is not possible in the current state",
            StatusCode.Unimplemented => "the Evaluator does not offer this yet",
            StatusCode.PermissionDenied or StatusCode.Unauthenticated => "access was refused",
            StatusCode.ResourceExhausted => "the request is too large or the service is busy",
            _ => "the Evaluator reported an error",
        };
        // The Evaluator's own details say what was wrong with a request; transport failures carry the client's
        // exception text ("HttpRequestException: Connection refused"), which tells a researcher nothing.
        var explains = exception.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.NotFound
            or StatusCode.AlreadyExists or StatusCode.ResourceExhausted;
        var detail = explains && !string.IsNullOrWhiteSpace(exception.Status.Detail)
            ? $" ({exception.Status.Detail})" : "";
        return $"Could not {action}: {reason}{detail}.";
    }
}
