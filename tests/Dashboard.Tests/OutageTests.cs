using ClinicalAspire.Contracts.Common.V1;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Contracts.Extractor.V1;
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

/// <summary>
/// Every page that reads from the Evaluator lives through an outage the same way: its frame at once, one calm
/// sentence (no exception text, no spinner beside it), a retry in the background, and the content once it answers.
/// </summary>
public class PageOutageTests : DashboardContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Soon = TimeSpan.FromMilliseconds(50);

    private bool _down = true;

    private T Answer<T>(Func<T> answer) =>
        _down ? throw new RpcException(new Status(StatusCode.Unavailable, "HttpRequestException: Connection refused (evaluator:5090)")) : answer();

    /// <summary>The notice, once, in words; nothing spinning beside it.</summary>
    private void AssertCalmOutage<T>(IRenderedComponent<T> cut) where T : IComponent
    {
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=outage]")), Wait);
        Assert.DoesNotContain("HttpRequestException", cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("Connection refused", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll(".rz-progressbar-circular, .rz-progressbar"));
        Assert.Empty(cut.FindAll(".rz-alert"));
        Assert.NotNull(cut.Find("h1"));
    }

    private void AssertRecovered<T>(IRenderedComponent<T> cut, string testId) where T : IComponent
    {
        _down = false;
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll($"[data-testid={testId}]")), Wait);
        Assert.Empty(cut.FindAll("[data-testid=outage]"));
    }

    [Fact]
    public void The_run_page()
    {
        Evaluator.OnGetRun = request => Answer(() => new RunInfo { RunId = request.RunId, DatasetId = "demo", State = RunState.Completed, Total = 1, Completed = 1 });
        Evaluator.OnListRunRecords = _ => Answer(() => new ListRunRecordsResponse { Total = 1, Records = { new RecordPrediction { RecordId = "r-1", Text = "note", Language = "en" } } });

        var cut = Render<Run>(p => p.Add(c => c.RunId, "run-1").Add(c => c.RetryInterval, Soon));

        AssertCalmOutage(cut);
        AssertRecovered(cut, "run-progress");
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=record-row]")), Wait);
    }

    [Fact]
    public async Task A_run_followed_live_waits_out_an_outage_longer_than_its_reconnect_attempts()
    {
        Evaluator.OnGetRun = request => new RunInfo { RunId = request.RunId, State = RunState.Running, Total = 4, Completed = 1 };
        var opened = Evaluator.StreamOpened.Task;
        var cut = Render<Run>(p => p.Add(c => c.RunId, "run-1").Add(c => c.ReconnectDelay, _ => TimeSpan.FromMilliseconds(5)));

        for (var attempt = 0; attempt < Run.MaxReconnectAttempts + 2; attempt++)
        {
            var stream = await opened.WaitAsync(Wait);
            opened = Evaluator.StreamOpened.Task;
            stream.Writer.Complete(new RpcException(new Status(StatusCode.Unavailable, "HttpRequestException: Connection refused")));
        }
        var back = await opened.WaitAsync(Wait);
        await back.Writer.WriteAsync(new RunUpdate { Run = new RunInfo { RunId = "run-1", State = RunState.Running, Total = 4, Completed = 3 } });

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("75", cut.Find("[data-testid=run-progress]").GetAttribute("data-percent"));
            Assert.Empty(cut.FindAll("[data-testid=stream-error]"));
        }, Wait);
        Assert.DoesNotContain("HttpRequestException", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void The_datasets_page_and_its_open_preview()
    {
        Evaluator.OnListDatasets = () => Answer(() => new ListDatasetsResponse { Datasets = { new DatasetInfo { DatasetId = "demo", RecordCount = 1 } } });
        Evaluator.OnGetDataset = request => Answer(() => new GetDatasetResponse
        {
            Info = new DatasetInfo { DatasetId = request.DatasetId, RecordCount = 1 },
            Records = { new DatasetRecord { Id = "d-1", Text = "تب دارد", Language = "fa", Labels = { ["fever"] = Label.True } } },
        });

        var cut = Render<Datasets>(p => p.Add(c => c.DatasetId, "demo").Add(c => c.RetryInterval, Soon));

        AssertCalmOutage(cut);
        Assert.NotNull(cut.Find("[data-testid=upload-card]"));
        AssertRecovered(cut, "dataset-row");
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=dataset-preview] [data-testid=dataset-record]")), Wait);
    }

    [Fact]
    public void The_new_run_form()
    {
        Evaluator.OnListDatasets = () => Answer(() => new ListDatasetsResponse { Datasets = { new DatasetInfo { DatasetId = "demo", RecordCount = 1 } } });
        Evaluator.OnGetSystemStatus = () => Answer(() => new GetSystemStatusResponse { EngineProfiles = { new EngineProfile { Name = "rules", IsDefault = true, Strategies = { "direct" } } } });

        var cut = Render<NewRun>(p => p.Add(c => c.RetryInterval, Soon));

        AssertCalmOutage(cut);
        Assert.Empty(cut.FindAll("[data-testid=run-start]"));
        AssertRecovered(cut, "run-start");
        Assert.Empty(cut.FindAll("[data-testid=new-run-error]"));
    }

    [Fact]
    public void The_matrix_page()
    {
        Evaluator.OnGetMatrix = request => Answer(() => new MatrixInfo
        {
            MatrixId = request.MatrixId, DatasetId = "demo",
            Runs = { new RunInfo { RunId = "r-1", EngineProfile = "rules", Strategy = "direct", State = RunState.Completed, Total = 1, Completed = 1 } },
        });

        var cut = Render<Matrix>(p => p.Add(c => c.MatrixId, "m-1").Add(c => c.RetryInterval, Soon));

        AssertCalmOutage(cut);
        AssertRecovered(cut, "matrix-run");
        Assert.Empty(cut.FindAll("[data-testid=matrix-error]"));
    }

    [Fact]
    public void Try_it_sends_the_note_again_until_the_Evaluator_answers()
    {
        var sent = 0;
        Evaluator.ExtractNote = request => Answer(() =>
        {
            Interlocked.Increment(ref sent);
            return new ExtractResponse { Strategy = request.Strategy, Features = { new FeatureResult { Key = "fever", Value = FeatureValue.True } } };
        });
        var cut = Render<TryIt>(p => p.Add(c => c.RetryInterval, Soon));
        cut.Find("[data-testid=try-text]").Input("تب دارد");

        cut.Find("[data-testid=try-go]").Click();

        AssertCalmOutage(cut);
        AssertRecovered(cut, "try-result");
        Assert.Equal(1, sent);
        Assert.Equal("yes", cut.Find("[data-testid=try-feature][data-feature=fever]").GetAttribute("data-value"));
    }
}
