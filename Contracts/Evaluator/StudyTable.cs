using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
namespace ClinicalAspire.Contracts.Evaluator.V1;

/// <summary>
/// The study's results table for a matrix of runs: one row per engine profile x input (direct on the note's language,
/// translate-first on English), medians [Q1, Q3] over the features with 95% bootstrap CIs, the missing rate, and the
/// paired difference in median macro-F1 against a baseline row. Written as text, JSON, CSV, Markdown or LaTeX.
/// One table for the CLI (<c>runs start --profile a,b --wait</c>) and the dashboard's matrix page.
/// </summary>
public sealed record StudyTable(string DatasetId, string MatrixId, IReadOnlyList<StudyTable.Row> Rows)
{
    public sealed record Row(RunInfo Run, string Input, bool IsBaseline, RunComparison? VersusBaseline);

    public static readonly string[] Formats = ["text", "json", "csv", "markdown", "latex"];

    /// <param name="runs">The matrix's runs, in row order; <paramref name="comparison"/> was asked with the baseline first.</param>
    /// <summary>
    /// The baseline row: the first run of <paramref name="baselineProfile"/> (direct before translate-first, as the
    /// matrix orders them), else the first run.
    /// </summary>
    public static RunInfo PickBaseline(IReadOnlyList<RunInfo> runs, string? baselineProfile) =>
        runs.FirstOrDefault(r => r.EngineProfile == baselineProfile) ?? runs[0];

    /// <summary>
    /// The CompareRuns request behind the Δ column (baseline first, then every other completed run), or null when
    /// there is nothing to compare yet.
    /// </summary>
    public static CompareRunsRequest? ComparisonRequest(IReadOnlyList<RunInfo> runs, RunInfo baseline, int bootstrapResamples)
    {
        var others = runs.Where(r => r.State == RunState.Completed && r.RunId != baseline.RunId).Select(r => r.RunId).ToArray();
        if (baseline.State != RunState.Completed || others.Length == 0)
        {
            return null;
        }
        var request = new CompareRunsRequest { BootstrapResamples = bootstrapResamples };
        request.RunIds.Add(baseline.RunId);
        request.RunIds.AddRange(others);
        return request;
    }

    /// <summary>
    /// A run's name in a row: its label (when it has one) and id. With the profile and input columns beside it, two
    /// runs of a "both" start or of a matrix never read alike.
    /// </summary>
    public static string RunName(RunInfo run) =>
        string.IsNullOrWhiteSpace(run.Label) || run.Label == run.RunId ? run.RunId : $"{run.Label} · {run.RunId}";

    /// <summary>
    /// The table for runs picked by hand (the compare page): the baseline is <paramref name="comparison"/>'s first run.
    /// </summary>
    public static StudyTable ForComparison(CompareRunsResponse comparison, IReadOnlyDictionary<string, int> datasetLanguages) =>
        Build("", comparison.Runs, comparison.Runs[0], comparison, datasetLanguages);

    public static StudyTable Build(string matrixId, IReadOnlyList<RunInfo> runs, RunInfo baseline, CompareRunsResponse? comparison, IReadOnlyDictionary<string, int> datasetLanguages)
    {
        var noteLanguage = datasetLanguages.Count == 0 ? "fa" : datasetLanguages.MaxBy(kv => kv.Value).Key;
        var rows = runs.Select(run => new Row(
            run,
            run.Strategy == "translate-first" ? "en (translate-first)" : $"{noteLanguage} (direct)",
            run.RunId == baseline.RunId,
            comparison?.Comparisons.FirstOrDefault(c => c.RunId == run.RunId))).ToArray();
        return new StudyTable(baseline.DatasetId, matrixId, rows);
    }

    /// <summary>File extension and media type of a written table (text and markdown are the same Markdown).</summary>
    public static (string Extension, string ContentType) Media(string format) => format switch
    {
        "json" => ("json", "application/json"),
        "csv" => ("csv", "text/csv"),
        "latex" => ("tex", "application/x-tex"),
        _ => ("md", "text/markdown"),
    };

