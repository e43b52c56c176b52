using System.CommandLine;
using System.Globalization;
using ClinicalAspire.Contracts.Evaluator.V1;
using Spectre.Console;

namespace ClinicalAspire.Cli.Commands;

/// <summary><c>status</c>: what the stack behind the Evaluator runs, and whether it is healthy.</summary>
internal static class StatusCommand
{
    public static Command Build(EvaluatorCli.Session session)
    {
        var output = GlobalOptions.OutputFormat();
        var command = new Command("status", "The stack behind the Evaluator: components, health, engine profiles (exit 2 when a component is unhealthy)")
        {
            output,
        };
        session.SetAction(command, output, async (ctx, parse, ct) =>
        {
            var response = await ctx.Client.GetSystemStatusAsync(new GetSystemStatusRequest(), cancellationToken: ct);
            if (ctx.Json)
            {
                ctx.WriteJson(response);
            }
            else
            {
                var components = new Table().AddColumns("component", "status", "detail", "latency");
                foreach (var c in response.Components)
                {
                    Rendering.Row(components, c.Name, c.Status, c.Detail,
                        c.LatencyMs > 0 ? c.LatencyMs.ToString("0.0", CultureInfo.InvariantCulture) + " ms" : "");
                }

                ctx.Console.Write(components);
                if (response.EngineProfiles.Count > 0)
                {
                    var profiles = new Table().AddColumns("profile", "extractor", "translator", "strategies");
                    foreach (var p in response.EngineProfiles)
                    {
                        Rendering.Row(profiles, p.Name,
                            p.ExtractorEngine is { } x ? Rendering.Engine(x) : "",
                            p.TranslatorEngine is { } t ? Rendering.Engine(t) : "",
                            string.Join(", ", p.Strategies));
                    }

                    ctx.Console.WriteLine();
                    ctx.Console.Write(profiles);
                }
            }

            var unhealthy = response.Components.Where(c => string.Equals(c.Status, "Unhealthy", StringComparison.OrdinalIgnoreCase)).ToList();
            foreach (var c in unhealthy)
            {
                await ctx.Error.WriteLineAsync($"error: {c.Name} is unhealthy: {c.Detail}");
            }

            return unhealthy.Count == 0 ? ExitCodes.Success : ExitCodes.ServerError;
        });
        return command;
    }
}
