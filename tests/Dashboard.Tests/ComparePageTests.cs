using System.Globalization;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Dashboard.Components.Pages;
using ClinicalAspire.Dashboard.Presentation;
using Grpc.Core;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicalAspire.Dashboard.Tests;

public class ComparePageTests : DashboardContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static RunInfo CompletedRun(string id, string profile, string strategy, double macroF1, string label = "", string paired = "") => new()
    {
        RunId = id,
        DatasetId = "demo",
        EngineProfile = profile,
        Strategy = strategy,
        Label = label,
        PairedRunId = paired,
        State = RunState.Completed,
        Total = 40,
        Completed = 40,
        TruncatedOutputs = profile == "small" ? 2 : 0,
        Metrics = new Metrics
        {
            Records = 40,
            Summary = new MetricsSummary
            {
                MacroF1 = new Quartiles { Median = macroF1, Q1 = macroF1 - 0.05, Q3 = macroF1 + 0.02, CiLow = macroF1 - 0.03, CiHigh = macroF1 + 0.01 },
                Mcc = new Quartiles { Median = macroF1 - 0.1 },
                Sensitivity = new Quartiles { Median = strategy == "translate-first" ? 0.9 : 0.8 },
                Specificity = new Quartiles { Median = 0.95 },
                MissingRate = new Quartiles { Median = profile == "small" ? 0.075 : 0 },
            },
            Features = { new FeatureMetrics { Key = "pain", MacroF1 = macroF1, Missing = strategy == "direct" ? 3 : 1 } },
        },
    };

    /// <summary>CompareRuns as the Evaluator answers: the runs in the order asked, one comparison per run after the first.</summary>
    private void GivenRuns(params RunInfo[] runs)
    {
        Evaluator.OnCompareRuns = request =>
        {
            var response = new CompareRunsResponse();
            response.Runs.AddRange(request.RunIds.Select(id => runs.Single(r => r.RunId == id)));
            foreach (var other in response.Runs.Skip(1))
            {
                response.Comparisons.Add(new RunComparison
                {
                    BaselineRunId = response.Runs[0].RunId,
                    RunId = other.RunId,
                    MedianMacroF1Delta = other.Metrics.Summary.MacroF1.Median - response.Runs[0].Metrics.Summary.MacroF1.Median,
                    CiLow = -0.2,
                    CiHigh = -0.1,
                    PairedRecords = 40,
                    Deltas = { new FeatureDelta { Key = "pain", MacroF1 = -0.1 } },
                });
            }
            return response;
        };
    }

    [Fact]
    public void A_direct_load_renders_the_table_on_the_server_with_the_linked_baseline_first_and_never_navigates()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        GivenRuns(CompletedRun("r-1", "rules", "direct", 0.95, label: "both", paired: "r-2"), CompletedRun("r-2", "rules", "translate-first", 0.85, label: "both", paired: "r-1"),
            CompletedRun("r-3", "small", "direct", 0.7));
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("compare?runs=r-1,r-2,r-3&baseline=r-3");
        var before = navigation.Uri;

        var cut = Render<Compare>();

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=study-row]").Count), Wait);
        Assert.Equal(before, navigation.Uri);
        Assert.Equal(["r-3", "r-1", "r-2"], Evaluator.Comparisons.Single().RunIds);
        var rows = cut.FindAll("[data-testid=study-row]");
        Assert.Equal("true", rows[0].GetAttribute("data-baseline"));
        // The two runs of one "both" start carry one label; their names still differ.
        var names = rows.Select(r => r.QuerySelector("th")!.TextContent).ToList();
        Assert.Equal(3, names.Distinct().Count());
        Assert.Contains("both · r-1", names);
        Assert.Contains("0.950 [0.900, 0.970] (CI 0.920–0.960)", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("baseline", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("0.075", rows[0].TextContent, StringComparison.Ordinal); // missing rate
        Assert.Equal(2, cut.FindAll("[data-testid=comparison]").Count);
        Assert.Contains("without confidence intervals", cut.Find("[data-testid=delta-ci-note]").TextContent, StringComparison.Ordinal);
        // The bilingual pair's card says what this pair shows, not a fixed sentence.
        var summary = cut.Find("[data-testid=bilingual-summary]").TextContent;
        Assert.Contains("raised median sensitivity (0.800 → 0.900)", summary, StringComparison.Ordinal);
        Assert.Contains("missing outputs went from 3 to 1", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void The_table_downloads_as_CSV_Markdown_and_LaTeX_with_one_row_per_run()
    {
        GivenRuns(CompletedRun("r-1", "rules", "direct", 0.95), CompletedRun("r-2", "small", "direct", 0.7, label: "small_100%"));
        var download = JSInterop.SetupVoid("downloadFile", _ => true);

        Services.GetRequiredService<NavigationManager>().NavigateTo("compare?runs=r-1,r-2");
        var cut = Render<Compare>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=study-row]").Count), Wait);
        cut.Find("[data-testid=compare-export-csv]").Click();
        cut.Find("[data-testid=compare-export-markdown]").Click();
        cut.Find("[data-testid=compare-export-latex]").Click();

        cut.WaitForAssertion(() => Assert.Equal(3, download.Invocations.Count), Wait);
        string Text(int i) => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)download.Invocations.ElementAt(i).Arguments[2]!));
        Assert.Equal("compare-demo.csv", download.Invocations.First().Arguments[0]);
        var csv = Text(0).TrimEnd('\n').Split('\n');
        Assert.Equal(3, csv.Length);
        var header = csv[0].Split(',');
        var small = csv[2].Split(',');
        Assert.Equal("r-2", small[Array.IndexOf(header, "run_id")]);
        Assert.Equal("small_100%", small[Array.IndexOf(header, "label")]);
        Assert.Equal(-0.25, double.Parse(small[Array.IndexOf(header, "delta_macro_f1")], CultureInfo.InvariantCulture), 6);
        Assert.Contains("| small_100% · r-2 | small | fa (direct) |", Text(1), StringComparison.Ordinal);
        Assert.Contains("small\\_100\\% $\\cdot$ r-2 & small & fa (direct)", Text(2), StringComparison.Ordinal);
    }

    [Fact]
    public void An_outage_shows_one_calm_message_then_the_table_once_the_Evaluator_answers()
    {
        var runs = new[] { CompletedRun("r-1", "rules", "direct", 0.95), CompletedRun("r-2", "small", "direct", 0.7) };
        GivenRuns(runs);
        var answer = Evaluator.OnCompareRuns;
        var down = true;
        Evaluator.OnCompareRuns = request => down
            ? throw new RpcException(new Status(StatusCode.Unavailable, "Error starting gRPC call. HttpRequestException: Connection refused (evaluator:8081)"))
            : answer(request);

        Services.GetRequiredService<NavigationManager>().NavigateTo("compare?runs=r-1,r-2");
        var cut = Render<Compare>(p => p.Add(c => c.RetryInterval, TimeSpan.FromMilliseconds(50)));

        cut.WaitForAssertion(() => Assert.Contains("cannot be reached", cut.Find("[data-testid=outage]").TextContent, StringComparison.Ordinal), Wait);
        Assert.DoesNotContain("HttpRequestException", cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("Unavailable", cut.Markup, StringComparison.Ordinal);
        down = false;
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=study-row]").Count), Wait);
        Assert.Empty(cut.FindAll("[data-testid=outage]"));
    }

    [Fact]
    public void The_compare_button_moves_to_the_link_of_the_picked_runs()
    {
        Evaluator.OnListRuns = _ => new ListRunsResponse { Runs = { CompletedRun("r-1", "rules", "direct", 0.9), CompletedRun("r-2", "rules", "direct", 0.8) } };
        GivenRuns(CompletedRun("r-1", "rules", "direct", 0.9), CompletedRun("r-2", "rules", "direct", 0.8));
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("compare?runs=r-1,r-2");

        var cut = Render<Compare>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=study-row]").Count), Wait);
        cut.Find("[data-testid=compare-go]").Click();

        // The link names its baseline, so a shared link keeps it.
        Assert.EndsWith("compare?runs=r-1,r-2&baseline=r-1", navigation.Uri, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a,b,a, c", "c", new[] { "c", "a", "b" })]
    [InlineData("a,b", "zzz", new[] { "a", "b" })]
    [InlineData("a", null, new[] { "a" })]
    public void A_link_names_its_runs_once_with_the_baseline_first(string runs, string? baseline, string[] ordered)
    {
        Assert.Equal(ordered, CompareSelection.Parse(runs, baseline).Ordered);
    }

    [Fact]
    public void A_link_is_capped_at_what_CompareRuns_accepts()
    {
        var ids = string.Join(",", Enumerable.Range(1, 20).Select(i => $"r{i}"));
        Assert.Equal(CompareSelection.MaxRuns, CompareSelection.Parse(ids, null).RunIds.Count);
    }

    [Fact]
    public void Transport_failures_read_without_the_client_exception_text()
    {
        var text = RpcErrors.Describe(new RpcException(new Status(StatusCode.Unavailable, "HttpRequestException: Connection refused")), "list the runs");

        Assert.Equal("Could not list the runs: the Evaluator service cannot be reached at the moment.", text);
        Assert.Contains("(dataset_id is required)", RpcErrors.Describe(new RpcException(new Status(StatusCode.InvalidArgument, "dataset_id is required")), "start"), StringComparison.Ordinal);
    }
}
