using System.Diagnostics.Metrics;
using ClinicalAspire.Evaluator.Runs;

namespace ClinicalAspire.Evaluator;

/// <summary>
/// A running run's progress and running metrics as OpenTelemetry instruments, tagged by run (never by
/// record), so they show in the Aspire dashboard and any OTLP backend while the run fills in.
/// </summary>
public sealed class EvaluatorTelemetry
{
    public const string Name = "ClinicalAspire.Evaluator";

    public EvaluatorTelemetry(IMeterFactory meterFactory, RunCoordinator coordinator)
    {
        var meter = meterFactory.Create(Name);
        meter.CreateObservableGauge("clinical.evaluator.run.completed", () => Observe(coordinator, live => live.Progress().Completed),
            unit: "{record}", description: "Records with a stored prediction, per active run");
        meter.CreateObservableGauge("clinical.evaluator.run.total", () => Observe(coordinator, live => live.Dataset.RecordCount),
            unit: "{record}", description: "Records in the dataset, per active run");
        meter.CreateObservableGauge("clinical.evaluator.run.failed", () => Observe(coordinator, live => live.Progress().Failed),
            unit: "{record}", description: "Records the Extractor rejected, per active run");
        meter.CreateObservableGauge("clinical.evaluator.run.rate", () => ObserveDouble(coordinator, live => live.Progress().RecordsPerSecond),
            unit: "{record}/s", description: "Records per second, per active run");
        meter.CreateObservableGauge("clinical.evaluator.run.median_macro_f1",
            () => ObserveDouble(coordinator, live => coordinator.Snapshot(live).Metrics.Summary?.MacroF1?.Median ?? 0),
            description: "Running median macro-F1 over the features, per active run");
        meter.CreateObservableGauge("clinical.evaluator.run.median_mcc",
            () => ObserveDouble(coordinator, live => coordinator.Snapshot(live).Metrics.Summary?.Mcc?.Median ?? 0),
            description: "Running median MCC over the features, per active run");
    }

    private static IEnumerable<Measurement<int>> Observe(RunCoordinator coordinator, Func<LiveRun, int> value) =>
        coordinator.ActiveRuns.Select(live => new Measurement<int>(value(live), new KeyValuePair<string, object?>("run_id", live.RunId)));

    private static IEnumerable<Measurement<double>> ObserveDouble(RunCoordinator coordinator, Func<LiveRun, double> value) =>
        coordinator.ActiveRuns.Select(live => new Measurement<double>(value(live), new KeyValuePair<string, object?>("run_id", live.RunId)));
}
