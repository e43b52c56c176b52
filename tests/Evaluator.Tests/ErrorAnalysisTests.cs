using System.Text.Json.Nodes;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Evaluator.Runs;
using ClinicalAspire.Evaluator.Security;
using ClinicalAspire.ServiceDefaults.Security;
using ClinicalAspire.TestSupport;
using Google.Protobuf;
using Grpc.Core;
using StackExchange.Redis;
using EvaluatorClient = ClinicalAspire.Contracts.Evaluator.V1.Evaluator.EvaluatorClient;

namespace ClinicalAspire.Evaluator.Tests;

/// <summary>One Redis, the stand-in Extractor and an Evaluator process, shared by a class's tests.</summary>
public sealed class FakeStackFixture : IAsyncLifetime
{
    public FakeExtractor Extractor { get; } = new() { Delay = TimeSpan.FromMilliseconds(1) };
    public RedisServerProcess Redis { get; private set; } = null!;
    public ServiceProcess Evaluator { get; private set; } = null!;
    public EvaluatorClient Client => new(Evaluator.Channel);

    public async Task InitializeAsync()
    {
        await Extractor.StartAsync();
        Redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer);
        Evaluator = await ResumeTests.StartEvaluatorAsync(Redis, Extractor);
    }

    public async Task DisposeAsync()
    {
        await Evaluator.DisposeAsync();
        await Redis.DisposeAsync();
        await Extractor.DisposeAsync();
    }
}

/// <summary>
/// Error analysis over real gRPC: records filtered by their confusion-matrix outcome per feature (totals equal to the
/// matrix's cells), searched by id and note text (Persian as the engines normalise it, never logged), and run tags.
/// </summary>
public sealed class ErrorAnalysisTests(FakeStackFixture stack) : IClassFixture<FakeStackFixture>
{
    private EvaluatorClient Client => stack.Client;

    // The stand-in Extractor says "pain" when a note has درد: with these labels, pain's four outcomes in turn.
    private static readonly (string Text, bool? Pain)[] Notes =
    [
        ("بیمار درد شدید دارد", true),       // TP
        ("بیمار درد دارد", false),           // FP
        ("بیمار تب ندارد و بی‌حال است", true), // FN (Arabic-free Persian, ZWNJ)
        ("سرفه مي‌كند", false),              // TN (Arabic ي and ك)
    ];

    private static ByteString Dataset(int records) => ByteString.CopyFromUtf8(string.Join("\n", Enumerable.Range(0, records).Select(i =>
        new JsonObject
        {
            ["id"] = $"Case-{i:D3}",
            ["text"] = Notes[i % 4].Text,
            ["language"] = "fa",
            // Every fifth record has no pain label: it has no outcome for pain.
            ["labels"] = new JsonObject { ["pain"] = i % 5 == 4 ? null : Notes[i % 4].Pain, ["fever"] = false },
        }.ToJsonString())));

