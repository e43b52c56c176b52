using ClinicalAspire.Contracts.Common.V1;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Dashboard.Components.Pages;
using ClinicalAspire.Dashboard.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicalAspire.Dashboard.Tests;

public class MatrixPageTests : DashboardContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static EngineProfile Profile(string name, string model, string status = "Healthy", string detail = "", bool isDefault = false)
    {
        var profile = new EngineProfile
        {
            Name = name,
            ExtractorEngine = EngineInfo.Create("openai", model, "study-v1", "", ""),
            TranslatorEngine = EngineInfo.Create("openai", "aya-expanse-8b", "", "", ""),
            Status = status,
            Detail = detail,
            Concurrency = 64,
            IsDefault = isDefault,
        };
        profile.Strategies.AddRange(["direct", "translate-first", "both"]);
        return profile;
    }

    private void GivenProfiles(params EngineProfile[] profiles)
    {
        Evaluator.OnListDatasets = () => new ListDatasetsResponse { Datasets = { new DatasetInfo { DatasetId = "demo", RecordCount = 40, Languages = { ["fa"] = 40 } } } };
        var status = new GetSystemStatusResponse();
        status.EngineProfiles.AddRange(profiles);
        Evaluator.OnGetSystemStatus = () => status;
    }

    private static RunInfo MatrixRun(string id, string profile, string strategy, RunState state, double macroF1, int completed = 40) => new()
    {
        RunId = id,
        DatasetId = "demo",
        MatrixId = "m-1",
        EngineProfile = profile,
        Strategy = strategy,
        State = state,
        Total = 40,
        Completed = completed,
        TruncatedOutputs = profile == "small" ? 3 : 0,
        Metrics = new Metrics
        {
            Records = completed,
            Summary = new MetricsSummary
            {
                MacroF1 = new Quartiles { Median = macroF1, Q1 = macroF1 - 0.05, Q3 = macroF1 + 0.02, CiLow = macroF1 - 0.03, CiHigh = macroF1 + 0.01 },
                Mcc = new Quartiles { Median = macroF1 - 0.1 },
                Sensitivity = new Quartiles { Median = 0.8 },
                Specificity = new Quartiles { Median = 0.95 },
                MissingRate = new Quartiles { Median = profile == "small" ? 0.075 : 0 },
            },
        },
    };

    [Fact]
    public void Several_profiles_start_a_matrix_and_open_its_page()
    {
        GivenProfiles(Profile("rules", "rules-v3", isDefault: true), Profile("qwen", "Qwen2.5-7B"), Profile("down", "Llama", "Unhealthy", "GET /v1/models failed (HttpRequestException)"));
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("runs/new?dataset=demo&profiles=rules,qwen,down");

        var cut = Render<NewRun>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=run-profile-engines]").Count), Wait);
        Assert.Equal(["rules", "qwen"], cut.FindAll("[data-testid=run-profile-engines]").Select(e => e.GetAttribute("data-profile")));
        // The profile whose server is down is listed with the reason and cannot be chosen.
        var unavailable = cut.Find("[data-testid=run-profile-unavailable]");
        Assert.Equal("down", unavailable.GetAttribute("data-profile"));
        Assert.Contains("GET /v1/models failed", unavailable.TextContent, StringComparison.Ordinal);

        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Single(Evaluator.StartedMatrices), Wait);
        var request = Evaluator.StartedMatrices[0];
        Assert.Equal(["rules", "qwen"], request.EngineProfiles);
        Assert.Equal("demo", request.DatasetId);
        Assert.Empty(Evaluator.StartedRuns);
        Assert.EndsWith("/matrices/matrix-new", navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void One_profile_starts_a_single_run_as_before()
    {
        GivenProfiles(Profile("rules", "rules-v3", isDefault: true), Profile("qwen", "Qwen2.5-7B"));
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("runs/new?dataset=demo");

        var cut = Render<NewRun>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=run-profile-engines]")), Wait);
        Assert.EndsWith("Start run", cut.Find("[data-testid=run-start]").TextContent.Trim(), StringComparison.Ordinal);
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Single(Evaluator.StartedRuns), Wait);
        Assert.Equal("rules", Evaluator.StartedRuns[0].EngineProfile);
        Assert.Empty(Evaluator.StartedMatrices);
        Assert.EndsWith("/runs/run-new", navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void The_matrix_page_follows_the_runs_then_shows_the_study_table_against_the_chosen_baseline()
    {
        Evaluator.OnListDatasets = () => new ListDatasetsResponse { Datasets = { new DatasetInfo { DatasetId = "demo", Languages = { ["fa"] = 40 } } } };
        var finished = false;
        Evaluator.OnGetMatrix = request => new MatrixInfo
        {
            MatrixId = request.MatrixId,
            DatasetId = "demo",
            Label = "six models",
            Runs =
            {
                MatrixRun("r-1", "rules", "direct", RunState.Completed, 0.95),
                MatrixRun("r-2", "rules", "translate-first", RunState.Completed, 0.90),
                MatrixRun("r-3", "small", "direct", finished ? RunState.Completed : RunState.Running, 0.70, finished ? 40 : 12),
            },
        };
        Evaluator.OnCompareRuns = request => new CompareRunsResponse
        {
            Comparisons =
            {
                request.RunIds.Skip(1).Select(id => new RunComparison
                {
                    BaselineRunId = request.RunIds[0], RunId = id, MedianMacroF1Delta = id == "r-3" ? -0.25 : -0.05, CiLow = -0.3, CiHigh = -0.2, PairedRecords = 40,
                }),
            },
        };

        var cut = Render<Matrix>(p => p.Add(c => c.MatrixId, "m-1").Add(c => c.PollInterval, TimeSpan.FromMilliseconds(50)));

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=matrix-run]").Count), Wait);
        Assert.Equal("running", cut.Find("[data-testid=matrix-run][data-run-id=r-3]").GetAttribute("data-state"));
        Assert.Equal("92", cut.Find("[data-testid=matrix-progress]").GetAttribute("data-completed"));
        Assert.Empty(Evaluator.Comparisons); // nothing to compare while a run goes on

        finished = true;
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=matrix-progress]").GetAttribute("data-finished")), Wait);
        cut.WaitForAssertion(() => Assert.Single(Evaluator.Comparisons), Wait);
        Assert.Equal(["r-1", "r-2", "r-3"], Evaluator.Comparisons[0].RunIds);

        cut.WaitForAssertion(() => Assert.Contains("-0.250", cut.Find("[data-testid=study-row][data-profile=small]").TextContent, StringComparison.Ordinal), Wait);
        var rows = cut.FindAll("[data-testid=study-row]");
        Assert.Equal(3, rows.Count);
        Assert.Equal("true", rows[0].GetAttribute("data-baseline"));
        var small = cut.Find("[data-testid=study-row][data-profile=small]").TextContent;
        Assert.Contains("fa (direct)", small, StringComparison.Ordinal);
        Assert.Contains("0.700 [0.650, 0.720]", small, StringComparison.Ordinal);
        Assert.Contains("0.075", small, StringComparison.Ordinal); // missing rate
        Assert.Contains("en (translate-first)", cut.Find("[data-testid=study-row][data-strategy=translate-first]").TextContent, StringComparison.Ordinal);

        // Polling stops once every run is done.
        var asked = Evaluator.MatrixRequests;
        Thread.Sleep(300);
        Assert.Equal(asked, Evaluator.MatrixRequests);
    }

    [Fact]
    public void The_table_downloads_as_LaTeX_and_Markdown()
    {
        Evaluator.OnGetMatrix = request => new MatrixInfo
        {
            MatrixId = request.MatrixId,
            DatasetId = "demo",
            Runs = { MatrixRun("r-1", "rules", "direct", RunState.Completed, 0.95), MatrixRun("r-3", "small", "direct", RunState.Completed, 0.7) },
        };
        var download = JSInterop.SetupVoid("downloadFile", _ => true);

        var cut = Render<Matrix>(p => p.Add(c => c.MatrixId, "m-1"));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=study-row]").Count), Wait);
        cut.Find("[data-testid=matrix-export-latex]").Click();
        cut.Find("[data-testid=matrix-export-markdown]").Click();

        cut.WaitForAssertion(() => Assert.Equal(2, download.Invocations.Count), Wait);
        var latex = download.Invocations.First().Arguments;
        Assert.Equal("matrix-m-1.tex", latex[0]);
        var tex = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)latex[2]!));
        Assert.Contains("\\begin{tabular}", tex, StringComparison.Ordinal);
        Assert.Contains("small & fa (direct) & 0.700 [0.650, 0.720]", tex, StringComparison.Ordinal);
        var markdown = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)download.Invocations.Last().Arguments[2]!));
        Assert.Contains("| rules | fa (direct) |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_matrix_says_so()
    {
        var cut = Render<Matrix>(p => p.Add(c => c.MatrixId, "nope"));

        cut.WaitForAssertion(() => Assert.Contains("There is no matrix nope", cut.Find("[data-testid=matrix-error]").TextContent, StringComparison.Ordinal), Wait);
    }

    [Fact]
    public void A_record_shows_every_model_answer_with_why_it_stopped()
    {
        var record = new RecordPrediction { RecordId = "r-7", Text = "note", Language = "fa", Labels = { ["pain"] = Label.True } };
        record.ModelCalls.Add(new ModelCall { Role = "translate", RawOutput = "The patient has pain.", FinishReason = "stop", PromptTokens = 120, CompletionTokens = 9, LatencyMs = 80 });
        record.ModelCalls.Add(new ModelCall { Role = "extract", RawOutput = "{\nPain: True,\nFever: Fal", FinishReason = "length", PromptTokens = 810, CompletionTokens = 12, PrefillTokens = 40, LatencyMs = 512 });

        var cut = Render<RecordView>(p => p.Add(c => c.Record, record));

        var calls = cut.FindAll("[data-testid=model-call]");
        Assert.Equal(["translate", "extract"], calls.Select(c => c.GetAttribute("data-role")));
        Assert.Equal("{\nPain: True,\nFever: Fal", calls[1].QuerySelector("[data-testid=model-output]")!.TextContent);
        Assert.Contains("truncated", calls[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("810 prompt + 12 completion tokens (40 prefilled)", calls[1].TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("truncated", calls[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("cut at the token budget", cut.Find("[data-testid=record-model-calls] summary").TextContent, StringComparison.Ordinal);
    }
}
