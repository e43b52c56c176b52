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
}
