using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Evaluator.Runs;
using CsvHelper;
using Google.Protobuf;
using EvaluatorClient = ClinicalAspire.Contracts.Evaluator.V1.Evaluator.EvaluatorClient;

namespace ClinicalAspire.Evaluator.Tests;

/// <summary>
/// ListRunRecords and ExportRun read a run a page at a time from the store (never every prediction at once): over
/// several pages they still list every record once, in dataset order, with totals that count every match.
/// </summary>
public sealed class PagedReadsTests(RealStackFixture stack) : IClassFixture<RealStackFixture>, IDisposable
{
    private const int Records = 2_300; // the store is read in pages of 1,000

    // An export of a few thousand records is larger than a client's default 4 MB message limit.
    private readonly Grpc.Net.Client.GrpcChannel _channel = Grpc.Net.Client.GrpcChannel.ForAddress(stack.Evaluator.GrpcAddress,
        new Grpc.Net.Client.GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });

    private EvaluatorClient Client => new(_channel);

    public void Dispose() => _channel.Dispose();

    private static ByteString Dataset(IEnumerable<int> numbers) =>
        ByteString.CopyFromUtf8(string.Concat(numbers.Select(i =>
            new JsonObject
            {
                ["id"] = $"p-{i:D5}",
                ["text"] = i % 3 == 0 ? $"بیمار درد شدید دارد {i}" : $"بیمار تب ندارد {i}",
                ["language"] = "fa",
                ["labels"] = new JsonObject { ["pain"] = i % 2 == 0, ["fever"] = i % 5 == 0 },
            }.ToJsonString() + "\n")));

    [Fact]
    public async Task Records_and_exports_keep_dataset_order_and_whole_totals_across_pages()
    {
        var order = Enumerable.Range(0, Records).Select(i => (i * 7919) % Records).ToArray(); // not sorted by id
        var ids = order.Select(i => $"p-{i:D5}").ToArray();
        await Client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "paged", Format = "jsonl", Content = Dataset(order), Replace = true });
        var run = await Client.StartRunAsync(new StartRunRequest { DatasetId = "paged", Concurrency = 8, BootstrapResamples = 50 });
        Assert.Equal(RunState.Completed, (await ResumeTests.WaitForStateAsync(Client, run.RunId)).State);

        var listed = await ListAllAsync(new ListRunRecordsRequest { RunId = run.RunId }, 700);
        Assert.Equal(ids, listed.Select(p => p.RecordId));

        // Filtered totals count every match of the run, the window only the asked-for ones.
        var errors = listed.Where(p => RunQueries.IsError(p, "", excludeMissing: false)).ToArray();
        var onlyErrors = await Client.ListRunRecordsAsync(new ListRunRecordsRequest { RunId = run.RunId, OnlyErrors = true, Offset = 5, Limit = 1000 });
        Assert.NotEmpty(errors);
        Assert.Equal(errors.Length, onlyErrors.Total);
        Assert.Equal(errors.Skip(5).Take(1000).Select(p => p.RecordId), onlyErrors.Records.Select(p => p.RecordId));
        var pain = listed.Where(p => p.Features.Any(f => f.Key == "pain" && f.Value == "true") || p.Labels["pain"] == Label.True).ToArray();
        var painPage = await Client.ListRunRecordsAsync(new ListRunRecordsRequest { RunId = run.RunId, FeatureKey = "pain", Offset = 1000, Limit = 1000 });
        Assert.Equal(pain.Length, painPage.Total);
        Assert.Equal(pain.Skip(1000).Take(1000).Select(p => p.RecordId), painPage.Records.Select(p => p.RecordId));

        var json = await Client.ExportRunAsync(new ExportRunRequest { RunId = run.RunId, Format = "json", Content = "records" });
        var exported = JsonNode.Parse(json.Data.ToStringUtf8())!.AsArray();
        Assert.Equal(ids, exported.Select(p => p!["recordId"]!.GetValue<string>()));

        var csv = await Client.ExportRunAsync(new ExportRunRequest { RunId = run.RunId, Format = "csv", Content = "records" });
        using var reader = CsvReader.Create(new StringReader(csv.Data.ToStringUtf8()), new CsvReaderOptions { HasHeader = true });
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(1)!);
        }
        Assert.Equal(ids, rows);
        Assert.Contains("pred_pain", reader.Headers);

        // Replaced by a dataset without some of the run's records: those follow the dataset's order, by id.
        var kept = order.Where(i => i % 4 != 0).Reverse().ToArray();
        await Client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "paged", Format = "jsonl", Content = Dataset(kept), Replace = true });
        var expected = kept.Select(i => $"p-{i:D5}").Concat(ids.Where(id => int.Parse(id[2..], CultureInfo.InvariantCulture) % 4 == 0).Order(StringComparer.Ordinal));
        var relisted = await ListAllAsync(new ListRunRecordsRequest { RunId = run.RunId }, 1000);
        Assert.Equal(expected, relisted.Select(p => p.RecordId));
    }

    private async Task<List<RecordPrediction>> ListAllAsync(ListRunRecordsRequest request, int limit)
    {
        var all = new List<RecordPrediction>();
        while (true)
        {
            var page = await Client.ListRunRecordsAsync(new ListRunRecordsRequest(request) { Offset = all.Count, Limit = limit });
            Assert.Equal(Records, page.Total);
            all.AddRange(page.Records);
            if (page.Records.Count < limit)
            {
                return all;
            }
        }
    }
}
