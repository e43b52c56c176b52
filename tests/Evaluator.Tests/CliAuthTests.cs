using ClinicalAspire.Cli;

namespace ClinicalAspire.Evaluator.Tests;

/// <summary>The clinical CLI against a Production Evaluator: --api-key, --token, their variables and the keys commands.</summary>
public sealed class CliAuthTests(SecuredEvaluator stack) : IClassFixture<SecuredEvaluator>
{
    private async Task<(int Exit, string Out, string Err)> RunAsync(Dictionary<string, string>? environment, params string[] args)
    {
        environment ??= [];
        environment[EvaluatorCli.EvaluatorUrlVariable] = stack.Service.GrpcAddress;
        var cli = new EvaluatorCli(invokerFactory: null, environment: name => environment.GetValueOrDefault(name));
        using StringWriter stdout = new(), stderr = new();
        var exit = await cli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Without_credentials_the_cli_says_how_to_pass_them_and_an_admin_key_manages_keys()
    {
        var anonymous = await RunAsync(null, "datasets", "list");
        Assert.Equal(ExitCodes.AccessDenied, anonymous.Exit);
        Assert.Contains("Unauthenticated", anonymous.Err);
        Assert.Contains("--api-key", anonymous.Err);
        Assert.Contains("CLINICAL_API_KEY", anonymous.Err);

        var created = await RunAsync(null, "--api-key", stack.BootstrapKey, "keys", "create", "cli-reader", "--role", "reader");
        Assert.Equal(ExitCodes.Success, created.Exit);
        var key = created.Out.Trim();
        Assert.StartsWith("cak_", key);
        Assert.Contains("not shown again", created.Err);

        var asReader = new Dictionary<string, string> { [EvaluatorCli.ApiKeyVariable] = key };
        Assert.Equal(ExitCodes.Success, (await RunAsync(asReader, "datasets", "list")).Exit);
        var denied = await RunAsync(asReader, "keys", "list");
        Assert.Equal(ExitCodes.AccessDenied, denied.Exit);
        Assert.Contains("PermissionDenied", denied.Err);
        Assert.Contains("needs role 'admin'", denied.Err);

        var listed = await RunAsync(new() { [EvaluatorCli.ApiKeyVariable] = stack.BootstrapKey }, "keys", "list");
        Assert.Equal(ExitCodes.Success, listed.Exit);
        Assert.Contains("cli-reader", listed.Out);
        Assert.Contains(key[..12], listed.Out);
        Assert.DoesNotContain(key, listed.Out);

        Assert.Equal(ExitCodes.Success, (await RunAsync(null, "--api-key", stack.BootstrapKey, "keys", "revoke", "cli-reader")).Exit);
        var revoked = await RunAsync(asReader, "datasets", "list");
        Assert.Equal(ExitCodes.AccessDenied, revoked.Exit);
        Assert.Contains("unknown or revoked", revoked.Err);
    }

    [Fact]
    public async Task A_bearer_token_from_the_option_or_the_variable_is_sent_and_a_token_with_a_key_is_a_usage_error()
    {
        var token = stack.Issuer.Mint("dana", SecuredEvaluator.Audience, ["researcher"]);
        Assert.Equal(ExitCodes.Success, (await RunAsync(null, "--token", token, "datasets", "list")).Exit);
        Assert.Equal(ExitCodes.Success, (await RunAsync(new() { [EvaluatorCli.TokenVariable] = token }, "status")).Exit);

        var both = await RunAsync(null, "--token", token, "--api-key", stack.BootstrapKey, "datasets", "list");
        Assert.Equal(ExitCodes.Usage, both.Exit);
        Assert.Contains("not both", both.Err);
    }

    [Fact]
    public async Task A_researcher_exports_a_dataset_as_the_jsonl_import_reads_byte_for_byte_and_a_reader_may_not()
    {
        // More than one page (1000 records), with translations, unknown labels and Persian text, in the stored form: every
        // feature of the catalogue (import records a feature a file leaves out as not annotated, which export writes as null).
        var records = Enumerable.Range(1, 1205).Select(i => new Domain.Datasets.DatasetRecord(
            $"x{i:D4}", i % 2 == 0 ? $"بیمار درد دارد ({i})" : $"The patient \"{i}\" has fever.", i % 2 == 0 ? "fa" : "en",
            i % 5 == 0 ? $"translation {i}" : null,
            Domain.Features.FeatureCatalogue.Default.Keys.ToDictionary(k => k, k => k switch
            {
                "pain" => i % 2 == 0,
                "fever" => i % 3 == 0 ? null : i % 2 == 1,
                _ => (bool?)null,
            }))).ToArray();
        var folder = Directory.CreateTempSubdirectory("export-").FullName;
        try
        {
            var original = Path.Combine(folder, "original.jsonl");
            File.WriteAllText(original, Domain.Datasets.DatasetWriter.ToJsonl(records));
            var researcher = new Dictionary<string, string> { [EvaluatorCli.TokenVariable] = stack.Issuer.Mint("erin", SecuredEvaluator.Audience, ["researcher"]) };
            Assert.Equal(ExitCodes.Success, (await RunAsync(researcher, "datasets", "import", original, "--id", "export-me")).Exit);

            var exported = Path.Combine(folder, "exported.jsonl");
            var export = await RunAsync(researcher, "datasets", "export", "export-me", "-o", exported);

            Assert.Equal(ExitCodes.Success, export.Exit);
            Assert.Contains("wrote 1205 records", export.Out, StringComparison.Ordinal);
            Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(exported));
            Assert.False(File.Exists(exported + ".partial"));

            // Imported again: the same content, so the same content hash.
            var again = await RunAsync(researcher, "--json", "datasets", "import", exported, "--id", "export-me-again");
            Assert.Equal(ExitCodes.Success, again.Exit);
            var show = await RunAsync(researcher, "--json", "datasets", "show", "export-me", "--limit", "0");
            var hash = System.Text.Json.JsonDocument.Parse(show.Out).RootElement.GetProperty("info").GetProperty("contentHash").GetString();
            Assert.Contains(hash!, again.Out, StringComparison.Ordinal);

            var reader = new Dictionary<string, string> { [EvaluatorCli.TokenVariable] = stack.Issuer.Mint("rae", SecuredEvaluator.Audience, ["reader"]) };
            var denied = await RunAsync(reader, "datasets", "export", "export-me", "-o", Path.Combine(folder, "denied.jsonl"));
            Assert.Equal(ExitCodes.AccessDenied, denied.Exit);
            Assert.False(File.Exists(Path.Combine(folder, "denied.jsonl")));
            Assert.False(File.Exists(Path.Combine(folder, "denied.jsonl.partial")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
