using ClinicalAspire.Contracts.Common.V1;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Dashboard.Components.Pages;
using ClinicalAspire.Dashboard.Components.Shared;
using ClinicalAspire.Dashboard.Presentation;

namespace ClinicalAspire.Dashboard.Tests;

public class ErrorAnalysisTests : DashboardContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static RunInfo DemoRun() => new()
    {
        RunId = "run-1",
        DatasetId = "demo",
        Strategy = "translate-first",
        State = RunState.Completed,
        Total = 4,
        Completed = 4,
        ExtractorEngine = EngineInfo.Create("rules", "rules-v3", "", "", ""),
        TranslatorEngine = EngineInfo.Create("gloss", "gloss-v1", "", "", ""),
        Metrics = new Metrics
        {
            Records = 4,
            Features = { new FeatureMetrics { Key = "fever", Tp = 1, Fn = 1, Fp = 1, Tn = 1, Support = 4, MacroF1 = 0.5, Mcc = -0.3 } },
            Summary = new MetricsSummary { MacroF1 = new Quartiles { Median = 0.5 } },
        },
    };

    [Fact]
    public void A_confusion_cell_opens_the_features_disagreeing_records_from_the_keyboard_too()
    {
        Evaluator.OnGetRun = _ => DemoRun();
        JSInterop.SetupVoid("scrollToId", _ => true).SetVoidResult();
        var cut = Render<Run>(p => p.Add(c => c.RunId, "run-1"));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=feature-open]")), Wait);

        // A button: Enter and Space reach it as a click.
        cut.Find("[data-testid=feature-open]").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=cm-open-fn]")), Wait);
        cut.Find("[data-testid=cm-open-fn]").Click();

        cut.WaitForAssertion(() =>
        {
            var last = Evaluator.RecordRequests.Last();
            Assert.True(last.OnlyErrors);
            Assert.Equal("fever", last.FeatureKey);
        }, Wait);
        Assert.Contains(JSInterop.Invocations, i => i.Identifier == "scrollToId" && (string?)i.Arguments[0] == "records");
        Assert.Contains(JSInterop.Invocations, i => i.Identifier == "scrollToId" && (string?)i.Arguments[0] == "confusion-matrix");
    }

    [Fact]
    public void A_demo_run_of_the_rule_engine_says_the_rules_were_tuned_on_it()
    {
        Evaluator.OnGetRun = _ => DemoRun();
        var cut = Render<Run>(p => p.Add(c => c.RunId, "run-1"));
        cut.WaitForAssertion(() => Assert.Contains("tuned on this demo set", cut.Find("[data-testid=demo-caveat]").TextContent, StringComparison.Ordinal), Wait);
        // Nothing could go missing: no empty missing-outputs chart.
        Assert.Empty(cut.FindAll("[data-testid=chart-missing]"));
    }

    [Fact]
    public void A_gloss_translation_is_called_what_it_is()
    {
        var record = new RecordPrediction { RecordId = "r-1", Text = "تب دارد", Language = "fa", Translation = "fever has" };

        var gloss = Render<RecordView>(p => p.Add(c => c.Record, record).Add(c => c.TranslatorEngine, "gloss"));
        var model = Render<RecordView>(p => p.Add(c => c.Record, record).Add(c => c.TranslatorEngine, "openai"));

        Assert.Contains("word-for-word gloss, not a fluent translation", gloss.Find("[data-testid=gloss-caveat]").TextContent, StringComparison.Ordinal);
        Assert.Empty(model.FindAll("[data-testid=gloss-caveat]"));
    }

    [Theory]
    [InlineData(new[] { 0.2, 0.9 }, 0.0)]
    [InlineData(new[] { -0.3, 0.9 }, -0.5)]
    [InlineData(new[] { -1.0, 0.5 }, -1.0)]
    public void Value_axes_start_at_zero_unless_the_data_goes_below(double[] values, double lower)
    {
        Assert.Equal(lower, ChartAxes.LowerBound(values));
    }

    [Fact]
    public void Evidence_takes_its_features_colour_and_the_legend_hides_a_feature()
    {
        var record = new RecordPrediction { RecordId = "r-1", Text = "درد دارد و تب دارد", Language = "fa" };
        record.Features.Add(new RecordFeature { Key = "pain", Value = "true", Evidence = { new EvidenceSpan { Start = 0, End = 3, Quote = "درد" } } });
        record.Features.Add(new RecordFeature { Key = "fever", Value = "true", Evidence = { new EvidenceSpan { Start = 10, End = 12, Quote = "تب" } } });

        var cut = Render<RecordView>(p => p.Add(c => c.Record, record));

        var marks = cut.FindAll("[data-testid=record-note] mark");
        Assert.Equal(["ev-12", "ev-8"], marks.Select(m => m.ClassName));
        Assert.Equal(["fever", "pain"], cut.FindAll("[data-testid=evidence-toggle]").Select(t => t.GetAttribute("data-feature")));
        cut.Find("[data-testid=evidence-toggle][data-feature=pain]").Change(false);
        Assert.Equal(["ev-8"], cut.FindAll("[data-testid=record-note] mark").Select(m => m.ClassName));
    }

    [Fact]
    public void Translation_evidence_leaves_the_Persian_note_plain_and_says_so()
    {
        var record = new RecordPrediction { RecordId = "r-2", Text = "تب دارد", Language = "fa", Translation = "has fever" };
        record.Features.Add(new RecordFeature { Key = "fever", Value = "true", Evidence = { new EvidenceSpan { Start = 4, End = 9, Source = "translation", Quote = "fever" } } });

        var cut = Render<RecordView>(p => p.Add(c => c.Record, record));

        Assert.Empty(cut.FindAll("[data-testid=record-note] mark"));
        Assert.Single(cut.FindAll("[data-testid=record-translation] mark"));
        Assert.NotNull(cut.Find("[data-testid=note-unmapped]"));
    }
}
