using System.Globalization;
using ClinicalAspire.Contracts.Evaluator.V1;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ClinicalAspire.Cli;

/// <summary>Human-readable tables for the Evaluator's messages.</summary>
internal static class Rendering
{
    public static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    public static string F(double? value) => value is { } v ? F(v) : "-";

    /// <summary>A range in a narrow cell: "0.700–0.900".</summary>
    public static string Range(double low, double high) => $"{F(low)}–{F(high)}";

    public static string Signed(double value) => value.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);

    public static string Percent(double value) => value.ToString("0.0%", CultureInfo.InvariantCulture);

    public static string Median(Quartiles? q) => q is null ? "-" : $"{F(q.Median)} [{F(q.Q1)}, {F(q.Q3)}]";

    public static string Iqr(Quartiles? q) => q is null ? "-" : Range(q.Q1, q.Q3);

    public static string CiRange(Quartiles? q) => q is null ? "-" : Range(q.CiLow, q.CiHigh);

    public static string Time(Timestamp? timestamp) =>
        timestamp is null || (timestamp.Seconds == 0 && timestamp.Nanos == 0)
            ? "-"
            : timestamp.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string State(RunState state) => state switch
    {
        RunState.Pending => "pending",
        RunState.Running => "running",
        RunState.Completed => "completed",
        RunState.Cancelled => "cancelled",
        RunState.Failed => "failed",
        _ => "unknown",
    };

    public static bool IsFinished(RunState state) => state is RunState.Completed or RunState.Cancelled or RunState.Failed;

    /// <summary>Cell text is plain text (rendered through <see cref="Text"/>), never markup.</summary>
    public static string E(string? text) => text ?? string.Empty;

    public static string Label(Label label) => label switch
    {
        Contracts.Evaluator.V1.Label.True => "true",
        Contracts.Evaluator.V1.Label.False => "false",
        Contracts.Evaluator.V1.Label.Unknown => "null",
        _ => "?",
    };

    public static Table DatasetsTable(IEnumerable<DatasetInfo> datasets)
    {
        var table = new Table().AddColumns("id", "name", "records", "translated", "labelled features", "languages", "created");
        foreach (var d in datasets)
        {
            Row(table,
                E(d.DatasetId),
                E(d.Name),
                d.RecordCount.ToString(CultureInfo.InvariantCulture),
                d.TranslatedRecords.ToString(CultureInfo.InvariantCulture),
                d.LabelledFeatures.Count.ToString(CultureInfo.InvariantCulture),
                E(Languages(d)),
                Time(d.CreatedAt));
        }

        return table;
    }

    public static string Languages(DatasetInfo d) =>
        string.Join(", ", d.Languages.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}: {l.Value}"));

    public static Grid DatasetInfoGrid(DatasetInfo d)
    {
        var grid = KeyValueGrid();
        Add(grid, "id", d.DatasetId);
        Add(grid, "name", d.Name);
        if (d.Description.Length > 0)
        {
            Add(grid, "description", d.Description);
        }

        Add(grid, "records", d.RecordCount.ToString(CultureInfo.InvariantCulture));
        Add(grid, "translated", d.TranslatedRecords.ToString(CultureInfo.InvariantCulture));
        Add(grid, "languages", Languages(d));
        Add(grid, "labelled features", string.Join(", ", d.LabelledFeatures));
        Add(grid, "created", Time(d.CreatedAt));
        Add(grid, "content sha-256", d.ContentHash);
        return grid;
    }

    public static Table RecordsTable(IEnumerable<DatasetRecord> records)
    {
        var table = new Table().AddColumns("id", "language", "text", "positive labels", "unlabelled");
        foreach (var r in records)
        {
            Row(table,
                E(r.Id),
                E(r.Language),
                E(Shorten(r.Text, 60)),
                E(string.Join(", ", r.Labels.Where(l => l.Value == Contracts.Evaluator.V1.Label.True).Select(l => l.Key).Order(StringComparer.Ordinal))),
                E(string.Join(", ", r.Labels.Where(l => l.Value == Contracts.Evaluator.V1.Label.Unknown).Select(l => l.Key).Order(StringComparer.Ordinal))));
        }

        return table;
    }

    /// <summary>Per-record predictions: what was predicted positive, and where the prediction and the label disagree.</summary>
    public static Table PredictionsTable(IEnumerable<RecordPrediction> records)
    {
        var table = new Table().AddColumns("record", "language", "predicted true", "missing", "false positives", "false negatives", "error");
        foreach (var r in records)
        {
            var predicted = r.Features.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
            var falsePositives = predicted.Where(p => p.Value == "true" && r.Labels.TryGetValue(p.Key, out var l) && l == Contracts.Evaluator.V1.Label.False).Select(p => p.Key);
            var falseNegatives = r.Labels.Where(l => l.Value == Contracts.Evaluator.V1.Label.True && (!predicted.TryGetValue(l.Key, out var v) || v != "true")).Select(l => l.Key);
            Row(table,
                r.RecordId,
                r.Language,
                string.Join(", ", predicted.Where(p => p.Value == "true").Select(p => p.Key)),
                string.Join(", ", predicted.Where(p => p.Value == "missing").Select(p => p.Key)),
                string.Join(", ", falsePositives.Order(StringComparer.Ordinal)),
                string.Join(", ", falseNegatives.Order(StringComparer.Ordinal)),
                r.Error);
        }

        return table;
    }

    public static Table RunsTable(IEnumerable<RunInfo> runs)
    {
        var table = new Table().AddColumns("run", "dataset", "strategy", "state", "progress", "failed", "label", "tags", "median macro-F1", "created");
        foreach (var r in runs)
        {
            Row(table,
                E(r.RunId),
                E(r.DatasetId),
                E(r.Strategy),
                State(r.State),
                $"{r.Completed}/{r.Total}",
                r.Failed.ToString(CultureInfo.InvariantCulture),
                E(r.Label),
                E(string.Join(", ", r.Tags)),
                r.Metrics?.Summary?.MacroF1 is { } q ? F(q.Median) : "-",
                Time(r.CreatedAt));
        }

        return table;
    }

    public static Grid RunInfoGrid(RunInfo r)
    {
        var grid = KeyValueGrid();
        Add(grid, "run", r.RunId);
        Add(grid, "dataset", r.DatasetId);
        Add(grid, "strategy", r.Strategy);
        if (r.PairedRunId.Length > 0)
        {
            Add(grid, "paired run", r.PairedRunId);
        }

        if (r.Label.Length > 0)
        {
            Add(grid, "label", r.Label);
        }

        if (r.Tags.Count > 0)
        {
            Add(grid, "tags", string.Join(", ", r.Tags));
        }

        Add(grid, "state", State(r.State));
        Add(grid, "progress", $"{r.Completed}/{r.Total} ({r.Failed} failed)");
        if (r.State == RunState.Running)
        {
            Add(grid, "speed", $"{r.RecordsPerSecond.ToString("0.0", CultureInfo.InvariantCulture)} records/s, eta {r.EtaSeconds.ToString("0", CultureInfo.InvariantCulture)} s");
        }

        Add(grid, "engine profile", r.EngineProfile.Length > 0 ? r.EngineProfile : "(default)");
        if (r.ExtractorEngine is { } x)
        {
            Add(grid, "extractor", Engine(x));
        }

        if (r.TranslatorEngine is { } t && t.Engine.Length > 0)
        {
            Add(grid, "translator", Engine(t));
        }

        Add(grid, "concurrency", r.Concurrency.ToString(CultureInfo.InvariantCulture));
        Add(grid, "missing outputs", r.ExcludeMissing ? "excluded" : "scored as negative");
        Add(grid, "created", Time(r.CreatedAt));
        Add(grid, "started", Time(r.StartedAt));
        Add(grid, "finished", Time(r.FinishedAt));
        if (r.Error.Length > 0)
        {
            Add(grid, "error", r.Error);
        }

        return grid;
    }

    public static string Engine(Contracts.Common.V1.EngineInfo e) =>
        string.Join(" ", new[] { e.Engine, e.ModelId, e.PromptVersion.Length > 0 ? $"(prompt {e.PromptVersion})" : "" }.Where(s => s.Length > 0));

    /// <summary>Per-feature metrics, then the median [Q1, Q3] and the bootstrap CI of the median, as in the study's table.</summary>
    public static IRenderable MetricsTable(Metrics metrics, string? title = null)
    {
        var table = new Table();
        if (title is not null)
        {
            table.Title(Markup.Escape(title));
        }

        table.AddColumn("feature");
        foreach (var name in new[] { "support", "precision", "sensitivity", "specificity", "macro-F1", "MCC", "missing" })
        {
            table.AddColumn(new TableColumn(name).RightAligned());
        }

        foreach (var f in metrics.Features)
        {
            Row(table,
                E(f.Key),
                f.Support.ToString(CultureInfo.InvariantCulture),
                F(f.Precision),
                F(f.Sensitivity),
                F(f.Specificity),
                F(f.MacroF1),
                F(f.Mcc),
                f.Missing.ToString(CultureInfo.InvariantCulture));
        }

        if (metrics.Summary is { } s)
        {
            // The study's "median [Q1, Q3]" and the bootstrap CI, one value a row so the table fits a 120-column terminal.
            var missing = metrics.Features.Select(f => (double)f.Missing).ToList();
            table.AddEmptyRow();
            Row(table, "median", "", F(s.Precision?.Median), F(s.Sensitivity?.Median), F(s.Specificity?.Median),
                F(s.MacroF1?.Median), F(s.Mcc?.Median), missing.Count > 0 ? F(MedianOf(missing)) : "-");
            Row(table, "Q1–Q3", "", Iqr(s.Precision), Iqr(s.Sensitivity), Iqr(s.Specificity), Iqr(s.MacroF1), Iqr(s.Mcc), "");
            Row(table, "95% CI (median)", "", CiRange(s.Precision), CiRange(s.Sensitivity), CiRange(s.Specificity), CiRange(s.MacroF1), CiRange(s.Mcc), "");
        }

        var caption = $"{metrics.Records} records; missing outputs {(metrics.ExcludeMissing ? "excluded" : "scored as negative")}";
        if (metrics.Summary is { BootstrapResamples: > 0 } b)
        {
            caption += $"; bootstrap {b.BootstrapResamples} resamples, seed {b.BootstrapSeed}";
        }

        if (metrics.ChrfRecords > 0)
        {
            caption += $"; chrF {metrics.Chrf.ToString("0.0", CultureInfo.InvariantCulture)} over {metrics.ChrfRecords} records";
        }

        // A line under the table, not a caption: a caption wraps to the table's width.
        return new Rows(table, new Text(caption));
    }

    /// <summary>The study's table: one row per run with median [Q1, Q3] of each metric.</summary>
    public static Table CompareTable(IEnumerable<RunInfo> runs)
    {
        var table = new Table().AddColumns("run", "macro-F1", "MCC", "sensitivity", "specificity");
        foreach (var r in runs)
        {
            var s = r.Metrics?.Summary;
            var about = new List<string> { r.RunId, $"{r.Strategy}, {r.Metrics?.Records ?? 0} records" };
            if (r.ExtractorEngine is { } x)
            {
                about.Add(Engine(x));
            }

            if (r.Label.Length > 0)
            {
                about.Add(r.Label);
            }

            Row(table,
                string.Join('\n', about),
                Median(s?.MacroF1),
                Median(s?.Mcc),
                Median(s?.Sensitivity),
                Median(s?.Specificity));
        }

        return table;
    }

    public static IRenderable DeltasTable(RunComparison c)
    {
        var table = new Table().Title(Markup.Escape($"{c.RunId} minus {c.BaselineRunId}"));
        table.AddColumn("feature");
        foreach (var name in new[] { "Δ macro-F1", "Δ MCC", "Δ sensitivity", "Δ specificity" })
        {
            table.AddColumn(new TableColumn(name).RightAligned());
        }

        foreach (var d in c.Deltas)
        {
            Row(table, E(d.Key), Signed(d.MacroF1), Signed(d.Mcc), Signed(d.Sensitivity), Signed(d.Specificity));
        }

        return new Rows(table, new Text(
            $"median macro-F1 difference {Signed(c.MedianMacroF1Delta)}, paired bootstrap 95% CI [{Signed(c.CiLow)}, {Signed(c.CiHigh)}] over {c.PairedRecords} paired records"));
    }

    public static Grid KeyValueGrid()
    {
        var grid = new Grid();
        grid.AddColumn(new GridColumn().NoWrap().PadRight(2));
        grid.AddColumn();
        return grid;
    }

    public static void Add(Grid grid, string key, string value) => Row(grid, E(key), E(value));

    /// <summary>Adds a row of plain-text cells: brackets in values ("0.9 [0.8, 1.0]", record text) are not markup.</summary>
    public static void Row(Table table, params string[] cells) => table.AddRow(cells.Select(c => (IRenderable)new Text(c)).ToArray());

    public static void Row(Grid grid, params string[] cells) => grid.AddRow(cells.Select(c => (IRenderable)new Text(c)).ToArray());

    private static string Shorten(string text, int max)
    {
        var flat = text.ReplaceLineEndings(" ");
        return flat.Length <= max ? flat : string.Concat(flat.AsSpan(0, max - 1), "…");
    }

    private static double MedianOf(List<double> values)
    {
        values.Sort();
        var n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2;
    }
}
