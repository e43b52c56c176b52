using ClinicalAspire.Contracts.Common.V1;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Dashboard.Components.Pages;
using Grpc.Core;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicalAspire.Dashboard.Tests;

public class OutageTests : DashboardContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public void Home_says_the_Evaluator_is_away_in_words_and_fills_in_when_it_answers()
    {
        var down = true;
        Evaluator.OnGetSystemStatus = () => down
            ? throw new RpcException(new Status(StatusCode.Unavailable, "HttpRequestException: Connection refused"))
            : new GetSystemStatusResponse { Components = { new ComponentStatus { Name = "evaluator", Status = "Healthy" }, new ComponentStatus { Name = "redis", Status = "Healthy", LatencyMs = 1.5 } } };
        Evaluator.OnListRuns = _ => down ? throw new RpcException(new Status(StatusCode.Unavailable, "HttpRequestException: Connection refused")) : new ListRunsResponse();

        var cut = Render<Home>(p => p.Add(c => c.RefreshInterval, TimeSpan.FromMilliseconds(50)));

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=outage]")), Wait);
        Assert.DoesNotContain("HttpRequestException", cut.Markup, StringComparison.Ordinal);
        down = false;
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=status-grid]")), Wait);
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=no-runs]")), Wait);
        Assert.Empty(cut.FindAll("[data-testid=outage]"));
        Assert.EndsWith("ms round trip", cut.Find("[data-testid=evaluator-latency]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_status_table_refreshes_on_its_own()
    {
        var calls = 0;
        Evaluator.OnGetSystemStatus = () =>
        {
            Interlocked.Increment(ref calls);
            return new GetSystemStatusResponse { Components = { new ComponentStatus { Name = "evaluator", Status = "Healthy" } } };
        };

        var cut = Render<Home>(p => p.Add(c => c.RefreshInterval, TimeSpan.FromMilliseconds(30)));

        cut.WaitForAssertion(() => Assert.True(int.Parse(cut.Find("[data-testid=status-grid]").GetAttribute("data-refreshed")!, System.Globalization.CultureInfo.InvariantCulture) >= 3), Wait);
    }

    [Fact]
    public void A_missing_run_on_a_direct_load_answers_not_found()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        Evaluator.OnGetRun = _ => throw new RpcException(new Status(StatusCode.NotFound, "no run"));
        var notFound = false;
        Services.GetRequiredService<NavigationManager>().OnNotFound += (_, _) => notFound = true;

        Render<Run>(p => p.Add(c => c.RunId, "gone"));

        Assert.True(notFound);
    }
}
