using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Dashboard.Components.Shared;

namespace ClinicalAspire.Dashboard.Tests;

public class ComponentTests : DashboardContext
{
    [Fact]
    public void Validation_errors_are_listed_per_line_with_a_summary()
    {
        var cut = Render<ValidationErrorList>(p => p.Add(c => c.Errors,
        [
            new ValidationError { Line = 3, RecordId = "r-3", Message = "label \"pain\" must be true, false or null" },
            new ValidationError { Line = 0, Message = "the file is empty after line 7" },
            new ValidationError { Line = 3, RecordId = "r-3", Message = "text is empty" },
            new ValidationError { Line = 9, Message = "not valid JSON" },
        ]));

        var rows = cut.FindAll("[data-testid=validation-error]");
        Assert.Equal(["0", "3", "3", "9"], rows.Select(r => r.GetAttribute("data-line")));
        Assert.Equal("file", rows[0].QuerySelector("td")!.TextContent);
        Assert.Contains("label \"pain\" must be true, false or null", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("4 problems on 2 lines", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("not stored", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_error_list_is_cut_with_a_count()
    {
        var errors = Enumerable.Range(1, ValidationErrorList.MaxShown + 5).Select(i => new ValidationError { Line = i, Message = "bad" }).ToList();

        var cut = Render<ValidationErrorList>(p => p.Add(c => c.Errors, errors));

        Assert.Equal(ValidationErrorList.MaxShown, cut.FindAll("[data-testid=validation-error]").Count);
        Assert.Contains("and 5 more", cut.Find("[data-testid=validation-errors-more]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void No_errors_render_nothing()
    {
        var cut = Render<ValidationErrorList>(p => p.Add(c => c.Errors, []));

        Assert.Empty(cut.FindAll("[data-testid=validation-errors]"));
    }

    [Fact]
    public void The_summary_table_shows_median_quartiles_and_ci_per_metric()
    {
        var summary = new MetricsSummary
        {
            MacroF1 = new Quartiles { Median = 0.899, Q1 = 0.85, Q3 = 0.92, CiLow = 0.87, CiHigh = 0.91 },
            Mcc = new Quartiles { Median = 0.797, Q1 = 0.7, Q3 = 0.85, CiLow = 0.75, CiHigh = 0.83 },
            Sensitivity = new Quartiles { Median = 0.818, Q1 = 0.75, Q3 = 0.9 },
            Specificity = new Quartiles { Median = 0.987, Q1 = 0.97, Q3 = 0.995, CiLow = 0.98, CiHigh = 0.99 },
            BootstrapResamples = 1000,
            BootstrapSeed = 42,
        };

        var cut = Render<SummaryTable>(p => p.Add(c => c.Summary, summary));

        var rows = cut.FindAll("[data-testid=summary-row]");
        Assert.Equal(["Macro-F1", "MCC", "Sensitivity", "Specificity"], rows.Select(r => r.GetAttribute("data-metric")));
        var cells = rows[0].QuerySelectorAll("td").Select(td => td.TextContent).ToList();
        Assert.Equal(["Macro-F1", "0.899 [0.850, 0.920]", "0.870 – 0.910"], cells);
        Assert.Equal("—", rows[2].QuerySelectorAll("td")[2].TextContent);
        Assert.Contains("1000 bootstrap resamples", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_shows_its_Persian_note_right_to_left_with_evidence_marked_and_labels_beside_predictions()
    {
        const string note = "بیمار تب دارد و درد ندارد.";
        const string translation = "The patient has a fever and no pain.";
        var record = new RecordPrediction
        {
            RecordId = "r-1",
            Text = note,
            Language = "fa",
            Translation = translation,
            Labels = { ["fever"] = Label.True, ["pain"] = Label.True, ["sleep"] = Label.False },
            Features =
            {
                new RecordFeature { Key = "fever", Value = "true", Evidence = { new EvidenceSpan { Start = 6, End = 8, Quote = "تب", Source = "text" }, new EvidenceSpan { Start = 18, End = 23, Quote = "fever", Source = "translation" } } },
                new RecordFeature { Key = "pain", Value = "false" },
                new RecordFeature { Key = "sleep", Value = "missing" },
            },
        };

        var cut = Render<RecordView>(p => p.Add(c => c.Record, record));

        var noteView = cut.Find("[data-testid=record-note]");
        Assert.Equal("rtl", noteView.GetAttribute("dir"));
        Assert.Contains("fa-text", noteView.ClassList);
        Assert.Equal("تب", Assert.Single(noteView.QuerySelectorAll("mark")).TextContent);
        Assert.Equal(note, noteView.TextContent);
        var translationView = cut.Find("[data-testid=record-translation]");
        Assert.Equal("ltr", translationView.GetAttribute("dir"));
        Assert.Equal("fever", Assert.Single(translationView.QuerySelectorAll("mark")).TextContent);

        var features = cut.FindAll("[data-testid=record-feature]");
        Assert.Equal(["sleep", "fever", "pain"], features.Select(f => f.GetAttribute("data-feature")));
        Assert.Equal(["false", "false", "true"], features.Select(f => f.GetAttribute("data-error")));
    }
}
