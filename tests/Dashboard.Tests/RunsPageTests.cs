using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Dashboard.Components.Pages;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicalAspire.Dashboard.Tests;

public class RunsPageTests : DashboardContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public void All_runs_are_listed_and_the_search_in_the_link_narrows_them()
    {
        Evaluator.OnListRuns = request =>
        {
            Assert.Equal(Runs.MaxRuns, request.Limit);
            return new ListRunsResponse
            {
                Runs =
                {
                    Enumerable.Range(1, 25).Select(i => new RunInfo { RunId = $"run-{i}", DatasetId = i % 5 == 0 ? "study" : "demo", Strategy = "direct", State = RunState.Completed }),
                },
            };
        };
        Services.GetRequiredService<NavigationManager>().NavigateTo("runs?q=STUDY");

        var cut = Render<Runs>();

        cut.WaitForAssertion(() => Assert.StartsWith("5 of 25 runs", cut.Find("[data-testid=runs-count]").TextContent.Trim(), StringComparison.Ordinal), Wait);
        Assert.Equal(5, cut.FindAll("[data-testid=run-row]").Count);
        Assert.Equal(5, cut.FindAll("[data-testid=delete-run]").Count);
    }
}