    public string Write(string format) => format switch
    {
        "json" => Json(),
        "csv" => Csv(),
        "latex" => Latex(),
        _ => Markdown(),
    };

    private static readonly (string Name, Func<MetricsSummary, Quartiles?> Get)[] s_metrics =
    [
        ("macro-F1", s => s.MacroF1),
        ("MCC", s => s.Mcc),
        ("sensitivity", s => s.Sensitivity),
        ("specificity", s => s.Specificity),
    ];

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Cell(Quartiles? q, bool withCi) =>
        q is null ? "" : $"{F(q.Median)} [{F(q.Q1)}, {F(q.Q3)}]" + (withCi && (q.CiLow != 0 || q.CiHigh != 0) ? $" (CI {F(q.CiLow)}–{F(q.CiHigh)})" : "");

    private static string Delta(Row row) =>
        row.IsBaseline ? "baseline" : row.VersusBaseline is { } c ? $"{(c.MedianMacroF1Delta >= 0 ? "+" : "")}{F(c.MedianMacroF1Delta)} (CI {F(c.CiLow)}–{F(c.CiHigh)})" : "";

    /// <summary>The table's cells, row by row, in the order of <see cref="Headers"/>.</summary>
    public IEnumerable<string[]> Cells(bool withCi) => Rows.Select(row =>
    {
        var summary = row.Run.Metrics?.Summary ?? new MetricsSummary();
        return new[] { RunName(row.Run), string.IsNullOrEmpty(row.Run.EngineProfile) ? "default" : row.Run.EngineProfile, row.Input }
            .Concat(s_metrics.Select(m => Cell(m.Get(summary), withCi)))
            .Append(Cell(summary.MissingRate, withCi: false))
            .Append(row.Run.TruncatedOutputs.ToString(CultureInfo.InvariantCulture))
            .Append(Delta(row))
            .ToArray();
    });

    public static string[] Headers => ["run", "profile", "input", .. s_metrics.Select(m => m.Name), "missing rate", "truncated", "Δ macro-F1 vs baseline"];

