using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Dashboard.Components.Pages;
using Grpc.Core;

namespace ClinicalAspire.Dashboard.Tests;

public class RunPageTests : DashboardContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static RunInfo Running(int completed, int total = 4) => new()
    {
        RunId = "run-1",
        DatasetId = "demo",
        Strategy = "direct",
        State = RunState.Running,
        Total = total,
        Completed = completed,
        RecordsPerSecond = 2.5,
        EtaSeconds = (total - completed) / 2.5,
    };

    private static RunInfo Completed()
    {
        var run = Running(4);
        run.State = RunState.Completed;
        run.Metrics = new Metrics
        {
            Records = 4,
            Features =
            {
                new FeatureMetrics { Key = "pain", Tp = 2, Tn = 2, Precision = 1, Sensitivity = 1, Specificity = 1, Accuracy = 1, MacroF1 = 1, Mcc = 1, Support = 4 },
                new FeatureMetrics { Key = "fever", Tp = 1, Fn = 1, Tn = 2, Precision = 1, Sensitivity = 0.5, Specificity = 1, Accuracy = 0.75, MacroF1 = 0.733, Mcc = 0.577, Support = 4, Missing = 1, MissingRate = 0.25 },
            },
            Summary = new MetricsSummary
            {
                MacroF1 = new Quartiles { Median = 0.8665, Q1 = 0.8, Q3 = 0.93, CiLow = 0.7, CiHigh = 1 },
                Mcc = new Quartiles { Median = 0.7885 },
                Sensitivity = new Quartiles { Median = 0.75 },
                Specificity = new Quartiles { Median = 1 },
            },
        };
        return run;
    }

    [Fact]
    public async Task Progress_and_metrics_fill_in_from_the_WatchRun_stream()
    {
        Evaluator.OnGetRun = _ => Running(0);
        var records = 0;
        Evaluator.OnListRunRecords = _ => new ListRunRecordsResponse
        {
            Total = records,
            Records = { Enumerable.Range(1, records).Select(i => new RecordPrediction { RecordId = $"r-{i}", Text = "note", Language = "en" }) },
        };
        var streamOpened = Evaluator.StreamOpened.Task;

        var cut = Render<Run>(p => p.Add(c => c.RunId, "run-1"));
        var stream = await streamOpened.WaitAsync(Wait);

        cut.WaitForAssertion(() => Assert.Equal("0", cut.Find("[data-testid=run-progress]").GetAttribute("data-percent")), Wait);

        records = 2;
        await stream.Writer.WriteAsync(new RunUpdate { Run = Running(2), NewRecordIds = { "r-1", "r-2" } });
        cut.WaitForAssertion(() =>
        {
            var progress = cut.Find("[data-testid=run-progress]");
            Assert.Equal("50", progress.GetAttribute("data-percent"));
            Assert.Equal("running", progress.GetAttribute("data-state"));
            Assert.Contains("2 / 4 records (50%)", cut.Find("[data-testid=progress-text]").TextContent, StringComparison.Ordinal);
            Assert.Contains("2.5 records/s", cut.Find("[data-testid=progress-rate]").TextContent, StringComparison.Ordinal);
            Assert.Contains("ETA", cut.Find("[data-testid=progress-eta]").TextContent, StringComparison.Ordinal);
            Assert.Equal(2, cut.FindAll("[data-testid=record-row]").Count);
        }, Wait);

        records = 4;
        await stream.Writer.WriteAsync(new RunUpdate { Run = Completed(), NewRecordIds = { "r-3", "r-4" } });
        stream.Writer.Complete();
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("100", cut.Find("[data-testid=run-progress]").GetAttribute("data-percent"));
            Assert.Equal("completed", cut.Find("[data-testid=run-state]").TextContent.Trim());
            Assert.Equal(["pain", "fever"], cut.FindAll("[data-testid=feature-row]").Select(r => r.GetAttribute("data-feature")).Reverse());
            Assert.Contains("0.867 [0.800, 0.930]", cut.Find("[data-testid=summary-table]").TextContent, StringComparison.Ordinal);
            Assert.Equal(4, cut.FindAll("[data-testid=record-row]").Count);
            Assert.Empty(cut.FindAll("[data-testid=live]"));
        }, Wait);
        Assert.Equal(2, cut.Instance.Updates);
        Assert.Single(Evaluator.Streams); // a finished run is not followed again
    }

    [Fact]
    public void A_finished_run_shows_its_table_and_records_without_opening_a_stream()
    {
        Evaluator.OnGetRun = _ => Completed();
        Evaluator.OnListRunRecords = _ => new ListRunRecordsResponse { Total = 1, Records = { new RecordPrediction { RecordId = "r-1", Text = "note", Language = "en" } } };

        var cut = Render<Run>(p => p.Add(c => c.RunId, "run-1"));

        cut.WaitForAssertion(() =>
        {
            Assert.Equal(2, cut.FindAll("[data-testid=feature-row]").Count);
            Assert.Single(cut.FindAll("[data-testid=record-row]"));
            Assert.Equal("completed", cut.Find("[data-testid=run-progress]").GetAttribute("data-state"));
        }, Wait);
        Assert.Empty(Evaluator.Streams);
        Assert.Empty(cut.FindAll("[data-testid=live]"));
    }

    [Fact]
    public void Opening_a_record_shows_its_note_with_the_evidence_marked()
    {
        var run = Completed();
        Evaluator.OnGetRun = _ => run;
        Evaluator.OnListRunRecords = _ => new ListRunRecordsResponse
        {
            Total = 1,
            Records =
            {
                new RecordPrediction
                {
                    RecordId = "r-1", Text = "Severe <pain> since noon", Language = "en",
                    Labels = { ["pain"] = Label.True },
                    Features = { new RecordFeature { Key = "pain", Value = "true", Evidence = { new EvidenceSpan { Start = 7, End = 13, Quote = "<pain>", Source = "text" } } } },
                },
            },
        };
        var cut = Render<Run>(p => p.Add(c => c.RunId, "run-1"));
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=record-row]")), Wait);

        cut.Find("[data-testid=record-open]").Click();

        var mark = cut.Find("[data-testid=record-detail] mark[data-testid=evidence-mark]");
        Assert.Equal("<pain>", mark.TextContent);
        Assert.Equal("Pain", mark.GetAttribute("title"));
    }

    [Fact]
    public async Task Leaving_the_page_cancels_the_stream()
    {
        Evaluator.OnGetRun = _ => Running(1);
        var streamOpened = Evaluator.StreamOpened.Task;
        var cut = Render<Run>(p => p.Add(c => c.RunId, "run-1"));
        await streamOpened.WaitAsync(Wait);
        var token = Evaluator.StreamTokens.Single();
        Assert.False(token.IsCancellationRequested);

        await DisposeComponentsAsync();

        Assert.True(token.IsCancellationRequested);
    }

    [Fact]
    public async Task Moving_to_another_run_follows_that_run_instead()
    {
        Evaluator.OnGetRun = request => new RunInfo { RunId = request.RunId, State = RunState.Running, Total = 10, Completed = request.RunId == "run-1" ? 1 : 6 };
        var firstOpened = Evaluator.StreamOpened.Task;
        var cut = Render<Run>(p => p.Add(c => c.RunId, "run-1"));
        var first = await firstOpened.WaitAsync(Wait);
        var secondOpened = Evaluator.StreamOpened.Task;

        cut.Render(p => p.Add(c => c.RunId, "run-2"));
        var second = await secondOpened.WaitAsync(Wait);

        Assert.True(Evaluator.StreamTokens[0].IsCancellationRequested);
        Assert.False(Evaluator.StreamTokens[1].IsCancellationRequested);
        await first.Writer.WriteAsync(new RunUpdate { Run = new RunInfo { RunId = "run-1", State = RunState.Running, Total = 10, Completed = 2 } });
        await second.Writer.WriteAsync(new RunUpdate { Run = new RunInfo { RunId = "run-2", State = RunState.Running, Total = 10, Completed = 9 } });
        cut.WaitForAssertion(() => Assert.Equal("90", cut.Find("[data-testid=run-progress]").GetAttribute("data-percent")), Wait);
    }

    [Fact]
    public async Task A_broken_stream_is_reported_and_reopened()
    {
        Evaluator.OnGetRun = _ => Running(1);
        var firstOpened = Evaluator.StreamOpened.Task;
        var cut = Render<Run>(p => p
            .Add(c => c.RunId, "run-1")
            .Add(c => c.ReconnectDelay, _ => TimeSpan.FromMilliseconds(10)));
        var first = await firstOpened.WaitAsync(Wait);
        var secondOpened = Evaluator.StreamOpened.Task;

        first.Writer.Complete(new RpcException(new Status(StatusCode.Unavailable, "evaluator restarting")));
        var second = await secondOpened.WaitAsync(Wait);
        // Said in words, without the transport's own text.
        cut.WaitForAssertion(() => Assert.Contains("cannot be reached", cut.Find("[data-testid=stream-error]").TextContent, StringComparison.Ordinal), Wait);
        Assert.DoesNotContain("evaluator restarting", cut.Markup, StringComparison.Ordinal);

        await second.Writer.WriteAsync(new RunUpdate { Run = Running(3) });
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("75", cut.Find("[data-testid=run-progress]").GetAttribute("data-percent"));
            Assert.Empty(cut.FindAll("[data-testid=stream-error]"));
        }, Wait);
    }

    [Fact]
    public void An_unknown_run_is_said_in_words()
    {
        Evaluator.OnGetRun = _ => throw new RpcException(new Status(StatusCode.NotFound, "no run nope"));

        var cut = Render<Run>(p => p.Add(c => c.RunId, "nope"));

        Assert.Contains("There is no run nope.", cut.Find("[data-testid=run-error]").TextContent, StringComparison.Ordinal);
        Assert.Empty(Evaluator.Streams);
    }

    [Fact]
    public void A_failed_run_shows_why()
    {
        var run = Running(2);
        run.State = RunState.Failed;
        run.Error = "Extractor unavailable after 5 attempts";
        Evaluator.OnGetRun = _ => run;

        var cut = Render<Run>(p => p.Add(c => c.RunId, "run-1"));

        Assert.Contains("Extractor unavailable after 5 attempts", cut.Find("[data-testid=run-failed]").TextContent, StringComparison.Ordinal);
    }
}
