using System.Threading.RateLimiting;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Status = Grpc.Core.Status;

namespace ClinicalAspire.Evaluator.Security;

/// <summary>One quota: at most <see cref="Limit"/> per <see cref="Window"/>, refilled evenly; 0 turns it off.</summary>
public sealed class QuotaOptions
{
    public int Limit { get; set; }

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Per-caller quotas (section <c>Quotas</c>): run starts and imports, the calls that cost the most.</summary>
public sealed class CallerQuotaOptions
{
    public const string SectionName = "Quotas";

    /// <summary>StartRun counts 1, StartMatrix one per run it starts.</summary>
    public QuotaOptions RunStarts { get; set; } = new() { Limit = 60 };

    /// <summary>ImportDataset and ValidateDataset (both parse the whole upload).</summary>
    public QuotaOptions Imports { get; set; } = new() { Limit = 30 };
}

/// <summary>
/// Refuses run starts and imports beyond a caller's quota with RESOURCE_EXHAUSTED, a google.rpc.RetryInfo in the
/// status details and a <c>retry-after</c> trailer (seconds). Callers are told apart by identity, or by peer
/// address when authentication is off.
/// </summary>
internal sealed class CallerQuotaInterceptor : Interceptor, IAsyncDisposable
{
    private static readonly string RunStartMethod = $"/{Contracts.Evaluator.V1.Evaluator.Descriptor.FullName}/StartRun";
    private static readonly string MatrixMethod = $"/{Contracts.Evaluator.V1.Evaluator.Descriptor.FullName}/StartMatrix";
    private static readonly string ImportMethod = $"/{Contracts.Evaluator.V1.Evaluator.Descriptor.FullName}/ImportDataset";
    private static readonly string ValidateMethod = $"/{Contracts.Evaluator.V1.Evaluator.Descriptor.FullName}/ValidateDataset";

    private readonly Quota? _runs;
    private readonly Quota? _imports;
    private readonly ILogger<CallerQuotaInterceptor> _logger;

    public CallerQuotaInterceptor(Microsoft.Extensions.Options.IOptions<CallerQuotaOptions> options, ILogger<CallerQuotaInterceptor> logger)
    {
        _runs = Quota.Create("run starts", options.Value.RunStarts);
        _imports = Quota.Create("imports", options.Value.Imports);
        _logger = logger;
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var (quota, permits) = context.Method switch
        {
            var m when m == RunStartMethod => (_runs, 1),
            var m when m == MatrixMethod && request is StartMatrixRequest matrix =>
                (_runs, Math.Max(1, matrix.EngineProfiles.Count) * (string.Equals(matrix.Strategy, "both", StringComparison.OrdinalIgnoreCase) ? 2 : 1)),
            var m when m == ImportMethod || m == ValidateMethod => (_imports, 1),
            _ => (null, 0),
        };
        if (quota is not null)
        {
            var caller = CallerKey(context);
            using var lease = quota.Acquire(caller, permits);
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : quota.Options.Window;
                _logger.LogWarning("Quota of {Quota} exceeded by {Caller} on {Method}; retry after {RetryAfter}", quota.Name, caller, context.Method, retryAfter);
                throw Exhausted(quota, retryAfter);
            }
        }
        return continuation(request, context);
    }

    private static string CallerKey(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        return AccessRoles.CallerOf(http.User) ?? $"peer:{http.Connection.RemoteIpAddress}";
    }

    private static RpcException Exhausted(Quota quota, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var message = $"quota of {quota.Name} exceeded ({quota.Options.Limit} per {quota.Options.Window:g}); retry in {seconds} s";
        var status = new Google.Rpc.Status
        {
            Code = (int)StatusCode.ResourceExhausted,
            Message = message,
            Details = { Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromSeconds(seconds)) }) },
        };
        var trailers = new Metadata { { "retry-after", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) } };
        trailers.SetRpcStatus(status);
        return new RpcException(new Status(StatusCode.ResourceExhausted, message), trailers);
    }

    public async ValueTask DisposeAsync()
    {
        if (_runs is not null)
        {
            await _runs.Limiter.DisposeAsync();
        }
        if (_imports is not null)
        {
            await _imports.Limiter.DisposeAsync();
        }
    }

    private sealed record Quota(string Name, QuotaOptions Options, PartitionedRateLimiter<string> Limiter)
    {
        public static Quota? Create(string name, QuotaOptions options)
        {
            if (options.Limit <= 0 || options.Window <= TimeSpan.Zero)
            {
                return null;
            }
            var bucket = new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.Limit,
                // Refilled one token at a time, so a caller at the limit waits a fraction of the window, not all of it.
                TokensPerPeriod = 1,
                ReplenishmentPeriod = options.Window / options.Limit,
                QueueLimit = 0,
                AutoReplenishment = true,
            };
            // Idle callers' buckets are dropped by the partitioned limiter, so the map stays small.
            return new Quota(name, options, PartitionedRateLimiter.Create<string, string>(caller => RateLimitPartition.GetTokenBucketLimiter(caller, _ => bucket)));
        }

        public RateLimitLease Acquire(string caller, int permits) => Limiter.AttemptAcquire(caller, Math.Min(permits, Options.Limit));
    }
}