    private string Markdown()
    {
        var text = new StringBuilder();
        text.AppendLine($"Dataset {DatasetId}{(MatrixId.Length > 0 ? $", matrix {MatrixId}" : "")}: medians [Q1, Q3] over the features, 95% bootstrap CIs of the medians; Δ: paired bootstrap CI.");
        text.AppendLine();
        text.AppendLine("| " + string.Join(" | ", Headers) + " |");
        text.AppendLine("|" + string.Concat(Headers.Select(_ => "---|")));
        foreach (var cells in Cells(withCi: true))
        {
            // A label may hold a pipe; escaped, it stays in its cell.
            text.AppendLine("| " + string.Join(" | ", cells.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }
        return text.ToString();
    }

    private string Latex()
    {
        // One character at a time, so an escape's own braces and dollars are never escaped again.
        static string Escape(string s) => string.Concat(s.Select(c => c switch
        {
            '\\' => "\\textbackslash{}",
            '_' or '&' or '%' or '#' or '$' or '{' or '}' => "\\" + c,
            'Δ' => "$\\Delta$",
            '–' => "--",
            '·' => "$\\cdot$",
            '~' => "\\textasciitilde{}",
            '^' => "\\textasciicircum{}",
            _ => c.ToString(),
        }));
        var text = new StringBuilder();
        text.AppendLine("\\begin{table}[ht]");
        text.AppendLine("\\centering");
        text.AppendLine("\\begin{tabular}{" + new string('l', Headers.Length) + "}");
        text.AppendLine("\\hline");
        text.AppendLine(string.Join(" & ", Headers.Select(Escape)) + " \\\\");
        text.AppendLine("\\hline");
        foreach (var cells in Cells(withCi: true))
        {
            text.AppendLine(string.Join(" & ", cells.Select(Escape)) + " \\\\");
        }
        text.AppendLine("\\hline");
        text.AppendLine("\\end{tabular}");
        text.AppendLine($"\\caption{{Medians [Q1, Q3] over the features with 95\\% bootstrap CIs (dataset {Escape(DatasetId)}).}}");
        text.AppendLine("\\end{table}");
        return text.ToString();
    }

    private string Csv()
    {
        var columns = new List<string> { "profile", "strategy", "input", "run_id", "label", "records" };
        foreach (var name in s_metrics.Select(m => m.Name.ToLowerInvariant().Replace('-', '_')).Append("missing_rate"))
        {
            columns.AddRange([$"{name}_median", $"{name}_q1", $"{name}_q3", $"{name}_ci_low", $"{name}_ci_high"]);
        }
        columns.AddRange(["truncated_outputs", "baseline", "delta_macro_f1", "delta_ci_low", "delta_ci_high", "paired_records"]);
        var text = new StringBuilder(string.Join(",", columns)).Append('\n');
        foreach (var row in Rows)
        {
            var summary = row.Run.Metrics?.Summary ?? new MetricsSummary();
            var values = new List<string> { row.Run.EngineProfile, row.Run.Strategy, row.Input, row.Run.RunId, row.Run.Label, (row.Run.Metrics?.Records ?? 0).ToString(CultureInfo.InvariantCulture) };
            foreach (var q in s_metrics.Select(m => m.Get(summary)).Append(summary.MissingRate))
            {
                values.AddRange(q is null ? ["", "", "", "", ""] : new[] { q.Median, q.Q1, q.Q3, q.CiLow, q.CiHigh }.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
            }
            var c = row.VersusBaseline;
            values.AddRange([row.Run.TruncatedOutputs.ToString(CultureInfo.InvariantCulture), row.IsBaseline ? "true" : "false",
                Num(c?.MedianMacroF1Delta), Num(c?.CiLow), Num(c?.CiHigh), c?.PairedRecords.ToString(CultureInfo.InvariantCulture) ?? ""]);
            text.AppendJoin(",", values.Select(CsvField)).Append('\n');
        }
        return text.ToString();

        static string Num(double? v) => v?.ToString("R", CultureInfo.InvariantCulture) ?? "";
        static string CsvField(string v) => v.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v;
    }

    private string Json()
    {
        static JsonObject? Q(Quartiles? q) => q is null ? null : new JsonObject
        {
            ["median"] = q.Median, ["q1"] = q.Q1, ["q3"] = q.Q3, ["ci_low"] = q.CiLow, ["ci_high"] = q.CiHigh,
        };
        var rows = new JsonArray();
        foreach (var row in Rows)
        {
            var summary = row.Run.Metrics?.Summary ?? new MetricsSummary();
            var c = row.VersusBaseline;
            rows.Add(new JsonObject
            {
                ["profile"] = row.Run.EngineProfile,
                ["strategy"] = row.Run.Strategy,
                ["input"] = row.Input,
                ["run_id"] = row.Run.RunId,
                ["label"] = row.Run.Label,
                ["state"] = row.Run.State.ToString(),
                ["records"] = row.Run.Metrics?.Records ?? 0,
                ["macro_f1"] = Q(summary.MacroF1),
                ["mcc"] = Q(summary.Mcc),
                ["sensitivity"] = Q(summary.Sensitivity),
                ["specificity"] = Q(summary.Specificity),
                ["missing_rate"] = Q(summary.MissingRate),
                ["truncated_outputs"] = row.Run.TruncatedOutputs,
                ["baseline"] = row.IsBaseline,
                ["versus_baseline"] = c is null ? null : new JsonObject
                {
                    ["delta_median_macro_f1"] = c.MedianMacroF1Delta, ["ci_low"] = c.CiLow, ["ci_high"] = c.CiHigh, ["paired_records"] = c.PairedRecords,
                },
            });
        }
        var table = new JsonObject { ["dataset_id"] = DatasetId, ["matrix_id"] = MatrixId, ["rows"] = rows };
        return table.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
