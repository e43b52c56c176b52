using System.Diagnostics;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Models;
using Microsoft.Extensions.Logging;

namespace ClinicalAspire.Engines.Profiles;

/// <summary>Where a profile's engine stands.</summary>
public enum ProfileState
{
    Loading,
    Ready,
    Failed,
}

/// <summary>What a service reports about one profile it hosts (GetInfo, /health).</summary>
/// <param name="Warm">The engine has answered its warm-up generation (always true for engines without one).</param>
public sealed record ProfileReport(
    string Name,
    bool IsDefault,
    ProfileState State,
    string Detail,
    EngineDescriptor? Descriptor,
    EngineRole Role,
    int? Concurrency,
    bool Warm = true);

/// <summary>The request named a profile the service does not host.</summary>
public sealed class UnknownProfileException(string name, IEnumerable<string> known)
    : Exception($"engine profile '{name}' is not configured; known profiles: {string.Join(", ", known)}");

/// <summary>The profile exists but its engine could not load; the reason is an operator's, never clinical text.</summary>
public sealed class ProfileUnavailableException(string name, string reason)
    : Exception($"engine profile '{name}' is not available: {reason}");

/// <summary>
/// The engines of one role (extraction or translation) for every profile of the <see cref="EngineProfileSet"/>.
/// Engines load at start, in the background and one after another (a model is large); a request for a profile waits
/// for its engine, and a profile whose engine could not load answers with the reason instead of failing record by record.
/// A language model is ready only after one tiny generation (<see cref="IWarmUpEngine"/>): a local model that cannot
/// answer fails its profile; an OpenAI-compatible server may come up later, so its engine answers requests at once and
/// its warm-up is retried in the background, the profile reported not warm (unhealthy) until it succeeds.
/// </summary>
public sealed partial class EngineProfileHost<TEngine> : IDisposable where TEngine : class, IEngine
{
    private readonly EngineProfileSet _set;
    private readonly Func<EngineProfile, TEngine> _create;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Slot> _slots;
    private readonly string _role;
    private readonly Task _allLoaded;
    private readonly CancellationTokenSource _stopping = new();
    private int _started;

