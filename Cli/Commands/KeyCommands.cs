using System.CommandLine;
using ClinicalAspire.Contracts.Evaluator.V1;
using Spectre.Console;

namespace ClinicalAspire.Cli.Commands;

/// <summary><c>keys create|list|revoke</c>: the Evaluator's API keys (admin).</summary>
internal static class KeyCommands
{
    public static Command Build(EvaluatorCli.Session session)
    {
        var keys = new Command("keys", "API keys for the CLI and batch jobs (needs an admin key or token)");
        keys.Add(Create(session));
        keys.Add(List(session));
        keys.Add(Revoke(session));
        return keys;
    }

    private static Command Create(EvaluatorCli.Session session)
    {
        var name = new Argument<string>("name") { Description = "A unique name: who or what uses the key" };
        var role = new Option<string>("--role") { Description = "What the key may do", HelpName = "reader|researcher|admin", Required = true };
        role.AcceptOnlyFromAmong("reader", "researcher", "admin");
        var output = GlobalOptions.OutputFormat();
        var command = new Command("create", "Create a key; it is printed once, only its hash is stored") { name, role, output };
        session.SetAction(command, output, async (ctx, parse, ct) =>
        {
            var created = await ctx.Keys.CreateApiKeyAsync(
                new CreateApiKeyRequest { Name = parse.GetRequiredValue(name), Role = parse.GetRequiredValue(role) }, cancellationToken: ct);
            if (ctx.Json)
            {
                ctx.WriteJson(created);
            }
            else
            {
                // The key alone on stdout, so that `KEY=$(clinical keys create ...)` works; the rest on stderr.
                await ctx.Out.WriteLineAsync(created.Key);
                await ctx.Error.WriteLineAsync($"created key '{created.Info.Name}' ({created.Info.Role}); store it now, it is not shown again");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List(EvaluatorCli.Session session)
    {
        var output = GlobalOptions.OutputFormat();
        var command = new Command("list", "Keys with their role, creation, last use and first characters") { output };
        session.SetAction(command, output, async (ctx, parse, ct) =>
        {
            var response = await ctx.Keys.ListApiKeysAsync(new ListApiKeysRequest(), cancellationToken: ct);
            if (ctx.Json)
            {
                ctx.WriteJson(response);
                return ExitCodes.Success;
            }
            var table = new Table().AddColumns("name", "role", "prefix", "created", "last used", "created by");
            foreach (var key in response.Keys)
            {
                Rendering.Row(table, key.Name, key.Role, key.Prefix + "…", Rendering.Time(key.CreatedAt), Rendering.Time(key.LastUsedAt), key.CreatedBy);
            }
            ctx.Console.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Revoke(EvaluatorCli.Session session)
    {
        var name = new Argument<string>("name") { Description = "The key's name" };
        var command = new Command("revoke", "Revoke a key: calls made with it are refused from then on") { name };
        session.SetAction(command, outputFormat: null, async (ctx, parse, ct) =>
        {
            await ctx.Keys.RevokeApiKeyAsync(new RevokeApiKeyRequest { Name = parse.GetRequiredValue(name) }, cancellationToken: ct);
            await ctx.Out.WriteLineAsync($"revoked key '{parse.GetRequiredValue(name)}'");
            return ExitCodes.Success;
        });
        return command;
    }
}
