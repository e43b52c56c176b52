using EvaluatorClient = ClinicalAspire.Contracts.Evaluator.V1.Evaluator.EvaluatorClient;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.TestSupport;
using Grpc.Core;

namespace ClinicalAspire.Evaluator.Tests;

/// <summary>A Redis that hangs while the Evaluator starts (a loaded machine) delays the demo; it never stops the Evaluator.</summary>
public sealed class SlowRedisTests
{
    [Fact]
    public async Task An_evaluator_started_against_a_hanging_redis_stays_up_and_seeds_the_demo_once_redis_answers()
    {
        await using var extractor = new FakeExtractor();
        await extractor.StartAsync();
        await using var redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer);
        redis.Freeze();
        await using var evaluator = await ResumeTests.StartEvaluatorAsync(redis, extractor);

        // Connections open but nothing answers: the demo import fails a few times meanwhile.
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.False(evaluator.HasExited, "the Evaluator stopped while Redis hung");
        using (var http = new HttpClient())
        {
            Assert.True((await http.GetAsync($"{evaluator.HttpAddress}/alive")).IsSuccessStatusCode);
        }

        redis.Thaw();
        var client = new EvaluatorClient(evaluator.Channel);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        DatasetInfo? demo = null;
        while (demo is null && DateTime.UtcNow < deadline)
        {
            try
            {
                demo = (await client.ListDatasetsAsync(new ListDatasetsRequest())).Datasets.SingleOrDefault(d => d.DatasetId == "demo");
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
            }
            await Task.Delay(250);
        }
        Assert.NotNull(demo);
        Assert.True(demo.RecordCount >= 300, $"the demo dataset has {demo.RecordCount} records");
    }
}