    /// <summary>Waits between warm-up attempts on a model server (doubling up to the last).</summary>
    internal TimeSpan[] WarmUpRetryDelays { get; init; } = [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)];

    /// <param name="role">"extractor" or "translator", for messages and logs.</param>
    /// <param name="create">Builds the engine of one profile (may load a model: runs on a background thread).</param>
    public EngineProfileHost(EngineProfileSet set, string role, Func<EngineProfile, TEngine> create, ILogger logger)
    {
        _set = set;
        _role = role;
        _create = create;
        _logger = logger;
        _slots = set.Profiles.ToDictionary(p => p.Name, p => new Slot(p), StringComparer.Ordinal);
        _allLoaded = Task.WhenAll(_slots.Values.Select(s => (Task)s.Loaded.Task));
    }

    public EngineProfileSet Set => _set;

    /// <summary>Starts loading every engine (idempotent); completes when all have loaded or failed.</summary>
    public Task LoadAllAsync(CancellationToken cancellationToken = default)
    {
        StartLoading(cancellationToken);
        return _allLoaded;
    }

    private void StartLoading(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ = Task.Run(() =>
            {
                foreach (var slot in _slots.Values)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        slot.Fail("the service stopped before the engine loaded");
                        continue;
                    }
                    Load(slot);
                }
            }, CancellationToken.None);
        }
    }

    private void Load(Slot slot)
    {
        var started = Stopwatch.GetTimestamp();
        TEngine engine;
        try
        {
            engine = _create(slot.Profile);
        }
        catch (Exception ex)
        {
            Fail(slot, ex, "");
            return;
        }

        if (engine is IWarmUpEngine warm)
        {
            if (RoleOf(slot.Profile).Kind == ModelEngineKinds.OpenAI)
            {
                slot.WarmUpProblem = "warming up";
                slot.Loaded.TrySetResult(engine);
                _ = WarmUpRemoteAsync(slot, warm, _stopping.Token);
                LogLoaded(_logger, _role, slot.Profile.Name, engine.Descriptor.Engine, engine.Descriptor.ModelId, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                return;
            }
            try
            {
                // This is the background loading thread: a local model warms up before any request can take it.
                warm.WarmUpAsync(_stopping.Token).GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                (engine as IDisposable)?.Dispose();
                Fail(slot, ex, "warm-up failed: ");
                return;
            }
        }
        LogLoaded(_logger, _role, slot.Profile.Name, engine.Descriptor.Engine, engine.Descriptor.ModelId, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        slot.Loaded.TrySetResult(engine);
    }

    private void Fail(Slot slot, Exception ex, string prefix)
    {
        // Configuration and model-loading messages name files and settings, never notes: safe to keep and show.
        slot.Fail(Reason(prefix, ex));
        LogFailed(_logger, _role, slot.Profile.Name, ex.GetType().FullName ?? ex.GetType().Name);
    }

    private static string Reason(string prefix, Exception ex)
    {
        var reason = $"{prefix}{ex.GetType().Name}: {ex.Message}";
        return reason.Length > 500 ? reason[..500] + "..." : reason;
    }

    private async Task WarmUpRemoteAsync(Slot slot, IWarmUpEngine engine, CancellationToken cancellationToken)
    {
        for (var attempt = 0; !cancellationToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await engine.WarmUpAsync(cancellationToken).ConfigureAwait(false);
                slot.WarmUpProblem = null;
                LogWarm(_logger, _role, slot.Profile.Name, attempt + 1);
                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                var delay = WarmUpRetryDelays[Math.Min(attempt, WarmUpRetryDelays.Length - 1)];
                slot.WarmUpProblem = $"{Reason("warm-up failed: ", ex)} (retrying in {delay.TotalSeconds:0} s)";
                LogWarmUpFailed(_logger, _role, slot.Profile.Name, ex.GetType().FullName ?? ex.GetType().Name);
                try
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private EngineRole RoleOf(EngineProfile profile) => _role == "translator" ? profile.Translator : profile.Extractor;

    /// <summary>The profile a request names (empty: the default); throws <see cref="UnknownProfileException"/>.</summary>
    public EngineProfile Resolve(string? name) =>
        _set.Find(name) ?? throw new UnknownProfileException(Shorten(name ?? ""), _set.Profiles.Select(p => p.Name));

    /// <summary>The engine of a profile, once loaded; <see cref="ProfileUnavailableException"/> when it could not load.</summary>
    public async Task<(EngineProfile Profile, TEngine Engine)> GetAsync(string? name, CancellationToken cancellationToken)
    {
        var profile = Resolve(name);
        var slot = _slots[profile.Name];
        StartLoading(CancellationToken.None);
        var engine = await slot.Loaded.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return engine is null ? throw new ProfileUnavailableException(profile.Name, slot.FailureReason ?? "it failed to load") : (profile, engine);
    }

    /// <summary>The default profile's engine if it has loaded (for descriptions); null otherwise.</summary>
    public TEngine? DefaultEngine => _slots[_set.DefaultName].Loaded.Task is { IsCompletedSuccessfully: true } task ? task.Result : null;

    public IReadOnlyList<ProfileReport> Reports() => _set.Profiles.Select(profile =>
    {
        var slot = _slots[profile.Name];
        var task = slot.Loaded.Task;
        var state = !task.IsCompleted ? ProfileState.Loading : task.Result is null ? ProfileState.Failed : ProfileState.Ready;
        var warmUpProblem = slot.WarmUpProblem;
        return new ProfileReport(profile.Name, profile.Name == _set.DefaultName, state,
            state switch { ProfileState.Loading => "loading", ProfileState.Failed => slot.FailureReason ?? "failed", _ => warmUpProblem ?? "ready" },
            task.IsCompletedSuccessfully ? task.Result?.Descriptor : null, RoleOf(profile), profile.Concurrency,
            Warm: state != ProfileState.Ready || warmUpProblem is null);
    }).ToArray();

    public void Dispose()
    {
        _stopping.Cancel();
        foreach (var slot in _slots.Values)
        {
            if (slot.Loaded.Task is { IsCompletedSuccessfully: true, Result: IDisposable disposable })
            {
                disposable.Dispose();
            }
        }
        _stopping.Dispose();
    }

    private static string Shorten(string value) => value.Length <= 64 ? value : value[..64] + "...";

    private sealed class Slot(EngineProfile profile)
    {
        public EngineProfile Profile { get; } = profile;

        /// <summary>The engine, or null when it failed to load.</summary>
        public TaskCompletionSource<TEngine?> Loaded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string? FailureReason { get; private set; }

        /// <summary>Null once the engine has answered its warm-up (or needs none); else why it is not warm yet.</summary>
        public volatile string? WarmUpProblem;

        public void Fail(string reason)
        {
            FailureReason = reason;
            Loaded.TrySetResult(null);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Engine profile {Profile} ({Role}) loaded {Engine}/{ModelId} in {ElapsedMs} ms")]
    private static partial void LogLoaded(ILogger logger, string role, string profile, string engine, string modelId, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Engine profile {Profile} ({Role}) failed to load: {ExceptionType}")]
    private static partial void LogFailed(ILogger logger, string role, string profile, string exceptionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Engine profile {Profile} ({Role}) answered its warm-up on attempt {Attempt}")]
    private static partial void LogWarm(ILogger logger, string role, string profile, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Engine profile {Profile} ({Role}) failed its warm-up: {ExceptionType}; retrying")]
    private static partial void LogWarmUpFailed(ILogger logger, string role, string profile, string exceptionType);
}
