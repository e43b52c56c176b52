namespace ClinicalAspire.Cli.Tests;

public sealed class ScratchDump(FakeEvaluatorServer server) : IClassFixture<FakeEvaluatorServer>
{
    [Fact]
    public async Task Dump()
    {
        var log = new StringWriter();
        var file = Path.Combine(Path.GetTempPath(), "Demo.jsonl");
        File.WriteAllText(file, "{\"id\":\"r1\"}\n{\"id\":\"r2\"}\n");
        foreach (var args in new[]
        {
            new[] { "datasets", "import", file, "--description", "ward [7]" },
            ["datasets", "list"],
            ["datasets", "show", "demo", "--limit", "2"],
            ["runs", "start", "--dataset", "demo", "--strategy", "both"],
            ["runs", "start", "--dataset", "demo", "--strategy", "both", "--wait"],
            ["runs", "list"],
            ["runs", "compare", "run-3", "run-4"],
            ["runs", "export", "run-3", "--format", "csv"],
            ["datasets", "delete", "nope"],
        })
        {
            var o = new StringWriter(); var e = new StringWriter();
            var exit = await new EvaluatorCli(null, _ => null).RunAsync([.. args, "--evaluator", server.Url], o, e);
            log.WriteLine($"$ clinical {string.Join(' ', args)}   -> exit {exit}\n{o}--- stderr:\n{e}");
        }
        File.WriteAllText("/tmp/cli-dump.txt", log.ToString());
    }
}
