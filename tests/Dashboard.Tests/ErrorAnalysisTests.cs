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
    public void A_confusion_cell_opens_its_outcomes_records_from_the_keyboard_too_through_the_outcome_filter()
    {
        Evaluator.OnGetRun = _ => DemoRun();
        JSInterop.SetupVoid("scrollToId", _ => true).SetVoidResult();
        var cut = Render<Run>(p => p.Add(c => c.RunId, "run-1"));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=feature-open]")), Wait);
        // No feature picked: the outcome buttons wait for one.
        Assert.All(cut.FindAll("[data-testid=outcome-filter] button"), b => Assert.True(b.HasAttribute("disabled")));

        // A button: Enter and Space reach it as a click.
        cut.Find("[data-testid=feature-open]").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=cm-open-fn]")), Wait);
        // Every cell with records opens them.
        Assert.Equal(4, cut.FindAll("[data-testid=confusion-matrix] button.cm-open").Count);
        cut.Find("[data-testid=cm-open-fn]").Click();

        cut.WaitForAssertion(() =>
        {
            var last = Evaluator.RecordRequests.Last();
            Assert.False(last.OnlyErrors);
            Assert.Equal("fever", last.FeatureKey);
            Assert.Equal([Outcome.FalseNegative], last.Outcomes);
            // The same filter as the buttons above the records: FN pressed, with the matrix's counts.
            Assert.Equal("true", cut.Find("[data-testid=outcome-fn]").GetAttribute("aria-pressed"));
            Assert.Equal("false", cut.Find("[data-testid=outcome-fp]").GetAttribute("aria-pressed"));
            Assert.Equal("FN 1", cut.Find("[data-testid=outcome-fn]").TextContent.Trim());
        }, Wait);
        Assert.Contains(JSInterop.Invocations, i => i.Identifier == "scrollToId" && (string?)i.Arguments[0] == "records");
        Assert.Contains(JSInterop.Invocations, i => i.Identifier == "scrollToId" && (string?)i.Arguments[0] == "confusion-matrix");
    }

    [Fact]
    public void Outcome_buttons_toggle_with_aria_pressed_and_combine_with_the_disagreement_filter_and_the_search()
    {
        Evaluator.OnGetRun = _ => DemoRun();
        Evaluator.OnListRunRecords = request => new ListRunRecordsResponse { Total = request.Outcomes.Count };
        JSInterop.SetupVoid("scrollToId", _ => true).SetVoidResult();
        var cut = Render<Run>(p => p.Add(c => c.RunId, "run-1").Add(c => c.SearchDebounce, TimeSpan.Zero));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=feature-open]")), Wait);
        cut.Find("[data-testid=feature-open]").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=cm-open-fp]")), Wait);
        cut.Find("[data-testid=cm-open-fp]").Click();
        cut.WaitForAssertion(() => Assert.Equal([Outcome.FalsePositive], Evaluator.RecordRequests.Last().Outcomes), Wait);

        // TP on as well, then FP off: the request follows the pressed buttons.
        cut.Find("[data-testid=outcome-tp]").Click();
        cut.WaitForAssertion(() => Assert.Equal([Outcome.FalsePositive, Outcome.TruePositive], Evaluator.RecordRequests.Last().Outcomes), Wait);
        Assert.Equal("true", cut.Find("[data-testid=outcome-tp]").GetAttribute("aria-pressed"));
        cut.Find("[data-testid=outcome-fp]").Click();
        cut.WaitForAssertion(() => Assert.Equal([Outcome.TruePositive], Evaluator.RecordRequests.Last().Outcomes), Wait);
        Assert.Equal("false", cut.Find("[data-testid=outcome-fp]").GetAttribute("aria-pressed"));
        Assert.Equal("group", cut.Find("[data-testid=outcome-filter]").GetAttribute("role"));
        Assert.Contains("Fever is one of the true positives", cut.Find("[data-testid=records-filter-summary]").TextContent, StringComparison.Ordinal);

        // The search joins the filters; the words typed are not repeated on the page.
        cut.Find("[data-testid=records-search]").Input("بيمار");
        cut.WaitForAssertion(() =>
        {
            var last = Evaluator.RecordRequests.Last();
            Assert.Equal(("بيمار", "fever", Outcome.TruePositive), (last.Query, last.FeatureKey, Assert.Single(last.Outcomes)));
        }, Wait);
        Assert.Contains("the id or the note contains the search", cut.Find("[data-testid=records-filter-summary]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("بيمار", cut.Find("[data-testid=records-filter-summary]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_search_waits_for_the_typing_to_pause_and_asks_once()
    {
        Evaluator.OnGetRun = _ => DemoRun();
        var cut = Render<Run>(p => p.Add(c => c.RunId, "run-1").Add(c => c.SearchDebounce, TimeSpan.FromMilliseconds(300)));
        cut.WaitForAssertion(() => Assert.NotEmpty(Evaluator.RecordRequests), Wait);

        var search = cut.Find("[data-testid=records-search]");
        search.Input("de");
        search.Input("demo-00");
        cut.WaitForAssertion(() => Assert.Equal("demo-00", Evaluator.RecordRequests.Last().Query), Wait);
        Thread.Sleep(400);
        lock (Evaluator.RecordRequests)
        {
            Assert.DoesNotContain(Evaluator.RecordRequests, r => r.Query == "de");
            var searched = Assert.Single(Evaluator.RecordRequests, r => r.Query == "demo-00");
            Assert.Equal(0, searched.Offset);
        }
        Assert.Equal("200", search.GetAttribute("maxlength"));
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

    private static RecordPrediction DeniedFever()
    {
        // "the patient has no fever, his brother had a cough": fever negated by ندارد; pain present.
        var record = new RecordPrediction { RecordId = "r-3", Text = "بیمار تب ندارد و درد دارد", Language = "fa", Labels = { ["fever"] = Label.True, ["pain"] = Label.True } };
        record.Features.Add(new RecordFeature
        {
            Key = "fever", Value = "false",
            Discounted = { new EvidenceSpan { Start = 6, End = 8, Quote = "تب", Status = "negated", Cue = new EvidenceSpan { Start = 9, End = 14, Quote = "ندارد" } } },
        });
        record.Features.Add(new RecordFeature { Key = "pain", Value = "true", Evidence = { new EvidenceSpan { Start = 17, End = 20, Quote = "درد" } } });
        return record;
    }

    [Fact]
    public void A_discounted_mention_is_struck_in_the_note_with_its_reason_and_cue_and_the_legend_explains_and_hides_it()
    {
        var cut = Render<RecordView>(p => p.Add(c => c.Record, DeniedFever()));

        var struck = cut.Find("[data-testid=record-note] s[data-testid=discounted-mark]");
        Assert.Equal(("تب", "discounted"), (struck.TextContent, struck.ClassName));
        Assert.Contains("Fever: negated by “ندارد”", struck.GetAttribute("title"), StringComparison.Ordinal);
        Assert.Equal("negated", cut.Find("[data-testid=record-note] [data-testid=discounted-reason]").TextContent);
        Assert.Equal("ندارد", cut.Find("[data-testid=record-note] [data-testid=cue-mark]").TextContent);
        // Positive evidence keeps its colour; the struck mention has none of the evidence colours.
        Assert.Equal("ev-12", cut.Find("[data-testid=record-note] mark").ClassName);
        Assert.DoesNotContain("ev-", struck.ClassName, StringComparison.Ordinal);
        // Why fever is "no" (and disagrees), in the feature table.
        Assert.Equal("(negated by “ندارد”)", cut.Find("[data-testid=record-feature][data-feature=fever] [data-testid=feature-cue]").TextContent.Trim());
        Assert.Empty(cut.FindAll("[data-testid=record-feature][data-feature=pain] [data-testid=feature-cue]"));

        Assert.Contains("a mention that did not count", cut.Find("[data-testid=discounted-legend]").TextContent, StringComparison.Ordinal);
        cut.Find("[data-testid=discounted-toggle]").Change(false);
        Assert.Empty(cut.FindAll("[data-testid=record-note] [data-testid=discounted-mark]"));
        Assert.Empty(cut.FindAll("[data-testid=record-note] [data-testid=cue-mark]"));
        Assert.Single(cut.FindAll("[data-testid=record-note] mark"));
        // Hiding the feature hides its discounted mentions too.
        cut.Find("[data-testid=discounted-toggle]").Change(true);
        cut.Find("[data-testid=evidence-toggle][data-feature=fever]").Change(false);
        Assert.Empty(cut.FindAll("[data-testid=record-note] [data-testid=discounted-mark]"));
    }

    [Theory]
    [InlineData("negated", "negated")]
    [InlineData("resolved", "resolved")]
    [InlineData("historical", "in the past")]
    [InlineData("hypothetical", "hypothetical")]
    [InlineData("other_experiencer", "someone else")]
    [InlineData("family_only", "family only")]
    public void Each_reason_a_mention_did_not_count_is_said_in_words(string status, string words)
    {
        var record = DeniedFever();
        record.Features[0].Discounted[0].Status = status;
        record.Features[0].Discounted[0].Cue = null;

        var cut = Render<RecordView>(p => p.Add(c => c.Record, record));

        Assert.Equal(words, cut.Find("[data-testid=discounted-reason]").TextContent);
        Assert.Equal($"({words})", cut.Find("[data-testid=feature-cue]").TextContent.Trim());
        Assert.Empty(cut.FindAll("[data-testid=cue-mark]"));
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
