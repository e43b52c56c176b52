using System.Text.Json;
using ClinicalAspire.Cli;

namespace ClinicalAspire.AppHost.Tests;

/// <summary>The `clinical` command line against the real stack, as a script would use it.</summary>
public sealed class CliTests(StackFixture stack) : IClassFixture<StackFixture>
{
    private async Task<(int Exit, string Out, string Err)> Clinical(params string[] args)
    {
        var evaluator = stack.App.GetEndpoint("evaluator", "grpc").ToString();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await new EvaluatorCli().RunAsync([.. args, "--evaluator", evaluator], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Import_run_and_export_from_the_command_line()
    {
        var file = Path.Combine(Path.GetTempPath(), $"cli-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllLinesAsync(file,
        [
            """{"id":"1","text":"بیمار سرفه و تنگی نفس دارد.","language":"fa","labels":{"respiratory":true,"pain":false}}""",
            """{"id":"2","text":"Patient denies pain; asks for a home visit by the doctor.","language":"en","labels":{"respiratory":false,"pain":false,"visit_request":true}}""",
        ]);
        try
        {
            var import = await Clinical("datasets", "import", file, "--id", "cli-set", "--replace");
            Assert.True(import.Exit == 0, import.Err);

            var run = await Clinical("runs", "start", "--dataset", "cli-set", "--wait", "--format", "json");
            Assert.True(run.Exit == 0, run.Err);
            var info = JsonDocument.Parse(run.Out).RootElement;
            Assert.Equal("RUN_STATE_COMPLETED", info.GetProperty("state").GetString());
            Assert.Equal(2, info.GetProperty("completed").GetInt32());

            var missing = await Clinical("runs", "show", "no-such-run");
            Assert.Equal(2, missing.Exit);
            Assert.Contains("no such run", missing.Err); // the detail names the field, never the caller's value
        }
        finally
        {
            File.Delete(file);
        }
    }
}
