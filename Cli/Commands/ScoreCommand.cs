using System.CommandLine;
using ClinicalAspire.Contracts.Evaluator.V1;
using Google.Protobuf;
using Spectre.Console;

namespace ClinicalAspire.Cli.Commands;

/// <summary><c>score</c>: predictions made elsewhere, scored against a stored dataset.</summary>
internal static class ScoreCommand
{
    public static Command Build(EvaluatorCli.Session session)
    {
        var dataset = new Option<string>("--dataset") { Description = "Dataset id", HelpName = "id", Required = true };
        var predictions = new Option<string>("--predictions")
        {
            Description = "JSONL: {\"id\": ..., \"predictions\": {\"<key>\": true|false|null}} or {\"id\": ..., \"output\": \"<raw model text>\"}",
            HelpName = "file.jsonl",
            Required = true,
        };
        var excludeMissing = new Option<bool>("--exclude-missing") { Description = "Exclude missing outputs instead of scoring them as negative (the study)" };
        var bootstrap = new Option<int>("--bootstrap") { HelpName = "n", Description = "Bootstrap resamples for the confidence intervals (0: the default)" };
        var output = GlobalOptions.OutputFormat();
        var command = new Command("score", "Score predictions made elsewhere against a stored dataset")
        {
            dataset, predictions, excludeMissing, bootstrap, output,
        };
        session.SetAction(command, output, async (ctx, parse, ct) =>
        {
            var path = parse.GetRequiredValue(predictions);
            if (!File.Exists(path))
            {
                throw new CliException($"file '{path}' does not exist");
            }

            var request = new ScorePredictionsRequest
            {
                DatasetId = parse.GetRequiredValue(dataset),
                Predictions = ByteString.CopyFrom(await File.ReadAllBytesAsync(path, ct)),
                ExcludeMissing = parse.GetValue(excludeMissing),
                BootstrapResamples = DatasetCommands.NonNegative(parse.GetValue(bootstrap), "--bootstrap"),
            };
            var response = await ctx.Client.ScorePredictionsAsync(request, cancellationToken: ct);
            if (ctx.Json)
            {
                ctx.WriteJson(response);
            }
            else if (response.Metrics is { } metrics)
            {
                ctx.Console.WriteLine($"{response.MatchedRecords} predictions matched dataset records");
                ctx.Console.Write(Rendering.MetricsTable(metrics));
            }

            foreach (var error in response.Errors)
            {
                await ctx.Error.WriteLineAsync("warning: " + DatasetCommands.Describe(error));
            }

            if (response.MatchedRecords == 0)
            {
                await ctx.Error.WriteLineAsync($"error: no prediction in '{path}' matched a record of dataset '{request.DatasetId}'");
                return ExitCodes.ServerError;
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
