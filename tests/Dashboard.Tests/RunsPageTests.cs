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

    [Fact]
    public void A_tag_link_narrows_the_list_to_its_runs_and_the_search_finds_tags()
    {
        Evaluator.OnListRuns = _ => new ListRunsResponse
        {
            Runs =
            {
                new RunInfo { RunId = "run-a", DatasetId = "demo", State = RunState.Completed, Tags = { "paper-v1", "baseline" } },
                new RunInfo { RunId = "run-b", DatasetId = "demo", State = RunState.Completed, Tags = { "paper-v1" } },
                new RunInfo { RunId = "run-c", DatasetId = "demo", State = RunState.Completed },
            },
        };
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("runs?tag=Paper-V1");

        var cut = Render<Runs>();

        cut.WaitForAssertion(() => Assert.StartsWith("2 of 3 runs", cut.Find("[data-testid=runs-count]").TextContent.Trim(), StringComparison.Ordinal), Wait);
        Assert.Contains("paper-v1", cut.Find("[data-testid=runs-tag-filter]").TextContent, StringComparison.Ordinal);
        // Each tag is a link to its runs; a list is no place to edit them.
        var chips = cut.FindAll("[data-testid=run-row] [data-testid=run-tag]");
        Assert.Equal(["paper-v1", "baseline", "paper-v1"], chips.Select(c => c.GetAttribute("data-tag")));
        Assert.Equal("runs?tag=baseline", chips[1].QuerySelector("a")!.GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=run-tag-remove]"));

        navigation.NavigateTo("runs?q=basel");
        var searched = Render<Runs>();
        searched.WaitForAssertion(() => Assert.StartsWith("1 of 3 runs", searched.Find("[data-testid=runs-count]").TextContent.Trim(), StringComparison.Ordinal), Wait);
    }

    [Fact]
    public void The_run_page_adds_and_removes_tags_and_says_what_is_wrong_with_one_without_asking()
    {
        var run = new RunInfo { RunId = "run-1", DatasetId = "demo", State = RunState.Completed, Tags = { "baseline" } };
        Evaluator.OnGetRun = _ => run;
        Evaluator.OnUpdateRunTags = request =>
        {
            var updated = run.Clone();
            var kept = updated.Tags.Where(t => !request.Remove.Contains(t)).Concat(request.Add.Select(t => t.ToLowerInvariant())).Distinct().ToArray();
            updated.Tags.Clear();
            updated.Tags.AddRange(kept);
            return run = updated;
        };
        var cut = Render<Run>(p => p.Add(c => c.RunId, "run-1"));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=run-tags-line] [data-testid=run-tag][data-tag=baseline]")), Wait);

        cut.Find("[data-testid=run-tag-input]").Change("Paper-v1, night:2");
        cut.Find("[data-testid=run-tag-form]").Submit();
        cut.WaitForAssertion(() => Assert.Equal(["baseline", "paper-v1", "night:2"],
            cut.FindAll("[data-testid=run-tags-line] [data-testid=run-tag]").Select(c => c.GetAttribute("data-tag"))), Wait);
        Assert.Equal(["Paper-v1", "night:2"], Evaluator.TagUpdates.Single().Add);

        cut.Find("[data-testid=run-tag][data-tag=baseline] [data-testid=run-tag-remove]").Click();
        cut.WaitForAssertion(() => Assert.Equal(["paper-v1", "night:2"],
            cut.FindAll("[data-testid=run-tags-line] [data-testid=run-tag]").Select(c => c.GetAttribute("data-tag"))), Wait);
        Assert.Equal(["baseline"], Evaluator.TagUpdates[1].Remove);
        Assert.Equal("Remove the tag paper-v1", cut.Find("[data-testid=run-tag][data-tag=paper-v1] button").GetAttribute("aria-label"));

        // A tag the Evaluator would refuse: said at once, naming the rule, not what was typed; nothing is sent.
        cut.Find("[data-testid=run-tag-input]").Change("تب");
        cut.Find("[data-testid=run-tag-form]").Submit();
        cut.WaitForAssertion(() => Assert.Contains("A tag is 1-32 characters", cut.Find("[data-testid=run-tag-error]").TextContent, StringComparison.Ordinal), Wait);
        Assert.DoesNotContain("تب", cut.Find("[data-testid=run-tag-error]").TextContent, StringComparison.Ordinal);
        Assert.Equal(2, Evaluator.TagUpdates.Count);
    }
}