    private async Task<RunInfo> CompletedRunAsync(string datasetId, int records, params string[] tags)
    {
        await Client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = datasetId, Format = "jsonl", Content = Dataset(records), Replace = true });
        var run = await Client.StartRunAsync(new StartRunRequest { DatasetId = datasetId, BootstrapResamples = 20, Tags = { tags } });
        var final = await ResumeTests.WaitForStateAsync(Client, run.RunId);
        Assert.Equal(RunState.Completed, final.State);
        return final;
    }

    private async Task<ListRunRecordsResponse> ListAsync(string runId, Action<ListRunRecordsRequest> filter, int offset = 0, int limit = 1000)
    {
        var request = new ListRunRecordsRequest { RunId = runId, Offset = offset, Limit = limit };
        filter(request);
        return await Client.ListRunRecordsAsync(request);
    }

    private static async Task<string> RefusedAsync(StatusCode code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, error.StatusCode);
        return error.Status.Detail;
    }

    [Fact]
    public async Task Each_outcome_lists_exactly_the_records_its_confusion_cell_counts_paged_with_the_filtered_total()
    {
        var run = await CompletedRunAsync("outcomes", 40);
        var pain = run.Metrics.Features.Single(f => f.Key == "pain");
        Assert.All(new[] { pain.Tp, pain.Fp, pain.Fn, pain.Tn }, count => Assert.True(count > 0));

        foreach (var (outcome, count) in new[] { (Outcome.TruePositive, pain.Tp), (Outcome.FalsePositive, pain.Fp), (Outcome.FalseNegative, pain.Fn), (Outcome.TrueNegative, pain.Tn) })
        {
            var all = await ListAsync(run.RunId, r => { r.FeatureKey = "pain"; r.Outcomes.Add(outcome); });
            Assert.Equal(count, all.Total);
            Assert.Equal(count, all.Records.Count);
            Assert.All(all.Records, p => Assert.Equal(outcome, RecordFilter.OutcomeOf(p, "pain", excludeMissing: false)));
            // A window of the same list: the total is still the whole filtered count.
            var window = await ListAsync(run.RunId, r => { r.FeatureKey = "pain"; r.Outcomes.Add(outcome); }, offset: 2, limit: 3);
            Assert.Equal(count, window.Total);
            Assert.Equal(all.Records.Skip(2).Take(3).Select(p => p.RecordId), window.Records.Select(p => p.RecordId));
        }

        // FP and FN together are the feature's disagreements: what only_errors with the feature lists.
        var errors = await ListAsync(run.RunId, r => { r.FeatureKey = "pain"; r.Outcomes.Add([Outcome.FalsePositive, Outcome.FalseNegative]); });
        var onlyErrors = await ListAsync(run.RunId, r => { r.FeatureKey = "pain"; r.OnlyErrors = true; });
        Assert.Equal(pain.Fp + pain.Fn, errors.Total);
        Assert.Equal(onlyErrors.Records.Select(p => p.RecordId), errors.Records.Select(p => p.RecordId));
        // Filters combine: a disagreement on pain that is also a true positive is none.
        Assert.Equal(0, (await ListAsync(run.RunId, r => { r.FeatureKey = "pain"; r.OnlyErrors = true; r.Outcomes.Add(Outcome.TruePositive); })).Total);
        // The feature alone still lists its positives: predicted yes (half the notes, labelled or not) or labelled yes.
        Assert.Equal(20 + pain.Fn, (await ListAsync(run.RunId, r => r.FeatureKey = "pain")).Total);
    }

    [Fact]
    public async Task The_search_finds_ids_and_Persian_text_whatever_the_spelling_combines_with_filters_and_is_never_logged()
    {
        var run = await CompletedRunAsync("search", 40);

        // Ids ignore case.
        var byId = await ListAsync(run.RunId, r => r.Query = "case-01");
        Assert.Equal(Enumerable.Range(10, 10).Select(i => $"Case-{i:D3}"), byId.Records.Select(p => p.RecordId));
        // Persian ی/ک find the note typed with Arabic ي/ك, with or without the ZWNJ, and the other way round.
        var tn = (await ListAsync(run.RunId, r => { r.FeatureKey = "pain"; r.Outcomes.Add(Outcome.TrueNegative); })).Total;
        foreach (var query in new[] { "میکند", "می‌کند", "مي كند", "  سرفه  " })
        {
            var found = await ListAsync(run.RunId, r => r.Query = query);
            Assert.Equal(10, found.Total);
            Assert.All(found.Records, p => Assert.Equal(Notes[3].Text, p.Text));
        }
        Assert.Equal(10, (await ListAsync(run.RunId, r => r.Query = "بيحال")).Total);
        Assert.Equal(0, (await ListAsync(run.RunId, r => r.Query = "تشنج")).Total);
        // With an outcome filter: the true negatives among the "cough" notes (those with a pain label).
        var combined = await ListAsync(run.RunId, r => { r.Query = "سرفه"; r.FeatureKey = "pain"; r.Outcomes.Add(Outcome.TrueNegative); }, limit: 2);
        Assert.Equal(tn, combined.Total);
        Assert.Equal(2, combined.Records.Count);

        // The searches above are nowhere in the Evaluator's output (logs, at whatever level it writes).
        Assert.DoesNotContain("سرفه", stack.Evaluator.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("میکند", stack.Evaluator.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_filters_are_refused_naming_the_field_never_quoting_it()
    {
        var run = await CompletedRunAsync("bad-filters", 4);

        var unknown = await RefusedAsync(StatusCode.InvalidArgument, () => ListAsync(run.RunId, r => { r.FeatureKey = "pain"; r.Outcomes.Add((Outcome)42); }));
        Assert.StartsWith("outcomes[0] must be", unknown, StringComparison.Ordinal);
        Assert.StartsWith("outcomes[1] must be", await RefusedAsync(StatusCode.InvalidArgument,
            () => ListAsync(run.RunId, r => { r.FeatureKey = "pain"; r.Outcomes.Add([Outcome.TruePositive, Outcome.Unspecified]); })), StringComparison.Ordinal);
        Assert.StartsWith("outcomes[1] repeats", await RefusedAsync(StatusCode.InvalidArgument,
            () => ListAsync(run.RunId, r => { r.FeatureKey = "pain"; r.Outcomes.Add([Outcome.FalsePositive, Outcome.FalsePositive]); })), StringComparison.Ordinal);
        Assert.StartsWith("feature_key is required with outcomes", await RefusedAsync(StatusCode.InvalidArgument,
            () => ListAsync(run.RunId, r => r.Outcomes.Add(Outcome.FalseNegative))), StringComparison.Ordinal);

        var note = "بیمار درد شدید دارد و ";
        var tooLong = await RefusedAsync(StatusCode.InvalidArgument, () => ListAsync(run.RunId, r => r.Query = string.Concat(Enumerable.Repeat(note, 20))));
        Assert.Equal("query is 440 characters; at most 200", tooLong);
        var twoLines = await RefusedAsync(StatusCode.InvalidArgument, () => ListAsync(run.RunId, r => r.Query = "درد\nشدید"));
        Assert.StartsWith("query has a control character", twoLines, StringComparison.Ordinal);
        Assert.DoesNotContain("درد", tooLong + twoLines, StringComparison.Ordinal);
        // Direction marks, as pasted Persian carries them, are no problem.
        Assert.Equal(1, (await ListAsync(run.RunId, r => r.Query = "\u200Fشدید\u200F")).Total);
    }

    [Fact]
    public async Task Tags_are_set_at_start_kept_through_a_run_changed_later_and_filter_the_run_list()
    {
        string runId;
        await Client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "tagged", Format = "jsonl", Content = Dataset(100), Replace = true });
        // About 2.5 s of run, so that progress writes (every second) follow the change below.
        stack.Extractor.Delay = TimeSpan.FromMilliseconds(25);
        try
        {
            // Lower case, each once.
            var run = await Client.StartRunAsync(new StartRunRequest { DatasetId = "tagged", Concurrency = 1, Tags = { "Paper-v1", "baseline", "paper-v1" } });
            Assert.Equal(["paper-v1", "baseline"], run.Tags);

            // Changed while the run runs: the run's own progress and final writes keep what the store holds.
            while ((await Client.GetRunAsync(new GetRunRequest { RunId = run.RunId })).Completed == 0)
            {
                await Task.Delay(10);
            }
            var updated = await Client.UpdateRunTagsAsync(new UpdateRunTagsRequest { RunId = run.RunId, Add = { "Rerun", "night:2" }, Remove = { "baseline", "absent" } });
            Assert.Equal(["paper-v1", "rerun", "night:2"], updated.Tags);
            Assert.Equal(RunState.Running, updated.State);
            Assert.Equal(["paper-v1", "rerun", "night:2"], (await Client.GetRunAsync(new GetRunRequest { RunId = run.RunId })).Tags);
            // As another replica's UpdateRunTags would: the stored value changes under the replica running the run.
            await using (var redis = await ConnectionMultiplexer.ConnectAsync(stack.Redis.ConnectionString))
            {
                var key = $"clinical:run:{run.RunId}";
                var stored = RunInfo.Parser.ParseFrom((byte[])(await redis.GetDatabase().StringGetAsync(key))!);
                stored.Tags.Add("elsewhere");
                await redis.GetDatabase().StringSetAsync(key, stored.ToByteArray());
            }
            var final = await ResumeTests.WaitForStateAsync(Client, run.RunId);
            Assert.Equal(RunState.Completed, final.State);
            Assert.Equal(["paper-v1", "rerun", "night:2", "elsewhere"], final.Tags);
            runId = run.RunId;
        }
        finally
        {
            stack.Extractor.Delay = TimeSpan.FromMilliseconds(1);
        }

        // A matrix tags every run; the list filters by tag (any case) and its limit counts matching runs.
        var matrix = await Client.StartMatrixAsync(new StartMatrixRequest { DatasetId = "tagged", EngineProfiles = { "default" }, Strategy = "both", Tags = { "matrix-a" } });
        Assert.All(matrix.Runs, r => Assert.Equal(["matrix-a"], r.Tags));
        var listed = await Client.ListRunsAsync(new ListRunsRequest { Tag = "MATRIX-A" });
        Assert.Equal(matrix.Runs.Select(r => r.RunId).Order(), listed.Runs.Select(r => r.RunId).Order());
        Assert.Single((await Client.ListRunsAsync(new ListRunsRequest { Tag = "matrix-a", Limit = 1 })).Runs);
        Assert.Equal([runId], (await Client.ListRunsAsync(new ListRunsRequest { Tag = "rerun" })).Runs.Select(r => r.RunId));

        // Removing everything leaves none; a tag added and removed at once is added.
        Assert.Empty((await Client.UpdateRunTagsAsync(new UpdateRunTagsRequest { RunId = runId, Remove = { "paper-v1", "rerun", "night:2", "elsewhere" } })).Tags);
        Assert.Equal(["x"], (await Client.UpdateRunTagsAsync(new UpdateRunTagsRequest { RunId = runId, Add = { "x" }, Remove = { "X" } })).Tags);
    }

    [Fact]
    public async Task Bad_tags_are_refused_naming_the_field_and_a_run_carries_at_most_sixteen()
    {
        await Client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "bad-tags", Format = "jsonl", Content = Dataset(2), Replace = true });
        Assert.Equal("tags[1] must be 1-32 characters of A-Z a-z 0-9 . _ : - starting with a letter or digit", await RefusedAsync(StatusCode.InvalidArgument,
            () => Client.StartRunAsync(new StartRunRequest { DatasetId = "bad-tags", Tags = { "ok", "تب" } }).ResponseAsync));
        Assert.StartsWith("tags[0] must be", await RefusedAsync(StatusCode.InvalidArgument,
            () => Client.StartMatrixAsync(new StartMatrixRequest { DatasetId = "bad-tags", EngineProfiles = { "default" }, Tags = { new string('a', 33) } }).ResponseAsync), StringComparison.Ordinal);
        Assert.Equal("tags has 17 entries; at most 16", await RefusedAsync(StatusCode.InvalidArgument,
            () => Client.StartRunAsync(new StartRunRequest { DatasetId = "bad-tags", Tags = { Enumerable.Range(0, 17).Select(i => $"t{i}") } }).ResponseAsync));

        var run = await Client.StartRunAsync(new StartRunRequest { DatasetId = "bad-tags", Tags = { Enumerable.Range(0, 15).Select(i => $"t{i}") } });
        Assert.StartsWith("remove[0] must be", await RefusedAsync(StatusCode.InvalidArgument,
            () => Client.UpdateRunTagsAsync(new UpdateRunTagsRequest { RunId = run.RunId, Remove = { "a b" } }).ResponseAsync), StringComparison.Ordinal);
        Assert.StartsWith("add[0] must be", await RefusedAsync(StatusCode.InvalidArgument,
            () => Client.UpdateRunTagsAsync(new UpdateRunTagsRequest { RunId = run.RunId, Add = { "-lead" } }).ResponseAsync), StringComparison.Ordinal);
        Assert.Equal("a run carries at most 16 tags; this would make 17: remove some first", await RefusedAsync(StatusCode.FailedPrecondition,
            () => Client.UpdateRunTagsAsync(new UpdateRunTagsRequest { RunId = run.RunId, Add = { "one", "two" } }).ResponseAsync));
        Assert.Equal(16, (await Client.UpdateRunTagsAsync(new UpdateRunTagsRequest { RunId = run.RunId, Add = { "one" } })).Tags.Count);
        Assert.Equal("run_id: no such run", await RefusedAsync(StatusCode.NotFound,
            () => Client.UpdateRunTagsAsync(new UpdateRunTagsRequest { RunId = "run-nope", Add = { "x" } }).ResponseAsync));
        Assert.StartsWith("tag must be", await RefusedAsync(StatusCode.InvalidArgument,
            () => Client.ListRunsAsync(new ListRunsRequest { Tag = "no spaces" }).ResponseAsync), StringComparison.Ordinal);
    }

    [Fact]
    public void Changing_tags_needs_a_researcher()
    {
        Assert.Equal(AccessRole.Researcher, EvaluatorAccess.Map().Required("/clinical.evaluator.v1.Evaluator/UpdateRunTags", new UpdateRunTagsRequest()));
    }

    [Fact]
    public async Task A_discounted_mention_is_kept_with_its_status_and_cue()
    {
        var run = await CompletedRunAsync("discounted", 4);
        var record = (await ListAsync(run.RunId, r => r.Query = "Case-002")).Records.Single();
        var fever = record.Features.Single(f => f.Key == "fever");
        Assert.Equal("false", fever.Value);
        var mention = Assert.Single(fever.Discounted);
        Assert.Equal(("تب", "negated", "ندارد"), (mention.Quote, mention.Status, mention.Cue.Quote));
        var codePoints = record.Text.EnumerateRunes().Select(r => r.ToString()).ToArray();
        Assert.Equal("تب", string.Concat(codePoints[mention.Start..mention.End]));
        Assert.Equal("ندارد", string.Concat(codePoints[mention.Cue.Start..mention.Cue.End]));
    }
}
