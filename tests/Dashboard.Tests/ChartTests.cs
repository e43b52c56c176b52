using System.Globalization;
using ClinicalAspire.Contracts.Common.V1;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Dashboard.Components.Pages;
using ClinicalAspire.Dashboard.Components.Shared;
using ClinicalAspire.Dashboard.Presentation;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicalAspire.Dashboard.Tests;

/// <summary>The charts of the Run and Compare pages: full names, labelled points, axes, CI whiskers, downloads.</summary>
public class ChartTests : DashboardContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static readonly string[] StudyFeatures =
        ["visit_request", "psychological", "sleep", "appetite_loss", "seizure", "fatigue", "consciousness", "fever", "respiratory", "cost", "urinary", "pain", "gastrointestinal"];

    /// <summary>A finished run of the 13 features; <paramref name="at"/> gives each feature's (sensitivity, specificity).</summary>
    private static RunInfo Run(string engine = "rules", Func<int, (double Sensitivity, double Specificity)>? at = null, Func<int, double>? mcc = null, Func<int, int>? missing = null)
    {
        var metrics = new Metrics
        {
            Records = 100,
            Summary = new MetricsSummary
            {
                MacroF1 = new Quartiles { Median = 0.9, Q1 = 0.85, Q3 = 0.95, CiLow = 0.86, CiHigh = 0.93 },
                Mcc = new Quartiles { Median = 0.8, Q1 = 0.7, Q3 = 0.9, CiLow = 0.74, CiHigh = 0.85 },
            },
        };
        for (var i = 0; i < StudyFeatures.Length; i++)
        {
            var (sensitivity, specificity) = at?.Invoke(i) ?? (1, 1);
            metrics.Features.Add(new FeatureMetrics
            {
                Key = StudyFeatures[i], Tp = 5, Tn = 95, Support = 100, Sensitivity = sensitivity, Specificity = specificity,
                MacroF1 = 0.8 + i * 0.01, Mcc = mcc?.Invoke(i) ?? 0.6 + i * 0.02, Missing = missing?.Invoke(i) ?? 0,
            });
        }
        return new RunInfo
        {
            RunId = "run-1", DatasetId = "study", Strategy = "direct", State = RunState.Completed, Total = 100, Completed = 100,
            ExtractorEngine = EngineInfo.Create(engine, engine == "rules" ? "rules-v3" : "qwen", "", "", ""),
            Metrics = metrics,
        };
    }

    private IRenderedComponent<Run> RenderRun(RunInfo run)
    {
        Evaluator.OnGetRun = _ => run;
        var cut = Render<Run>(p => p.Add(c => c.RunId, run.RunId));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=chart-f1-mcc] svg")), Wait);
        return cut;
    }

    [Fact]
    public void The_per_feature_chart_names_every_feature_in_full_and_whiskers_the_medians_CI()
    {
        var cut = RenderRun(Run());

        var chart = cut.Find("[data-testid=chart-f1-mcc] svg");
        var names = chart.QuerySelectorAll("[data-testid=chart-category]").Select(e => e.TextContent).ToList();
        Assert.Equal(14, names.Count);
        Assert.Contains("Consciousness", names);
        Assert.Contains("Weakness / fatigue", names);
        Assert.Equal(FeatureBarChart.MedianName, names[^1]);
        Assert.Equal(26, chart.QuerySelectorAll("[data-testid=chart-group]:not([data-feature=median]) [data-testid=chart-bar]").Length);
        // MCC is positive here: the axis spans 0..1, not -1..1.
        Assert.Equal("0", chart.GetAttribute("data-axis-min"));
        Assert.Equal("1", chart.GetAttribute("data-axis-max"));
        var whiskers = chart.QuerySelectorAll("[data-testid=chart-ci]");
        Assert.Equal(["0.86", "0.74"], whiskers.Select(w => w.GetAttribute("data-low")));
        Assert.Equal(["0.93", "0.85"], whiskers.Select(w => w.GetAttribute("data-high")));
        Assert.Equal(["Macro-F1", "MCC"], chart.QuerySelectorAll("[data-testid=chart-legend]").Select(e => e.TextContent));
        // Named for a screen reader, described in words.
        Assert.Equal("img", chart.GetAttribute("role"));
        Assert.Contains("Macro-F1 and MCC per feature", chart.QuerySelector("title")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_finished_runs_features_carry_their_own_CI_whiskers()
    {
        var run = Run();
        foreach (var feature in run.Metrics.Features)
        {
            feature.MacroF1Ci = new Interval { Low = feature.MacroF1 - 0.05, High = Math.Min(1, feature.MacroF1 + 0.04) };
            feature.MccCi = new Interval { Low = feature.Mcc - 0.1, High = Math.Min(1, feature.Mcc + 0.08) };
        }
        var cut = RenderRun(run);

        var chart = cut.Find("[data-testid=chart-f1-mcc] svg");
        var pain = chart.QuerySelectorAll("[data-testid=chart-group][data-feature=pain] [data-testid=chart-ci]");
        Assert.Equal(2, pain.Length);
        var painMetrics = run.Metrics.Features.Single(f => f.Key == "pain");
        Assert.Equal((painMetrics.MacroF1 - 0.05).ToString("0.####", System.Globalization.CultureInfo.InvariantCulture), pain[0].GetAttribute("data-low"));
        // 13 features x 2 series, and the two medians.
        Assert.Equal(28, chart.QuerySelectorAll("[data-testid=chart-ci]").Length);
        Assert.Contains("Each whisker is the 95% bootstrap confidence interval", chart.OuterHtml, StringComparison.Ordinal);
    }

    [Fact]
    public void The_MCC_axis_starts_where_the_data_does()
    {
        var cut = RenderRun(Run(mcc: i => i == 4 ? -0.3 : 0.5));

        Assert.Equal("-0.5", cut.Find("[data-testid=chart-f1-mcc] svg").GetAttribute("data-axis-min"));
    }

    [Fact]
    public void Thirteen_features_on_one_spot_each_keep_a_readable_label()
    {
        var cut = RenderRun(Run(at: _ => (1, 1)));

        var labels = cut.FindAll("[data-testid=chart-sens-spec] [data-testid=scatter-label]");
        Assert.Equal(13, labels.Count);
        Assert.Equal(StudyFeatures.Select(Features.Name).Order(), labels.Select(l => l.TextContent).Order());
        var boxes = labels.Select(l => ParseBox(l.GetAttribute("data-box")!)).ToList();
        AssertNoOverlap(boxes);
        // Inside the chart's picture.
        Assert.All(boxes, b => Assert.True(b.X >= 0 && b.Y >= 0 && b.Right <= 560 && b.Bottom <= 470, b.ToString()));
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(1.0, 0.0)]
    [InlineData(0.5, 0.5)]
    [InlineData(0.0, 1.0)]
    public void Labels_never_overlap_a_label_or_a_point_wherever_the_points_crowd(double x, double y)
    {
        var bounds = new Box(58, 2, 500, 410);
        var scaleX = new LinearScale(0, 1, 56, 546);
        var scaleY = new LinearScale(0, 1, 414, 14);
        // A crowd on one spot, a few close by, and some spread out.
        var points = StudyFeatures.Select((key, i) => new LabelRequest(
            scaleX.Map(i < 8 ? x : i < 11 ? x + (i - 8) * 0.01 : 0.3 + (i - 11) * 0.3),
            scaleY.Map(i < 8 ? y : i < 11 ? y - (i - 8) * 0.01 : 0.5 - (i - 11) * 0.3),
            Features.Name(key))).ToList();

        var placed = ChartLabels.Place(points, bounds, markerRadius: 4);

        Assert.Equal(points.Count, placed.Count);
        AssertNoOverlap(placed.Select(p => p.Box).ToList());
        Assert.All(placed, p => Assert.True(p.Box.Within(bounds), p.ToString()));
        var markers = points.Select(p => new Box(p.X - 5, p.Y - 5, 10, 10)).ToList();
        Assert.All(placed, p => Assert.DoesNotContain(markers, m => m.Overlaps(p.Box)));
        // A lone point keeps its name right beside it, with no leader line.
        var lone = placed.Single(p => p.Text == Features.Name("gastrointestinal"));
        Assert.False(lone.Leader);
    }

    [Fact]
    public void The_missing_outputs_chart_shows_only_where_something_can_go_missing()
    {
        var rules = RenderRun(Run());
        Assert.Empty(rules.FindAll("[data-testid=chart-missing]"));
        Assert.Empty(rules.FindAll("[data-testid=missing-none]"));

        var model = RenderRun(Run(engine: "onnx"));
        Assert.Empty(model.FindAll("[data-testid=chart-missing]"));
        Assert.Contains("No output went missing", model.Find("[data-testid=missing-none]").TextContent, StringComparison.Ordinal);

        var missing = RenderRun(Run(engine: "onnx", missing: i => i == 2 ? 7 : 0));
        var bars = missing.FindAll("[data-testid=chart-missing] [data-testid=chart-bar]");
        Assert.Equal(13, bars.Count);
        Assert.Equal("7", bars.Single(b => b.GetAttribute("data-feature") == "sleep").GetAttribute("data-value"));
        Assert.Equal("10", missing.Find("[data-testid=chart-missing] svg").GetAttribute("data-axis-max"));
    }

    [Fact]
    public void Every_chart_offers_its_SVG_and_PNG_download_by_the_charts_id()
    {
        var cut = RenderRun(Run(engine: "onnx", missing: i => i));

        foreach (var figure in new[] { "chart-f1-mcc", "chart-sens-spec", "chart-missing" })
        {
            var svg = cut.Find($"[data-testid={figure}] svg");
            var buttons = cut.FindAll($"[data-testid={figure}] [data-chart-export]");
            Assert.Equal(["svg", "png"], buttons.Select(b => b.GetAttribute("data-chart-export")));
            Assert.All(buttons, b => Assert.Equal(svg.Id, b.GetAttribute("data-chart")));
            Assert.All(buttons, b => Assert.StartsWith("run-1-", b.GetAttribute("data-file"), StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_bar_or_a_point_opens_its_features_confusion_matrix()
    {
        JSInterop.SetupVoid("scrollToId", _ => true).SetVoidResult();
        var cut = RenderRun(Run());

        cut.Find("[data-testid=chart-f1-mcc] [data-testid=chart-group][data-feature=seizure]").Click();
        cut.WaitForAssertion(() => Assert.Equal("seizure", cut.Find("[data-testid=confusion-matrix]").GetAttribute("data-feature")), Wait);
        cut.Find("[data-testid=chart-sens-spec] [data-testid=scatter-point][data-feature=fever]").Click();
        cut.WaitForAssertion(() => Assert.Equal("fever", cut.Find("[data-testid=confusion-matrix]").GetAttribute("data-feature")), Wait);
    }

    [Fact]
    public void Compare_draws_one_bar_per_run_and_each_runs_median_with_its_CI()
    {
        var runs = Enumerable.Range(1, 6).Select(i =>
        {
            var run = Run();
            run.RunId = $"r-{i}";
            run.Label = $"run {i}";
            run.Metrics.Summary.MacroF1 = new Quartiles { Median = 0.8 + i * 0.02, CiLow = 0.75 + i * 0.02, CiHigh = 0.85 + i * 0.02 };
            return run;
        }).ToList();
        Evaluator.OnCompareRuns = request => new CompareRunsResponse { Runs = { request.RunIds.Select(id => runs.Single(r => r.RunId == id)) } };
        Services.GetRequiredService<NavigationManager>().NavigateTo("compare?runs=r-1,r-2,r-3,r-4,r-5,r-6");

        var cut = Render<Compare>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=compare-chart] svg")), Wait);
        var chart = cut.Find("[data-testid=compare-chart] svg");
        Assert.Equal(6, chart.QuerySelectorAll("[data-testid=chart-legend]").Length);
        Assert.Equal(13 * 6, chart.QuerySelectorAll("[data-testid=chart-group]:not([data-feature=median]) [data-testid=chart-bar]").Length);
        var whiskers = chart.QuerySelectorAll("[data-testid=chart-ci]");
        Assert.Equal(6, whiskers.Length);
        Assert.Equal("0.97", whiskers[5].GetAttribute("data-high"));
        Assert.Equal("0", chart.GetAttribute("data-axis-min"));
    }

    private static Box ParseBox(string text)
    {
        var parts = text.Split(' ').Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return new Box(parts[0], parts[1], parts[2], parts[3]);
    }

    private static void AssertNoOverlap(IReadOnlyList<Box> boxes)
    {
        for (var i = 0; i < boxes.Count; i++)
        {
            for (var j = i + 1; j < boxes.Count; j++)
            {
                Assert.False(boxes[i].Overlaps(boxes[j]), $"{boxes[i]} overlaps {boxes[j]}");
            }
        }
    }
}
