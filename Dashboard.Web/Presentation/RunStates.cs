using ClinicalAspire.Contracts.Common.V1;
using ClinicalAspire.Contracts.Evaluator.V1;
using Radzen;

namespace ClinicalAspire.Dashboard.Presentation;

public static class RunStates
{
    public static bool IsTerminal(RunState state) =>
        state is RunState.Completed or RunState.Cancelled or RunState.Failed;

    public static string Text(RunState state) => state switch
    {
        RunState.Pending => "pending",
        RunState.Running => "running",
        RunState.Completed => "completed",
        RunState.Cancelled => "cancelled",
        RunState.Failed => "failed",
        _ => "unknown",
    };

    public static BadgeStyle Badge(RunState state) => state switch
    {
        RunState.Running => BadgeStyle.Info,
        RunState.Completed => BadgeStyle.Success,
        RunState.Cancelled => BadgeStyle.Warning,
        RunState.Failed => BadgeStyle.Danger,
        _ => BadgeStyle.Light,
    };

    /// <summary>
    /// Can a feature of this run go without an answer? A language model's unreadable or cut answer can; the embedded
    /// rule engine always answers. Whatever did go missing counts, whichever engine it was.
    /// </summary>
    public static bool CanMiss(RunInfo run) =>
        run.Metrics?.Features.Any(f => f.Missing > 0) == true
        || run.ExtractorEngine is { Engine.Length: > 0 } engine && engine.Engine != "rules";

    /// <summary>"rules rules-v3" / "onnx Qwen2.5-7B (cuda)".</summary>
    public static string Engine(EngineInfo? engine)
    {
        if (engine is null || string.IsNullOrEmpty(engine.Engine))
        {
            return MetricFormat.Missing;
        }
        var text = string.IsNullOrEmpty(engine.ModelId) ? engine.Engine : $"{engine.Engine} · {engine.ModelId}";
        return string.IsNullOrEmpty(engine.ExecutionProvider) ? text : $"{text} ({engine.ExecutionProvider})";
    }

    /// <summary>A short name for a run in tables and pickers.</summary>
    public static string Title(RunInfo run)
    {
        var label = string.IsNullOrWhiteSpace(run.Label) ? run.RunId : $"{run.Label} ({run.RunId})";
        return $"{label} · {run.DatasetId} · {run.Strategy} · {Engine(run.ExtractorEngine)}";
    }
}
