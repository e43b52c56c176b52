using Grpc.Core;

namespace ClinicalAspire.Contracts.Common.V1;

/// <summary>
/// The status a caller can tell apart when a model, not the caller, produced unusable output:
/// INTERNAL with detail "model output rejected: ..." and the trailer error-reason: MODEL_OUTPUT_REJECTED.
/// </summary>
public static class ModelOutputErrors
{
    public const string ReasonTrailer = "error-reason";
    public const string Rejected = "MODEL_OUTPUT_REJECTED";

    public static RpcException RejectedException(string reason) =>
        new(new Status(StatusCode.Internal, $"model output rejected: {reason}"), new Metadata { { ReasonTrailer, Rejected } });
}
