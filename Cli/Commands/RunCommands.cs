using System.CommandLine;
using System.Text;
using System.Text.Json;
using ClinicalAspire.Contracts.Evaluator.V1;
using Spectre.Console;

namespace ClinicalAspire.Cli.Commands;

/// <summary><c>runs start|show|watch|cancel|delete|tag|compare|export|list|records</c>.</summary>
internal static class RunCommands
{
    public static Command Build(EvaluatorCli.Session session)
    {
        var runs = new Command("runs", "Evaluation runs: a dataset streamed through the Extractor, scored as in the study");
        runs.Add(Start(session));
        runs.Add(Show(session));
        runs.Add(Watch(session));
        runs.Add(Cancel(session));
        runs.Add(Delete(session));
        runs.Add(Tag(session));
        runs.Add(Compare(session));
        runs.Add(Export(session));
        runs.Add(List(session));
        runs.Add(Records(session));
        return runs;
    }

    private static Command Start(EvaluatorCli.Session session)
    {
        var dataset = new Option<string>("--dataset") { Description = "Dataset id", HelpName = "id", Required = true };
        var strategy = new Option<string?>("--strategy")
        {
            Description = "direct, translate-first, or both (two paired runs, compared when done) [default: direct]",
            HelpName = "direct|translate-first|both",
        };
        strategy.AcceptOnlyFromAmong("direct", "translate-first", "both");
        var concurrency = new Option<int>("--concurrency") { HelpName = "n", Description = "Parallel requests to the Extractor (0: the Evaluator's default)" };
        var excludeMissing = new Option<bool>("--exclude-missing") { Description = "Exclude missing outputs instead of scoring them as negative (the study)" };
        var label = new Option<string?>("--label") { HelpName = "text", Description = "A label for the run, shown in lists and comparisons" };
        var tags = TagOption("Tag the run(s) (repeat or separate with commas): find them with runs list --tag");
        var profile = new Option<string?>("--profile")
        {
            HelpName = "name[,name...]",
            Description = "Engine profile(s) hosted by the stack (clinical status lists them); several start one run per profile x strategy [default: the default profile]",
        };
        var baseline = new Option<string?>("--baseline") { HelpName = "profile", Description = "The row the others are compared with (paired CI) [default: the first profile]" };
        var bootstrap = new Option<int>("--bootstrap") { HelpName = "n", Description = "Bootstrap resamples for the confidence intervals (0: the default, 1000)" };
        var wait = new Option<bool>("--wait") { Description = "Follow the run to its end (a progress bar), then print the summary" };
        var output = new Option<string>("--format")
        {
            Description = "Output: text, JSON, or (with --wait) the study's table as CSV, Markdown or LaTeX",
            HelpName = "text|json|csv|markdown|latex",
            DefaultValueFactory = _ => "text",
        };
        output.AcceptOnlyFromAmong(StudyTable.Formats);
        var command = new Command("start", "Start an evaluation run, or a matrix of runs (several profiles)")
        {
            dataset, strategy, concurrency, excludeMissing, label, tags, profile, baseline, bootstrap, wait, output,
        };
        session.SetAction(command, output, async (ctx, parse, ct) =>
        {
            var profiles = (parse.GetValue(profile) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var format = parse.GetValue(output) ?? "text";
            if (profiles.Length > 1 || format is "csv" or "markdown" or "latex" || parse.GetValue(baseline) is not null)
            {
                var matrixRequest = new StartMatrixRequest
                {
                    DatasetId = parse.GetRequiredValue(dataset),
                    Strategy = parse.GetValue(strategy) ?? "",
                    Concurrency = DatasetCommands.NonNegative(parse.GetValue(concurrency), "--concurrency"),
                    ExcludeMissing = parse.GetValue(excludeMissing),
                    Label = parse.GetValue(label) ?? "",
                    BootstrapResamples = DatasetCommands.NonNegative(parse.GetValue(bootstrap), "--bootstrap"),
                    Tags = { Values(parse.GetValue(tags)) },
                };
                matrixRequest.EngineProfiles.AddRange(profiles.Length == 0 ? ["default"] : profiles);
                return await StartMatrixAsync(ctx, matrixRequest, parse.GetValue(wait), parse.GetValue(baseline), format, ct);
            }

            var request = new StartRunRequest
            {
                DatasetId = parse.GetRequiredValue(dataset),
                Strategy = parse.GetValue(strategy) ?? "",
                Concurrency = DatasetCommands.NonNegative(parse.GetValue(concurrency), "--concurrency"),
                ExcludeMissing = parse.GetValue(excludeMissing),
                Label = parse.GetValue(label) ?? "",
                EngineProfile = parse.GetValue(profile) ?? "",
                BootstrapResamples = DatasetCommands.NonNegative(parse.GetValue(bootstrap), "--bootstrap"),
                Tags = { Values(parse.GetValue(tags)) },
            };
            var run = await ctx.Client.StartRunAsync(request, cancellationToken: ct);
            var started = new List<RunInfo> { run };
            if (run.PairedRunId.Length > 0)
            {
                started.Add(await ctx.Client.GetRunAsync(new GetRunRequest { RunId = run.PairedRunId }, cancellationToken: ct));
            }

            if (!parse.GetValue(wait))
            {
                if (ctx.Json)
                {
                    ctx.WriteJson(run);
                }
                else
                {
                    foreach (var r in started)
                    {
                        ctx.Console.WriteLine($"started run {r.RunId} ({r.Strategy}) on dataset '{r.DatasetId}': {r.Total} records");
                    }

                    ctx.Console.WriteLine($"follow it with: clinical runs watch {run.RunId}");
                }

                return ExitCodes.Success;
            }

            return await WaitAndReportAsync(ctx, started, ct);
        });
        return command;
    }

    private static Command Watch(EvaluatorCli.Session session)
    {
        var id = new Argument<string>("id") { Description = "Run id" };
        var output = GlobalOptions.OutputFormat();
        var command = new Command("watch", "Follow a run to its end with a progress bar, then print the summary") { id, output };
        session.SetAction(command, output, async (ctx, parse, ct) =>
        {
            var run = await ctx.Client.GetRunAsync(new GetRunRequest { RunId = parse.GetRequiredValue(id) }, cancellationToken: ct);
            return await WaitAndReportAsync(ctx, [run], ct);
        });
        return command;
    }

    private static Command Show(EvaluatorCli.Session session)
    {
        var id = new Argument<string>("id") { Description = "Run id" };
        var output = GlobalOptions.OutputFormat();
        var command = new Command("show", "Show a run: state, engines and, once completed, its metrics") { id, output };
        session.SetAction(command, output, async (ctx, parse, ct) =>
        {
            var run = await ctx.Client.GetRunAsync(new GetRunRequest { RunId = parse.GetRequiredValue(id) }, cancellationToken: ct);
            if (ctx.Json)
            {
                ctx.WriteJson(run);
                return ExitCodes.Success;
            }

            ctx.Console.Write(Rendering.RunInfoGrid(run));
            if (run.Metrics is { } metrics)
            {
                ctx.Console.WriteLine();
                ctx.Console.Write(Rendering.MetricsTable(metrics));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Cancel(EvaluatorCli.Session session)
    {
        var id = new Argument<string>("id") { Description = "Run id" };
        var output = GlobalOptions.OutputFormat();
        var command = new Command("cancel", "Cancel a pending or running run") { id, output };
        session.SetAction(command, output, async (ctx, parse, ct) =>
        {
            var run = await ctx.Client.CancelRunAsync(new CancelRunRequest { RunId = parse.GetRequiredValue(id) }, cancellationToken: ct);
            if (ctx.Json)
            {
                ctx.WriteJson(run);
            }
            else
            {
                ctx.Console.WriteLine($"run {run.RunId}: {Rendering.State(run.State)} ({run.Completed + run.Failed}/{run.Total} records done)");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Delete(EvaluatorCli.Session session)
    {
        var id = new Argument<string>("id") { Description = "Run id" };
        var output = GlobalOptions.OutputFormat();
        var command = new Command("delete", "Delete a finished run with its records and metrics (cancel a running one first)") { id, output };
        session.SetAction(command, output, async (ctx, parse, ct) =>
        {
            var runId = parse.GetRequiredValue(id);
            var response = await ctx.Client.DeleteRunAsync(new DeleteRunRequest { RunId = runId }, cancellationToken: ct);
            if (ctx.Json)
            {
                ctx.WriteJson(response);
            }
            else
            {
                ctx.Console.WriteLine($"deleted run '{runId}'");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Tag(EvaluatorCli.Session session)
    {
        var id = new Argument<string>("id") { Description = "Run id" };
        var add = new Argument<string[]>("tags") { Description = "Tags to add (a-z 0-9 . _ : -, at most 32 characters each)", Arity = ArgumentArity.ZeroOrMore };
        var remove = TagOption("Tags to remove (repeat or separate with commas)", "--remove");
        var output = GlobalOptions.OutputFormat();
        var command = new Command("tag", "Add tags to a run, or remove some; prints the run's tags") { id, add, remove, output };
        session.SetAction(command, output, async (ctx, parse, ct) =>
        {
            var request = new UpdateRunTagsRequest { RunId = parse.GetRequiredValue(id), Add = { Values(parse.GetValue(add)) }, Remove = { Values(parse.GetValue(remove)) } };
            if (request.Add.Count == 0 && request.Remove.Count == 0)
            {
                throw new CliException("name tags to add, or --remove some");
            }
            var run = await ctx.Client.UpdateRunTagsAsync(request, cancellationToken: ct);
            if (ctx.Json)
            {
                ctx.WriteJson(run);
            }
            else
            {
                ctx.Console.WriteLine(run.Tags.Count == 0 ? $"run {run.RunId}: no tags" : $"run {run.RunId}: {string.Join(", ", run.Tags)}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Option<string[]> TagOption(string description, string name = "--tag") =>
        new(name) { Description = description, HelpName = "tag", AllowMultipleArgumentsPerToken = false, Arity = ArgumentArity.ZeroOrMore };

    /// <summary>Values given repeated or as comma-separated lists (tags, outcomes; the Evaluator checks each tag).</summary>
    private static IEnumerable<string> Values(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static Command Compare(EvaluatorCli.Session session)
    {
        var ids = new Argument<string[]>("ids") { Description = "Two or more run ids; the first is the baseline", Arity = ArgumentArity.OneOrMore };
        var bootstrap = new Option<int>("--bootstrap") { HelpName = "n", Description = "Bootstrap resamples for the paired CI (0: the default)" };
        var output = GlobalOptions.OutputFormat();
        var command = new Command("compare", "Compare runs: the study's table, per-feature deltas and a paired bootstrap CI") { ids, bootstrap, output };
        session.SetAction(command, output, async (ctx, parse, ct) =>
        {
            var runIds = parse.GetRequiredValue(ids);
            if (runIds.Length < 2)
            {
                throw new CliException("runs compare needs at least two run ids");
            }

            var request = new CompareRunsRequest { BootstrapResamples = DatasetCommands.NonNegative(parse.GetValue(bootstrap), "--bootstrap") };
            request.RunIds.AddRange(runIds);
            var response = await ctx.Client.CompareRunsAsync(request, cancellationToken: ct);
            if (ctx.Json)
            {
                ctx.WriteJson(response);
            }
            else
            {
                WriteComparison(ctx, response);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Export(EvaluatorCli.Session session)
    {
        var id = new Argument<string>("id") { Description = "Run id" };
        var format = new Option<string?>("--format") { Description = "File format [default: from the --output extension]", HelpName = "csv|json" };
        format.AcceptOnlyFromAmong("csv", "json");
        var content = new Option<string>("--content")
        {
            Description = "Per-record predictions or the metrics",
            HelpName = "records|metrics",
            DefaultValueFactory = _ => "records",
        };
        content.AcceptOnlyFromAmong("records", "metrics");
        var outputFile = new Option<string?>("--output", "-o") { Description = "Write to this file [default: stdout]", HelpName = "file" };
        var command = new Command("export", "Export a run's records or metrics as CSV or JSON") { id, format, content, outputFile };
        session.SetAction(command, outputFormat: null, async (ctx, parse, ct) =>
        {
            var request = new ExportRunRequest
            {
                RunId = parse.GetRequiredValue(id),
                Format = parse.GetValue(format) ?? ExportFormatFromExtension(parse.GetValue(outputFile)),
                Content = parse.GetRequiredValue(content),
            };
            var response = await ctx.Client.ExportRunAsync(request, cancellationToken: ct);
            var path = parse.GetValue(outputFile);
            if (string.IsNullOrEmpty(path))
            {
                await ctx.Out.WriteAsync(Encoding.UTF8.GetString(response.Data.Span));
                await ctx.Out.FlushAsync(ct);
                return ExitCodes.Success;
            }

            await File.WriteAllBytesAsync(path, response.Data.ToByteArray(), ct);
            if (ctx.Json)
            {
                await ctx.Out.WriteLineAsync(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["output"] = Path.GetFullPath(path),
                    ["fileName"] = response.FileName,
                    ["contentType"] = response.ContentType,
                    ["bytes"] = response.Data.Length,
                }));
            }
            else
            {
                ctx.Console.WriteLine($"wrote {response.Data.Length} bytes ({response.ContentType}) to {path}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string ExportFormatFromExtension(string? path) => Path.GetExtension(path ?? "").ToLowerInvariant() switch
    {
        ".csv" => "csv",
        ".json" => "json",
        _ => throw new CliException("pass --format csv or --format json (or an --output file ending in .csv or .json)"),
    };

    private static Command List(EvaluatorCli.Session session)
    {
        var dataset = new Option<string?>("--dataset") { HelpName = "id", Description = "Only the runs of this dataset" };
        var limit = new Option<int>("--limit") { HelpName = "n", Description = "At most this many runs, newest first (0: the Evaluator's default)" };
        var tag = new Option<string?>("--tag") { HelpName = "tag", Description = "Only the runs with this tag" };
        var output = GlobalOptions.OutputFormat();
        var command = new Command("list", "List runs") { dataset, tag, limit, output };
        session.SetAction(command, output, async (ctx, parse, ct) =>
        {
            var request = new ListRunsRequest
            {
                DatasetId = parse.GetValue(dataset) ?? "",
                Tag = parse.GetValue(tag) ?? "",
                Limit = DatasetCommands.NonNegative(parse.GetValue(limit), "--limit"),
            };
            var response = await ctx.Client.ListRunsAsync(request, cancellationToken: ct);
            if (ctx.Json)
            {
                ctx.WriteJson(response);
            }
            else if (response.Runs.Count == 0)
            {
                ctx.Console.WriteLine("no runs; start one with: clinical runs start --dataset <id> --wait");
            }
            else
            {
                ctx.Console.Write(Rendering.RunsTable(response.Runs));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Records(EvaluatorCli.Session session)
    {
        var id = new Argument<string>("id") { Description = "Run id" };
        var errors = new Option<bool>("--errors") { Description = "Only records where a prediction disagrees with its label" };
        var feature = new Option<string?>("--feature") { Description = "With --errors: only disagreements on this feature; with --outcome: the feature", HelpName = "key" };
        var outcome = new Option<string[]>("--outcome")
        {
            Description = "With --feature: only records with this outcome on it (repeat or separate with commas)",
            HelpName = "tp|fp|fn|tn",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var search = new Option<string?>("--search") { Description = "Only records whose id or note contains this (any case; Persian as the engines read it)", HelpName = "text" };
        var offset = new Option<int>("--offset") { Description = "First record", HelpName = "n" };
        var limit = new Option<int>("--limit") { Description = "Records to show", HelpName = "n", DefaultValueFactory = _ => 20 };
        var output = GlobalOptions.OutputFormat();
        var command = new Command("records", "A run's per-record predictions, or only its errors") { id, errors, feature, outcome, search, offset, limit, output };
        session.SetAction(command, output, async (ctx, parse, ct) =>
        {
            var request = new ListRunRecordsRequest
            {
                RunId = parse.GetRequiredValue(id),
                OnlyErrors = parse.GetValue(errors),
                FeatureKey = parse.GetValue(feature) ?? "",
                Offset = DatasetCommands.NonNegative(parse.GetValue(offset), "--offset"),
                Limit = DatasetCommands.NonNegative(parse.GetValue(limit), "--limit"),
                Query = parse.GetValue(search) ?? "",
                Outcomes = { Values(parse.GetValue(outcome)).Select(ParseOutcome) },
            };
            var response = await ctx.Client.ListRunRecordsAsync(request, cancellationToken: ct);
            if (ctx.Json)
            {
                ctx.WriteJson(response);
                return ExitCodes.Success;
            }

            ctx.Console.Write(Rendering.PredictionsTable(response.Records));
            ctx.Console.WriteLine($"{response.Records.Count} of {response.Total} records");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Outcome ParseOutcome(string value) => value.ToLowerInvariant() switch
    {
        "tp" => Outcome.TruePositive,
        "fp" => Outcome.FalsePositive,
        "fn" => Outcome.FalseNegative,
        "tn" => Outcome.TrueNegative,
        _ => throw new CliException("--outcome takes tp, fp, fn or tn"),
    };

    /// <summary>
    /// Starts one run per profile x strategy; with <paramref name="wait"/>, follows them all and prints the study's table
    /// (rows in profile order, the baseline compared with every other row by a paired bootstrap).
    /// </summary>
    private static async Task<int> StartMatrixAsync(CliContext ctx, StartMatrixRequest request, bool wait, string? baselineProfile, string format, CancellationToken ct)
    {
        if (baselineProfile is not null && !request.EngineProfiles.Contains(baselineProfile))
        {
            throw new CliException($"--baseline '{baselineProfile}' is not one of the --profile names");
        }
        var matrix = await ctx.Client.StartMatrixAsync(request, cancellationToken: ct);
        if (!wait)
        {
            if (ctx.Json)
            {
                ctx.WriteJson(matrix);
                return ExitCodes.Success;
            }
            foreach (var run in matrix.Runs)
            {
                ctx.Console.WriteLine($"started run {run.RunId} ({run.EngineProfile}, {run.Strategy}) on dataset '{run.DatasetId}': {run.Total} records");
            }
            ctx.Console.WriteLine($"matrix {matrix.MatrixId}; follow a run with: clinical runs watch <run-id>");
            return ExitCodes.Success;
        }

        IReadOnlyList<RunInfo> finished;
        try
        {
            finished = await RunWatcher.WaitAsync(ctx, matrix.Runs, ct);
        }
        catch (Exception ex) when (ct.IsCancellationRequested && ex is OperationCanceledException or Grpc.Core.RpcException)
        {
            await ctx.Error.WriteLineAsync($"the runs of matrix {matrix.MatrixId} go on; cancel them with: clinical runs cancel <run-id>");
            throw;
        }

        var baseline = StudyTable.PickBaseline(finished, baselineProfile ?? request.EngineProfiles[0]);
        var compare = StudyTable.ComparisonRequest(finished, baseline, request.BootstrapResamples);
        var comparison = compare is null ? null : await ctx.Client.CompareRunsAsync(compare, cancellationToken: ct);
        var dataset = await ctx.Client.GetDatasetAsync(new GetDatasetRequest { DatasetId = request.DatasetId }, cancellationToken: ct);
        var table = StudyTable.Build(matrix.MatrixId, finished, baseline, comparison, dataset.Info.Languages);
        ctx.Out.Write(table.Write(format));

        var exit = ExitCodes.Success;
        foreach (var run in finished.Where(r => r.State != RunState.Completed))
        {
            await ctx.Error.WriteLineAsync($"error: run {run.RunId} ({run.EngineProfile}, {run.Strategy}) {Rendering.State(run.State)}{(run.Error.Length > 0 ? ": " + run.Error : "")}");
            exit = ExitCodes.RunNotCompleted;
        }
        return exit;
    }

    /// <summary>Follows the runs to their end, prints the summary (or the final RunInfo JSON); exit 4 unless all completed.</summary>
    private static async Task<int> WaitAndReportAsync(CliContext ctx, IReadOnlyList<RunInfo> runs, CancellationToken ct)
    {
        IReadOnlyList<RunInfo> finished;
        try
        {
            finished = await RunWatcher.WaitAsync(ctx, runs, ct);
        }
        catch (Exception ex) when (ct.IsCancellationRequested && ex is OperationCanceledException or Grpc.Core.RpcException)
        {
            // Ctrl+C stops watching, not the run.
            foreach (var run in runs)
            {
                await ctx.Error.WriteLineAsync($"run {run.RunId} goes on; cancel it with: clinical runs cancel {run.RunId}");
            }

            throw;
        }

        if (ctx.Json)
        {
            if (finished.Count == 1)
            {
                ctx.WriteJson(finished[0]);
            }
            else
            {
                var list = new ListRunsResponse();
                list.Runs.AddRange(finished);
                ctx.WriteJson(list);
            }
        }
        else
        {
            foreach (var run in finished)
            {
                ctx.Console.WriteLine();
                ctx.Console.Write(Rendering.RunInfoGrid(run));
                if (run.Metrics is { } metrics)
                {
                    ctx.Console.WriteLine();
                    ctx.Console.Write(Rendering.MetricsTable(metrics, $"run {run.RunId} ({run.Strategy})"));
                }
            }

            if (finished.Count >= 2 && finished.All(r => r.State == RunState.Completed))
            {
                var request = new CompareRunsRequest();
                request.RunIds.AddRange(finished.Select(r => r.RunId));
                var comparison = await ctx.Client.CompareRunsAsync(request, cancellationToken: ct);
                ctx.Console.WriteLine();
                WriteComparison(ctx, comparison);
            }
        }

        var exit = ExitCodes.Success;
        foreach (var run in finished.Where(r => r.State != RunState.Completed))
        {
            var reason = run.Error.Length > 0 ? $": {run.Error}" : "";
            await ctx.Error.WriteLineAsync($"error: run {run.RunId} {Rendering.State(run.State)}{reason}");
            exit = ExitCodes.RunNotCompleted;
        }

        return exit;
    }

    private static void WriteComparison(CliContext ctx, CompareRunsResponse response)
    {
        ctx.Console.Write(Rendering.CompareTable(response.Runs));
        foreach (var comparison in response.Comparisons)
        {
            ctx.Console.WriteLine();
            ctx.Console.Write(Rendering.DeltasTable(comparison));
        }
    }
}
