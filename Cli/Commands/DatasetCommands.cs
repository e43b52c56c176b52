using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DatasetWriter = ClinicalAspire.Domain.Datasets.DatasetWriter;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Contracts.Evaluator.V1;
using Google.Protobuf;
using Spectre.Console;

namespace ClinicalAspire.Cli.Commands;

/// <summary><c>datasets import|list|show|export|delete</c>.</summary>
internal static class DatasetCommands
{
    public static Command Build(EvaluatorCli.Session session)
    {
        var datasets = new Command("datasets", "Labelled datasets stored by the Evaluator");
        datasets.Add(Import(session));
        datasets.Add(List(session));
        datasets.Add(Show(session));
        datasets.Add(Export(session));
        datasets.Add(Delete(session));
        return datasets;
    }

    private static Command Import(EvaluatorCli.Session session)
    {
        var file = new Argument<string>("file") { Description = "The dataset file: JSONL (one record a line) or CSV" };
        var name = new Option<string?>("--name") { HelpName = "name", Description = "Human readable name [default: the file name]" };
        var id = new Option<string?>("--id") { HelpName = "id", Description = "Dataset id [default: derived from the name by the Evaluator]" };
        var format = new Option<string?>("--format") { Description = "File format [default: from the extension]", HelpName = "jsonl|csv" };
        format.AcceptOnlyFromAmong("jsonl", "csv");
        var replace = new Option<bool>("--replace") { Description = "Replace an existing dataset with the same id" };
        var description = new Option<string?>("--description") { HelpName = "text", Description = "A description stored with the dataset" };
        var validateOnly = new Option<bool>("--validate-only") { Description = "Validate and preview; store nothing" };

        var command = new Command("import", "Validate a dataset file, then import it (all or nothing)")
        {
            file, name, id, format, replace, description, validateOnly,
        };
        session.SetAction(command, outputFormat: null, async (ctx, parse, ct) =>
        {
            var path = parse.GetRequiredValue(file);
            if (!File.Exists(path))
            {
                throw new CliException($"file '{path}' does not exist");
            }

            var fileFormat = parse.GetValue(format) ?? FormatFromExtension(path);
            var request = new ImportDatasetRequest
            {
                Name = parse.GetValue(name) ?? Path.GetFileNameWithoutExtension(path),
                DatasetId = parse.GetValue(id) ?? "",
                Format = fileFormat,
                Content = ByteString.CopyFrom(await File.ReadAllBytesAsync(path, ct)),
                Replace = parse.GetValue(replace),
                Description = parse.GetValue(description) ?? "",
            };

            var validation = await ctx.Client.ValidateDatasetAsync(request, cancellationToken: ct);
            if (!validation.Valid)
            {
                if (ctx.Json)
                {
                    ctx.WriteJson(validation);
                }

                await ctx.Error.WriteLineAsync($"error: '{path}' is not a valid {fileFormat} dataset ({validation.Errors.Count} error(s)); nothing was imported");
                foreach (var error in validation.Errors)
                {
                    await ctx.Error.WriteLineAsync("  " + Describe(error));
                }

                return ExitCodes.ServerError;
            }

            if (parse.GetValue(validateOnly))
            {
                if (ctx.Json)
                {
                    ctx.WriteJson(validation);
                }
                else
                {
                    ctx.Console.WriteLine($"valid: {validation.RecordCount} records (nothing imported)");
                    if (validation.Preview.Count > 0)
                    {
                        ctx.Console.Write(Rendering.RecordsTable(validation.Preview));
                    }
                }

                return ExitCodes.Success;
            }

            var info = await ctx.Client.ImportDatasetAsync(request, cancellationToken: ct);
            if (ctx.Json)
            {
                ctx.WriteJson(info);
            }
            else
            {
                ctx.Console.WriteLine($"imported dataset '{info.DatasetId}': {info.RecordCount} records");
                ctx.Console.Write(Rendering.DatasetInfoGrid(info));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List(EvaluatorCli.Session session)
    {
        var output = GlobalOptions.OutputFormat();
        var command = new Command("list", "List the stored datasets") { output };
        session.SetAction(command, output, async (ctx, parse, ct) =>
        {
            var response = await ctx.Client.ListDatasetsAsync(new ListDatasetsRequest(), cancellationToken: ct);
            if (ctx.Json)
            {
                ctx.WriteJson(response);
            }
            else if (response.Datasets.Count == 0)
            {
                ctx.Console.WriteLine("no datasets; import one with: clinical datasets import <file>");
            }
            else
            {
                ctx.Console.Write(Rendering.DatasetsTable(response.Datasets));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Show(EvaluatorCli.Session session)
    {
        var id = new Argument<string>("id") { Description = "Dataset id" };
        var limit = new Option<int>("--limit") { HelpName = "n", Description = "Records to show (0: only the info)", DefaultValueFactory = _ => 10 };
        var offset = new Option<int>("--offset") { HelpName = "n", Description = "First record to show", DefaultValueFactory = _ => 0 };
        var output = GlobalOptions.OutputFormat();
        var command = new Command("show", "Show a dataset's info and first records") { id, limit, offset, output };
        session.SetAction(command, output, async (ctx, parse, ct) =>
        {
            var request = new GetDatasetRequest
            {
                DatasetId = parse.GetRequiredValue(id),
                Limit = NonNegative(parse.GetValue(limit), "--limit"),
                Offset = NonNegative(parse.GetValue(offset), "--offset"),
            };
            var response = await ctx.Client.GetDatasetAsync(request, cancellationToken: ct);
            if (ctx.Json)
            {
                ctx.WriteJson(response);
                return ExitCodes.Success;
            }

            ctx.Console.Write(Rendering.DatasetInfoGrid(response.Info ?? new DatasetInfo()));
            if (response.Records.Count > 0)
            {
                ctx.Console.WriteLine();
                ctx.Console.Write(Rendering.RecordsTable(response.Records));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Export(EvaluatorCli.Session session)
    {
        var id = new Argument<string>("id") { Description = "Dataset id" };
        var outputFile = new Option<string?>("--output", "-o") { Description = "Write to this file [default: stdout]", HelpName = "file" };
        var command = new Command("export", "Write a dataset's records as JSONL, exactly what 'datasets import' reads (a backup, a copy to another Evaluator)")
        {
            id, outputFile,
        };
        session.SetAction(command, outputFormat: null, async (ctx, parse, ct) =>
        {
            var datasetId = parse.GetRequiredValue(id);
            var path = parse.GetValue(outputFile);
            if (string.IsNullOrEmpty(path) || path == "-")
            {
                await ExportAsync(ctx, datasetId, page => ctx.Out.WriteAsync(Encoding.UTF8.GetString(page)), ct);
                await ctx.Out.FlushAsync(ct);
                return ExitCodes.Success;
            }

            // Written beside the target and renamed at the end: an interrupted export leaves no partial file under its name.
            var full = Path.GetFullPath(path);
            var partial = full + ".partial";
            DatasetInfo info;
            try
            {
                await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None))
                {
                    info = await ExportAsync(ctx, datasetId, page => file.WriteAsync(page, ct).AsTask(), ct);
                }
                File.Move(partial, full, overwrite: true);
            }
            catch
            {
                File.Delete(partial);
                throw;
            }

            if (ctx.Json)
            {
                await ctx.Out.WriteLineAsync(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["output"] = full,
                    ["datasetId"] = datasetId,
                    ["records"] = info.RecordCount,
                    ["contentHash"] = info.ContentHash,
                }));
            }
            else
            {
                ctx.Console.WriteLine($"wrote {info.RecordCount} records of dataset '{datasetId}' to {path}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Pages through GetDataset and hands each page's JSONL to <paramref name="write"/>; returns the dataset's info.</summary>
    private static async Task<DatasetInfo> ExportAsync(CliContext ctx, string datasetId, Func<byte[], Task> write, CancellationToken ct)
    {
        DatasetInfo? first = null;
        for (var offset = 0; ; offset += InputLimits.MaxPageSize)
        {
            var page = await ctx.Client.GetDatasetAsync(
                new GetDatasetRequest { DatasetId = datasetId, Offset = offset, Limit = InputLimits.MaxPageSize }, cancellationToken: ct);
            first ??= page.Info;
            // Pages of a dataset replaced meanwhile would mix two imports: start again instead.
            if (page.Info.ContentHash != first.ContentHash)
            {
                throw new CliException($"dataset '{datasetId}' was replaced during the export; export it again");
            }
            if (page.Records.Count > 0)
            {
                await write(Encoding.UTF8.GetBytes(DatasetWriter.ToJsonl(page.Records.Select(ToDomain))));
            }
            if (page.Records.Count < InputLimits.MaxPageSize)
            {
                return first;
            }
        }
    }

    private static Domain.Datasets.DatasetRecord ToDomain(DatasetRecord record) => new(
        record.Id,
        record.Text,
        record.Language,
        record.Translation.Length == 0 ? null : record.Translation,
        record.Labels.ToDictionary(l => l.Key, l => l.Value switch { Label.True => true, Label.False => (bool?)false, _ => null }, StringComparer.Ordinal));

    private static Command Delete(EvaluatorCli.Session session)
    {
        var id = new Argument<string>("id") { Description = "Dataset id" };
        var output = GlobalOptions.OutputFormat();
        var command = new Command("delete", "Erase a dataset: its records, its runs' per-record predictions (their metrics stay) and its cached results") { id, output };
        session.SetAction(command, output, async (ctx, parse, ct) =>
        {
            var datasetId = parse.GetRequiredValue(id);
            var response = await ctx.Client.DeleteDatasetAsync(new DeleteDatasetRequest { DatasetId = datasetId }, cancellationToken: ct);
            if (ctx.Json)
            {
                ctx.WriteJson(response);
            }

            if (!response.Deleted)
            {
                await ctx.Error.WriteLineAsync($"error: NotFound: dataset '{datasetId}' does not exist");
                return ExitCodes.ServerError;
            }

            if (!ctx.Json)
            {
                ctx.Console.WriteLine($"deleted dataset '{datasetId}' ({response.RunsErased} runs kept as metrics only, {response.CacheEntriesErased} cached results erased)");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    internal static string Describe(ValidationError error)
    {
        var where = error.Line > 0 ? $"line {error.Line.ToString(CultureInfo.InvariantCulture)}" : "file";
        if (error.RecordId.Length > 0)
        {
            where += $" (record '{error.RecordId}')";
        }

        return $"{where}: {error.Message}";
    }

    internal static int NonNegative(int value, string option) =>
        value >= 0 ? value : throw new CliException($"{option} must be 0 or more");

    private static string FormatFromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jsonl" or ".ndjson" or ".json" => "jsonl",
        ".csv" => "csv",
        var other => throw new CliException(
            $"cannot tell the format of '{path}' from its extension '{other}'; pass --format jsonl or --format csv"),
    };
}
