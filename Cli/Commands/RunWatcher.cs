using System.Globalization;
using ClinicalAspire.Contracts.Evaluator.V1;
using Grpc.Core;
using Spectre.Console;

namespace ClinicalAspire.Cli.Commands;

/// <summary>Follows runs through <c>WatchRun</c> until they end, with a progress display on stderr.</summary>
internal static class RunWatcher
{
    private const int MaxReconnects = 10;

    /// <summary>Waits for every run to end; returns their final state (with metrics when completed), in order.</summary>
    public static async Task<IReadOnlyList<RunInfo>> WaitAsync(CliContext ctx, IReadOnlyList<RunInfo> runs, CancellationToken ct)
    {
        if (ctx.Json)
        {
            return await Task.WhenAll(runs.Select(r => FollowAsync(ctx, r, _ => { }, ct)));
        }

        if (ctx.ErrorConsole.Profile.Capabilities.Interactive)
        {
            return await ctx.ErrorConsole.Progress()
                .AutoClear(false)
                .Columns(
                    new TaskDescriptionColumn(),
                    new ProgressBarColumn(),
                    new PercentageColumn(),
                    new RemainingTimeColumn(),
                    new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    var followers = runs.Select(run =>
                    {
                        var task = progress.AddTask(Describe(run), autoStart: true, maxValue: Math.Max(1, run.Total));
                        return FollowAsync(ctx, run, update =>
                        {
                            task.MaxValue = Math.Max(1, update.Total);
                            task.Value = Math.Min(task.MaxValue, update.Completed + update.Failed);
                            task.Description = Describe(update);
                            if (Rendering.IsFinished(update.State))
                            {
                                task.StopTask();
                            }
                        }, ct);
                    }).ToList();
                    return await Task.WhenAll(followers);
                });
        }

        // Redirected stderr: a plain line when the state changes and at every tenth of the run.
        var gate = new Lock();
        return await Task.WhenAll(runs.Select(run =>
        {
            var lastState = RunState.Unspecified;
            var lastDecile = -1;
            return FollowAsync(ctx, run, update =>
            {
                var decile = update.Total > 0 ? (update.Completed + update.Failed) * 10 / update.Total : 0;
                if (update.State == lastState && decile == lastDecile)
                {
                    return;
                }

                lastState = update.State;
                lastDecile = decile;
                lock (gate)
                {
                    ctx.Error.WriteLine(Describe(update));
                }
            }, ct);
        }));
    }

    private static string Describe(RunInfo run)
    {
        var text = $"run {run.RunId} ({run.Strategy}): {Rendering.State(run.State)} {run.Completed + run.Failed}/{run.Total}";
        if (run.Failed > 0)
        {
            text += $", {run.Failed.ToString(CultureInfo.InvariantCulture)} failed";
        }

        return Markup.Escape(text);
    }

    private static async Task<RunInfo> FollowAsync(CliContext ctx, RunInfo run, Action<RunInfo> onUpdate, CancellationToken ct)
    {
        var last = run;
        onUpdate(last);
        for (var attempt = 0; !Rendering.IsFinished(last.State); attempt++)
        {
            try
            {
                using var call = ctx.Client.WatchRun(new WatchRunRequest { RunId = run.RunId }, cancellationToken: ct);
                await foreach (var update in call.ResponseStream.ReadAllAsync(ct))
                {
                    if (update.Run is null)
                    {
                        continue;
                    }

                    last = update.Run;
                    onUpdate(last);
                    if (Rendering.IsFinished(last.State))
                    {
                        break;
                    }
                }
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Aborted
                && attempt < MaxReconnects && !ct.IsCancellationRequested)
            {
                // The stream broke (a restart, a proxy): follow again after a short pause.
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }

            if (!Rendering.IsFinished(last.State))
            {
                // The stream ended without an end state: ask, and follow again if it is still going.
                last = await ctx.Client.GetRunAsync(new GetRunRequest { RunId = run.RunId }, cancellationToken: ct);
                onUpdate(last);
                if (!Rendering.IsFinished(last.State))
                {
                    if (attempt >= MaxReconnects)
                    {
                        throw new RpcException(new Grpc.Core.Status(StatusCode.Unavailable,
                            $"the watch on run '{run.RunId}' kept ending before the run did"));
                    }

                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }
            }
        }

        if (last.State == RunState.Completed && last.Metrics is null)
        {
            last = await ctx.Client.GetRunAsync(new GetRunRequest { RunId = run.RunId }, cancellationToken: ct);
        }

        return last;
    }
}
