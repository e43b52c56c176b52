using Aspire.Hosting.ApplicationModel;
using ClinicalAspire.Contracts.Evaluator.V1;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicalAspire.AppHost.Tests;

/// <summary>The stack with a persistent Redis (append-only file in a temporary folder), so Redis can restart.</summary>
public sealed class PersistentStackFixture : StackFixture
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "clinical-redis-" + Guid.NewGuid().ToString("N")[..8]);

    protected override IEnumerable<string> Settings => ["Cache:Persistent=true", $"Cache:DataDirectory={_dataDirectory}"];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public sealed class ResilienceTests(PersistentStackFixture stack) : IClassFixture<PersistentStackFixture>
{
    [Fact]
    public async Task A_run_survives_restarts_of_redis_and_the_extractor_without_losing_or_double_counting_records()
    {
        var commands = stack.App.Services.GetRequiredService<ResourceCommandService>();
        var notifications = stack.App.ResourceNotifications;
        var client = new Evaluator.EvaluatorClient(stack.Channel("evaluator"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var demo = await WaitForDemoAsync(client, timeout.Token);

        // The Extractor goes away: the run starts but cannot finish; records are retried, not lost.
        await commands.ExecuteCommandAsync("extractor", KnownResourceCommands.StopCommand, timeout.Token);
        var run = await client.StartRunAsync(new StartRunRequest { DatasetId = "demo", Strategy = "direct", Concurrency = 4 }, cancellationToken: timeout.Token);

        // Redis restarts while the run is in progress (the Evaluator's own restart is covered by
        // Evaluator.Tests: the AppHost won't restart it while the Extractor it waits for is down).
        // Stop, then start once the old process has exited: a restart could start the new redis-server while the old one
        // still held the port, writing its append-only file on a loaded machine, and the new one then failed to bind.
        await commands.ExecuteCommandAsync("cache", KnownResourceCommands.StopCommand, timeout.Token);
        await notifications.WaitForResourceAsync("cache", KnownResourceStates.TerminalStates, timeout.Token);
        await commands.ExecuteCommandAsync("cache", KnownResourceCommands.StartCommand, timeout.Token);
        await notifications.WaitForResourceHealthyAsync("cache", timeout.Token);

        // The Extractor comes back: the resumed run completes.
        await commands.ExecuteCommandAsync("extractor", KnownResourceCommands.StartCommand, timeout.Token);
        await notifications.WaitForResourceHealthyAsync("extractor", timeout.Token);

        RunInfo final;
        while (true)
        {
            try
            {
                final = await client.GetRunAsync(new GetRunRequest { RunId = run.RunId }, cancellationToken: timeout.Token);
                if (final.State is RunState.Completed or RunState.Failed or RunState.Cancelled)
                {
                    break;
                }
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
            {
            }
            await Task.Delay(250, timeout.Token);
        }

        Assert.Equal(RunState.Completed, final.State);
        Assert.Equal(demo.RecordCount, final.Total);
        Assert.Equal(demo.RecordCount, final.Completed);
        Assert.Equal(0, final.Failed);
        var records = await client.ListRunRecordsAsync(new ListRunRecordsRequest { RunId = run.RunId, Limit = 1000 }, cancellationToken: timeout.Token);
        Assert.Equal(demo.RecordCount, records.Total);
        Assert.Equal(demo.RecordCount, records.Records.Select(r => r.RecordId).Distinct().Count());
    }

    private static async Task<DatasetInfo> WaitForDemoAsync(Evaluator.EvaluatorClient client, CancellationToken cancellationToken)
    {
        while (true)
        {
            var datasets = await client.ListDatasetsAsync(new ListDatasetsRequest(), cancellationToken: cancellationToken);
            if (datasets.Datasets.FirstOrDefault(d => d.DatasetId == "demo") is { } demo)
            {
                return demo;
            }
            await Task.Delay(200, cancellationToken);
        }
    }
}
