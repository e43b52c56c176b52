using System.Text.Json;
using ClinicalAspire.Contracts.Evaluator.V1;
using Google.Protobuf;
using Grpc.Net.Client;
using Spectre.Console;

namespace ClinicalAspire.Cli.Tests;

/// <summary>The CLI's commands against the fake Evaluator, over real gRPC.</summary>
public sealed class CliTests(FakeEvaluatorServer server) : IClassFixture<FakeEvaluatorServer>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("clinical-cli-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Import_with_validation_errors_prints_them_exits_non_zero_and_imports_nothing()
    {
        var file = WriteFile("broken.jsonl", "{\"id\":\"r1\"}\n{\"id\":\"r2\",\"BAD\":1}\n{\"id\":\"r3\"}\n");
        var importsBefore = server.State.CallCount(nameof(FakeEvaluator.ImportDataset));

        var result = await RunAsync("datasets", "import", file, "--id", "broken");

        Assert.Equal(ExitCodes.ServerError, result.Exit);
        Assert.Contains("line 2 (record 'r2'): labels.pain must be true, false or null", result.Err);
        Assert.Contains("nothing was imported", result.Err);
        Assert.Equal(importsBefore, server.State.CallCount(nameof(FakeEvaluator.ImportDataset)));
        Assert.False(server.State.Datasets.ContainsKey("broken"));
    }

    [Fact]
    public async Task Import_of_a_valid_file_validates_then_imports_named_after_the_file()
    {
        var file = WriteFile("Ward7.jsonl", "{\"id\":\"r1\"}\n{\"id\":\"r2\"}\n");

        var result = await RunAsync("datasets", "import", file);

        AssertOk(result);
        Assert.Contains("imported dataset 'ward7': 2 records", result.Out);
        Assert.Equal("Ward7", server.State.Datasets["ward7"].Name);
    }

    [Fact]
    public async Task Import_with_an_unknown_extension_is_a_usage_error_and_calls_nothing()
    {
        var file = WriteFile("notes.txt", "x\n");
        var calls = server.State.Calls.Count;

        var result = await RunAsync("datasets", "import", file);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("--format jsonl", result.Err);
        Assert.Equal(calls, server.State.Calls.Count);
    }

    [Fact]
    public async Task Datasets_list_and_show_in_json_mode_print_parseable_json()
    {
        Seed("listed", 3);

        var list = await RunAsync("datasets", "list", "--format", "json");
        AssertOk(list);
        using (var doc = JsonDocument.Parse(list.Out))
        {
            var ids = doc.RootElement.GetProperty("datasets").EnumerateArray().Select(d => d.GetProperty("datasetId").GetString()).ToList();
            Assert.Contains("listed", ids);
        }

        var show = await RunAsync("--json", "datasets", "show", "listed", "--limit", "2");
        AssertOk(show);
        var parsed = JsonParser.Default.Parse<GetDatasetResponse>(show.Out);
        Assert.Equal("listed", parsed.Info.DatasetId);
        Assert.Equal(2, parsed.Records.Count);
        Assert.Equal(Label.True, parsed.Records[0].Labels["pain"]);
    }

    [Fact]
    public async Task Datasets_show_prints_info_and_records_without_ansi()
    {
        Seed("shown", 2);

        var result = await RunAsync("datasets", "show", "shown");

        AssertOk(result);
        Assert.Contains("shown", result.Out);
        Assert.Contains("بیمار درد شدید دارد", result.Out);
        Assert.DoesNotContain("\u001b[", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Not_found_exits_2_with_status_and_detail_on_stderr()
    {
        var result = await RunAsync("datasets", "show", "nope");

        Assert.Equal(ExitCodes.ServerError, result.Exit);
        Assert.Contains("error: NotFound: dataset 'nope' does not exist", result.Err);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Unreachable_evaluator_exits_3_with_a_hint()
    {
        var cli = new EvaluatorCli();
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await cli.RunAsync(["datasets", "list", "--evaluator", "http://127.0.0.1:1"], stdout, stderr);

        Assert.Equal(ExitCodes.Unavailable, exit);
        Assert.Contains("error: Unavailable", stderr.ToString());
        Assert.Contains("is the stack running? dotnet run --project AppHost", stderr.ToString());
    }

    [Fact]
    public async Task Usage_errors_exit_1()
    {
        Assert.Equal(ExitCodes.Usage, (await RunAsync("runs", "start")).Exit);
        Assert.Equal(ExitCodes.Usage, (await RunAsync("runs", "start", "--dataset", "x", "--strategy", "sideways")).Exit);
        Assert.Equal(ExitCodes.Usage, (await RunAsync("runs", "compare", "only-one")).Exit);
        Assert.Equal(ExitCodes.Usage, (await RunAsync("datasets", "list", "--evaluator", "not a url")).Exit);
    }

    [Fact]
    public async Task Runs_start_wait_follows_the_watch_stream_and_prints_the_summary_table()
    {
        Seed("waited", 4);
        var watches = server.State.CallCount(nameof(FakeEvaluator.WatchRun));

        var result = await RunAsync("runs", "start", "--dataset", "waited", "--label", "nightly", "--wait");

        AssertOk(result);
        Assert.Equal(watches + 1, server.State.CallCount(nameof(FakeEvaluator.WatchRun)));
        Assert.Contains("completed 4/4", result.Err);
        foreach (var expected in new[] { "pain", "fever", "macro-F1", "MCC", "sensitivity", "specificity", "missing",
                     "Q1–Q3", "0.899", "0.850–0.930", "95% CI (median)", "0.820–0.950", "bootstrap 1000 resamples" })
        {
            Assert.Contains(expected, result.Out);
        }

        Assert.DoesNotContain("\u001b[", result.Out + result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_start_wait_in_json_mode_prints_only_the_final_run()
    {
        Seed("waited-json", 4);

        var result = await RunAsync("runs", "start", "--dataset", "waited-json", "--wait", "--format", "json");

        AssertOk(result);
        Assert.Equal("", result.Err);
        var run = JsonParser.Default.Parse<RunInfo>(result.Out);
        Assert.Equal(RunState.Completed, run.State);
        Assert.Equal(4, run.Completed);
        Assert.Equal(0.899, run.Metrics.Summary.MacroF1.Median, 3);
    }

    [Fact]
    public async Task Runs_start_both_waits_for_the_pair_and_compares_them()
    {
        Seed("paired", 4);

        var result = await RunAsync("runs", "start", "--dataset", "paired", "--strategy", "both", "--wait");

        AssertOk(result);
        Assert.Contains("(direct)", result.Out);
        Assert.Contains("(translate-first)", result.Out);
        Assert.Contains("Δ macro-F1", result.Out);
        Assert.Contains("paired bootstrap 95% CI [-0.010, +0.040]", result.Out);
    }

    [Fact]
    public async Task Runs_watch_on_an_interactive_terminal_draws_a_progress_bar()
    {
        Seed("interactive", 4);
        var started = await RunAsync("runs", "start", "--dataset", "interactive", "--json");
        var runId = JsonParser.Default.Parse<RunInfo>(started.Out).RunId;
        var cli = new EvaluatorCli(null, _ => null)
        {
            ConsoleFactory = writer =>
            {
                var console = AnsiConsole.Create(new AnsiConsoleSettings
                {
                    Out = new AnsiConsoleOutput(writer),
                    Ansi = AnsiSupport.Yes,
                    ColorSystem = ColorSystemSupport.Standard,
                    Interactive = InteractionSupport.Yes,
                });
                console.Profile.Width = 200;
                return console;
            },
        };
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await cli.RunAsync(["runs", "watch", runId, "--evaluator", server.Url], stdout, stderr);

        Assert.True(exit == 0, stderr.ToString());
        Assert.Contains($"run {runId} (direct): completed 4/4", stderr.ToString());
        Assert.Contains("100%", stderr.ToString());
        Assert.Contains("Q1–Q3", stdout.ToString());
    }

    [Fact]
    public async Task Ctrl_c_while_waiting_stops_watching_but_not_the_run()
    {
        Seed(FakeState.SlowDataset, 4);
        using var interrupt = new CancellationTokenSource();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var watches = server.State.CallCount(nameof(FakeEvaluator.WatchRun));

        var running = new EvaluatorCli(null, _ => null).RunAsync(
            ["runs", "start", "--dataset", FakeState.SlowDataset, "--wait", "--evaluator", server.Url], stdout, stderr, interrupt.Token);
        for (var i = 0; i < 300 && server.State.CallCount(nameof(FakeEvaluator.WatchRun)) == watches; i++)
        {
            await Task.Delay(100);
        }

        await Task.Delay(200);
        await interrupt.CancelAsync();
        var exit = await running.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExitCodes.Interrupted, exit);
        Assert.Contains("goes on; cancel it with: clinical runs cancel", stderr.ToString());
        Assert.Equal(0, server.State.CallCount(nameof(FakeEvaluator.CancelRun)));
    }

    [Fact]
    public async Task A_failed_run_exits_4_with_its_error()
    {
        server.State.Datasets[FakeState.FailingDataset] = new DatasetInfo { DatasetId = FakeState.FailingDataset, RecordCount = 4 };

        var result = await RunAsync("runs", "start", "--dataset", FakeState.FailingDataset, "--wait");

        Assert.Equal(ExitCodes.RunNotCompleted, result.Exit);
        Assert.Contains("failed: extractor unavailable", result.Err);
    }

    [Fact]
    public async Task Runs_start_on_a_missing_dataset_exits_2()
    {
        var result = await RunAsync("runs", "start", "--dataset", "ghost", "--wait");

        Assert.Equal(ExitCodes.ServerError, result.Exit);
        Assert.Contains("error: NotFound: dataset 'ghost' does not exist", result.Err);
    }

    [Fact]
    public async Task Runs_compare_prints_the_study_table_deltas_and_paired_ci()
    {
        var (a, b) = await TwoCompletedRunsAsync("compared");

        var result = await RunAsync("runs", "compare", a, b);

        AssertOk(result);
        Assert.Contains("0.899 [0.850, 0.930]", result.Out);
        Assert.Contains("+0.050", result.Out);
        Assert.Contains("median macro-F1 difference +0.013", result.Out);

        var json = await RunAsync("runs", "compare", a, b, "--format", "json");
        Assert.Single(JsonParser.Default.Parse<CompareRunsResponse>(json.Out).Comparisons);
    }

    [Fact]
    public async Task Runs_export_writes_the_file_only_on_success()
    {
        var (a, _) = await TwoCompletedRunsAsync("exported");
        var output = Path.Combine(_directory, "metrics.csv");

        var ok = await RunAsync("runs", "export", a, "--content", "metrics", "--output", output);
        AssertOk(ok);
        Assert.Equal("feature,macro_f1\npain,1.000\n", File.ReadAllText(output));

        var toStdout = await RunAsync("runs", "export", a, "--format", "json");
        AssertOk(toStdout);
        JsonDocument.Parse(toStdout.Out).Dispose();

        Assert.Equal(ExitCodes.Usage, (await RunAsync("runs", "export", a)).Exit);

        var missing = Path.Combine(_directory, "never.csv");
        var failed = await RunAsync("runs", "export", "no-such-run", "--format", "csv", "--output", missing);
        Assert.Equal(ExitCodes.ServerError, failed.Exit);
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public async Task Runs_list_show_and_cancel()
    {
        var (a, _) = await TwoCompletedRunsAsync("listed-runs");

        var list = await RunAsync("runs", "list", "--dataset", "listed-runs", "--json");
        Assert.Equal(2, JsonParser.Default.Parse<ListRunsResponse>(list.Out).Runs.Count);

        var show = await RunAsync("runs", "show", a);
        AssertOk(show);
        Assert.Contains("completed", show.Out);
        Assert.Contains("Q1–Q3", show.Out);

        var cancel = await RunAsync("runs", "cancel", a);
        AssertOk(cancel);
        Assert.Contains("cancelled", cancel.Out);
    }

    [Fact]
    public async Task Runs_records_shows_the_disagreements()
    {
        var (a, _) = await TwoCompletedRunsAsync("recorded");

        var result = await RunAsync("runs", "records", a, "--errors");

        AssertOk(result);
        Assert.Contains("1 of 4 records", result.Out);
        Assert.Matches(@"r1\s+│\s+fa\s+│\s+fever\s+│\s+│\s+fever\s+│\s+pain", result.Out);
    }

    [Fact]
    public async Task Runs_records_passes_outcome_and_search_filters()
    {
        var (a, _) = await TwoCompletedRunsAsync("filtered-records");

        AssertOk(await RunAsync("runs", "records", a, "--feature", "pain", "--outcome", "fp,FN", "--outcome", "tp", "--search", "بیمار درد"));
        var request = server.State.LastRecordsRequest!;
        Assert.Equal(("pain", "بیمار درد"), (request.FeatureKey, request.Query));
        Assert.Equal([Outcome.FalsePositive, Outcome.FalseNegative, Outcome.TruePositive], request.Outcomes);

        var bad = await RunAsync("runs", "records", a, "--feature", "pain", "--outcome", "maybe");
        Assert.Equal(ExitCodes.Usage, bad.Exit);
        Assert.Contains("--outcome takes tp, fp, fn or tn", bad.Err);
    }

    [Fact]
    public async Task Runs_start_tags_runs_runs_tag_changes_them_and_runs_list_filters_by_tag()
    {
        Seed("tagged-runs", 4);
        var started = await RunAsync("runs", "start", "--dataset", "tagged-runs", "--strategy", "both", "--tag", "Paper-v1", "--tag", "night,baseline", "--json");
        AssertOk(started);
        var run = JsonParser.Default.Parse<RunInfo>(started.Out);
        Assert.Equal(["paper-v1", "night", "baseline"], run.Tags);

        var tagged = await RunAsync("runs", "tag", run.RunId, "rerun", "--remove", "night,baseline");
        AssertOk(tagged);
        Assert.Contains($"run {run.RunId}: paper-v1, rerun", tagged.Out);
        var show = await RunAsync("runs", "show", run.RunId);
        Assert.Matches(@"tags\s+paper-v1, rerun", show.Out);

        var listed = JsonParser.Default.Parse<ListRunsResponse>((await RunAsync("runs", "list", "--tag", "rerun", "--json")).Out);
        Assert.Equal([run.RunId], listed.Runs.Select(r => r.RunId));

        var nothing = await RunAsync("runs", "tag", run.RunId);
        Assert.Equal(ExitCodes.Usage, nothing.Exit);
        Assert.Contains("name tags to add, or --remove some", nothing.Err);
    }

    [Fact]
    public async Task Status_exits_0_when_healthy_and_2_when_a_component_is_unhealthy()
    {
        var healthy = await RunAsync("status");
        AssertOk(healthy);
        Assert.Contains("extractor", healthy.Out);
        Assert.Contains("direct, translate-first, both", healthy.Out);

        server.State.ExtractorDown = true;
        try
        {
            var down = await RunAsync("status", "--format", "json");
            Assert.Equal(ExitCodes.ServerError, down.Exit);
            Assert.Equal(2, JsonParser.Default.Parse<GetSystemStatusResponse>(down.Out).Components.Count);
            Assert.Contains("error: extractor is unhealthy", down.Err);
        }
        finally
        {
            server.State.ExtractorDown = false;
        }
    }

    [Fact]
    public async Task Score_prints_the_metrics_table_and_warns_about_unmatched_lines()
    {
        Seed("scored", 2);
        var predictions = WriteFile("predictions.jsonl", "{\"id\":\"r1\",\"predictions\":{\"pain\":true}}\n{\"id\":\"r2\",\"predictions\":{\"pain\":false}}\n");

        var result = await RunAsync("score", "--dataset", "scored", "--predictions", predictions, "--exclude-missing");

        AssertOk(result);
        Assert.Contains("2 predictions matched", result.Out);
        Assert.Contains("missing outputs excluded", result.Out);
        Assert.Contains("warning: line 3 (record 'zz'): no record with this id", result.Err);
    }

    [Fact]
    public async Task The_address_comes_from_the_environment_and_an_injected_invoker_is_used()
    {
        Seed("from-env", 1);
        var fromEnvironment = new EvaluatorCli(null, name => name == EvaluatorCli.EvaluatorUrlVariable ? server.Url : null);
        var stdout = new StringWriter();
        Assert.Equal(0, await fromEnvironment.RunAsync(["datasets", "list"], stdout, new StringWriter()));
        Assert.Contains("from-env", stdout.ToString());

        using var channel = GrpcChannel.ForAddress(server.Url);
        var injected = new EvaluatorCli(channel.CreateCallInvoker());
        stdout = new StringWriter();
        Assert.Equal(0, await injected.RunAsync(["datasets", "delete", "from-env"], stdout, new StringWriter()));
        Assert.Contains("deleted dataset 'from-env'", stdout.ToString());
        Assert.False(server.State.Datasets.ContainsKey("from-env"));
    }

    [Fact]
    public async Task Runs_delete_removes_a_finished_run_and_reports_a_running_one_as_refused()
    {
        var (first, _) = await TwoCompletedRunsAsync("to-delete");
        var deleted = await RunAsync("runs", "delete", first);
        Assert.Equal(0, deleted.Exit);
        Assert.Contains($"deleted run '{first}'", deleted.Out);
        Assert.False(server.State.Runs.ContainsKey(first));

        var running = server.State.Runs.Values.First().Clone();
        running.RunId = "run-live";
        running.State = RunState.Running;
        server.State.Runs[running.RunId] = running;
        var refused = await RunAsync("runs", "delete", "run-live");
        Assert.NotEqual(0, refused.Exit);
        Assert.Contains("cancel it first", refused.Err);
        Assert.True(server.State.Runs.ContainsKey("run-live"));
    }

    private async Task<(string First, string Second)> TwoCompletedRunsAsync(string dataset)
    {
        Seed(dataset, 4);
        var result = await RunAsync("runs", "start", "--dataset", dataset, "--strategy", "both", "--wait", "--json");
        AssertOk(result);
        var runs = JsonParser.Default.Parse<ListRunsResponse>(result.Out).Runs;
        return (runs[0].RunId, runs[1].RunId);
    }

    private static void AssertOk((int Exit, string Out, string Err) result) =>
        Assert.True(result.Exit == 0, $"exit {result.Exit}\nstderr:\n{result.Err}\nstdout:\n{result.Out}");

    private void Seed(string id, int records) =>
        server.State.Datasets[id] = new DatasetInfo { DatasetId = id, Name = id, RecordCount = records, Languages = { ["fa"] = records } };

    private string WriteFile(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var cli = new EvaluatorCli(null, _ => null);
        var exit = await cli.RunAsync(["--evaluator", server.Url, .. args], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
