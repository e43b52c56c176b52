using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace ClinicalAspire.Evaluator.Storage;

/// <summary>
/// The layout version of the store of record, kept in <c>clinical:schema</c> and checked once Redis answers at start:
/// an older store is migrated step by step and stamped, a store written by a newer Evaluator (an unknown layout) stops
/// this one before it writes anything, and readiness stays Unhealthy until the check has passed (README: schema version).
/// </summary>
public sealed partial class StoreSchema(
    [FromKeyedServices(RedisExtensions.StoreConnectionName)] IConnectionMultiplexer redis,
    IHostApplicationLifetime lifetime,
    ILogger<StoreSchema> logger) : BackgroundService, IHealthCheck
{
    public const string Key = "clinical:schema";

    /// <summary>Version 1: the layout described on <see cref="EvaluatorStore"/> and <c>ApiKeyStore</c>.</summary>
    public const int Current = 1;

    /// <summary>Exit code when the store is newer than this Evaluator.</summary>
    public const int NewerStoreExitCode = 3;

    // Migrations[v] turns version v into v + 1. Version 0 is a store from before the version key: its layout is version 1's.
    private static readonly Func<IDatabase, Task>[] Migrations = [_ => Task.CompletedTask];

    private volatile string? _problem = "the store's schema version is not checked yet";
    private readonly TaskCompletionSource _checked = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes once the store is at <see cref="Current"/>; never when it is newer. What writes on its own at start
    /// (resumed runs and erasures, the demo) waits for it, so an Evaluator never writes into a layout it does not know.
    /// </summary>
    public Task WaitUntilCheckedAsync(CancellationToken cancellationToken) => _checked.Task.WaitAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        int found;
        while (true)
        {
            try
            {
                found = await StoreRetry.RunAsync(() => CheckAsync(redis.GetDatabase()), ex => LogRetry(logger, ex.GetType().Name), stoppingToken);
                break;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is not OperationCanceledException)
            {
                // A store that is still coming up can fail in ways StoreRetry does not class as transient: a background
                // service that throws stops the host, so keep asking (readiness stays Unhealthy meanwhile).
                LogRetry(logger, ex.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
        if (found > Current)
        {
            _problem = $"the store has schema version {found}, newer than this Evaluator's {Current}: refusing to run on it";
            LogNewer(logger, found, Current);
            Environment.ExitCode = NewerStoreExitCode;
            // Stopping while the host is still starting would make the start throw (an abort, not this exit code):
            // stop once it has started (at once if it already has); readiness says why meanwhile.
            lifetime.ApplicationStarted.Register(lifetime.StopApplication);
            return;
        }
        _problem = null;
        _checked.TrySetResult();
    }

    /// <summary>Migrates an older store to <see cref="Current"/>; returns the version found (0: no key yet).</summary>
    private async Task<int> CheckAsync(IDatabase db)
    {
        var value = await db.StringGetAsync(Key);
        // Anything but a version number is a layout this Evaluator does not know either.
        var found = value.IsNull ? 0 : int.TryParse((string?)value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : int.MaxValue;
        if (found >= Current)
        {
            return found;
        }
        for (var version = found; version < Current; version++)
        {
            await Migrations[version](db);
        }
        await db.StringSetAsync(Key, Current.ToString(CultureInfo.InvariantCulture));
        LogMigrated(logger, found, Current);
        return found;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_problem is { } problem
            ? new HealthCheckResult(context.Registration.FailureStatus, problem)
            : HealthCheckResult.Healthy($"schema version {Current}"));

    [LoggerMessage(Level = LogLevel.Critical, Message = "The store of record has schema version {Found}, newer than this Evaluator's {Current}; stopping without writing to it")]
    private static partial void LogNewer(ILogger logger, int found, int current);

    [LoggerMessage(Level = LogLevel.Information, Message = "Store of record at schema version {Found}, stamped {Current}")]
    private static partial void LogMigrated(ILogger logger, int found, int current);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store of record not reachable for the schema check ({ExceptionType}); retrying")]
    private static partial void LogRetry(ILogger logger, string exceptionType);
}
