using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Contracts.Extractor.V1;
using ClinicalAspire.Dashboard.Components.Pages;

namespace ClinicalAspire.Dashboard.Tests;

public class PrerenderTests : DashboardContext
{
    [Fact]
    public void Prerendering_a_run_shows_its_state_without_opening_a_stream_or_reading_records()
    {
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Static", isInteractive: false));
        Evaluator.OnGetRun = request => new RunInfo { RunId = request.RunId, State = RunState.Running, Total = 10, Completed = 3 };

        var cut = Render<Run>(p => p.Add(c => c.RunId, "run-1"));

        Assert.Equal("30", cut.Find("[data-testid=run-progress]").GetAttribute("data-percent"));
        Assert.Empty(Evaluator.RecordRequests);
    }

    [Fact]
    public void Try_it_marks_only_positive_features_in_the_text_they_point_at()
    {
        var response = new ExtractResponse
        {
            Features =
            {
                new FeatureResult { Key = "pain", Value = FeatureValue.True, Evidence = { new Evidence { Start = 0, End = 3, Source = "text" }, new Evidence { Start = 4, End = 8, Source = "translation" } } },
                new FeatureResult { Key = "fever", Value = FeatureValue.False, Evidence = { new Evidence { Start = 5, End = 7, Source = "text" } } },
                new FeatureResult { Key = "sleep", Value = FeatureValue.True, Evidence = { new Evidence { Start = 9, End = 12 } } },
            },
        };

        Assert.Equal([new(0, 3, "Pain"), new(9, 12, "Sleep")], TryIt.Spans(response, "text"));
        Assert.Equal([new Presentation.HighlightSpan(4, 8, "Pain")], TryIt.Spans(response, "translation"));
    }
}
