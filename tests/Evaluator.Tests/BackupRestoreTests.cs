using System.Diagnostics;
using System.Net;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.TestSupport;
using Google.Protobuf;
using StackExchange.Redis;
using EvaluatorClient = ClinicalAspire.Contracts.Evaluator.V1.Evaluator.EvaluatorClient;

namespace ClinicalAspire.Evaluator.Tests;

/// <summary>
/// The store's backup and restore as deployed: the CronJob's script (BGSAVE, then the RDB copied) against a real
/// append-only redis-server, the store wiped, the restore script on a fresh data folder, and every dataset and run read
/// back through the Evaluator's gRPC API exactly as before.
/// </summary>
public sealed class BackupRestoreTests
{
    private static string Script(string name) => Path.Combine(RedisServerProcess.RepositoryRoot(), "deploy", "k8s", "base", "backup", name);

    private static async Task<string> RunScriptAsync(string script, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Script(script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{script} exited with {process.ExitCode}: {await errors}");
        return await output;
    }

    /// <summary>Everything a client can read: datasets with all their records, runs with all their records.</summary>
    private static async Task<List<IMessage>> ReadEverythingAsync(EvaluatorClient client)
    {
        var everything = new List<IMessage>();
        var datasets = await client.ListDatasetsAsync(new ListDatasetsRequest());
        everything.Add(datasets);
        foreach (var dataset in datasets.Datasets)
        {
            everything.Add(await client.GetDatasetAsync(new GetDatasetRequest { DatasetId = dataset.DatasetId, Limit = 1000 }));
        }
        var runs = await client.ListRunsAsync(new ListRunsRequest());
        everything.Add(runs);
        foreach (var run in runs.Runs)
        {
            everything.Add(await client.GetRunAsync(new GetRunRequest { RunId = run.RunId }));
            var records = await client.ListRunRecordsAsync(new ListRunRecordsRequest { RunId = run.RunId, Limit = 1000 });
            // Stored in a hash: the order of a page is not part of the contract.
            var ordered = new ListRunRecordsResponse { Total = records.Total };
            ordered.Records.AddRange(records.Records.OrderBy(r => r.RecordId, StringComparer.Ordinal));
            everything.Add(ordered);
        }
        return everything;
    }

    [Fact]
    public async Task A_snapshot_taken_as_the_cronjob_does_restores_every_dataset_and_run_after_a_wipe()
    {
        var root = Directory.CreateTempSubdirectory("store-backup-").FullName;
        string live = Path.Combine(root, "live"), backups = Path.Combine(root, "backups"), restored = Path.Combine(root, "restored");
        foreach (var folder in new[] { live, backups, restored })
        {
            Directory.CreateDirectory(folder);
        }
        await using var extractor = new FakeExtractor();
        await extractor.StartAsync();
        try
        {
            List<IMessage> before;
            await using (var store = await RedisServerProcess.StartAsync(RedisKind.RedisServer, live))
            {
                await using (var evaluator = await StoreTests.StartEvaluatorAsync(extractor, store.ConnectionString, cache: null))
                {
                    await StoreTests.WaitForHealthAsync(evaluator, HttpStatusCode.OK);
                    var client = new EvaluatorClient(evaluator.Channel);
                    await client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "first", Name = "First", Format = "jsonl", Content = StoreTests.Jsonl(40, "a") });
                    await client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "second", Format = "jsonl", Content = StoreTests.Jsonl(7, "b") });
                    var run = await client.StartRunAsync(new StartRunRequest { DatasetId = "first", Concurrency = 4 });
                    Assert.Equal(RunState.Completed, (await ResumeTests.WaitForStateAsync(client, run.RunId)).State);
                    before = await ReadEverythingAsync(client);

                    // The CronJob's script, KEEP=2: three snapshots leave the newest two.
                    var environment = new Dictionary<string, string>
                    {
                        ["STORE_HOST"] = "127.0.0.1",
                        ["STORE_PORT"] = store.Port.ToString(),
                        ["STORE_DATA_DIR"] = live,
                        ["BACKUP_DIR"] = backups,
                        ["KEEP"] = "2",
                    };
                    for (var i = 0; i < 3; i++)
                    {
                        var backupLog = await RunScriptAsync("store-backup.sh", environment);
                        Assert.Contains("backup store-", backupLog, StringComparison.Ordinal);
                        // Snapshot names have one-second resolution.
                        await Task.Delay(1100);
                    }
                    Assert.Equal(2, Directory.GetFiles(backups, "store-*.rdb").Length);

                    // The wipe, seen by the Evaluator too.
                    await using (var admin = await ConnectionMultiplexer.ConnectAsync(store.ConnectionString + ",allowAdmin=true"))
                    {
                        await admin.GetServer(admin.GetEndPoints()[0]).FlushAllDatabasesAsync();
                    }
                    Assert.Empty((await client.ListDatasetsAsync(new ListDatasetsRequest())).Datasets);
                }
            }

            var restoreLog = await RunScriptAsync("store-restore.sh",
                new Dictionary<string, string> { ["STORE_DATA_DIR"] = restored, ["BACKUP_DIR"] = backups, ["RESTORE_PORT"] = RedisServerProcess.FreePort().ToString() },
                "latest");
            Assert.Contains("restored", restoreLog, StringComparison.Ordinal);

            // The store as deployed: append-only, on the restored folder.
            await using (var store = await RedisServerProcess.StartAsync(RedisKind.RedisServer, restored))
            await using (var evaluator = await StoreTests.StartEvaluatorAsync(extractor, store.ConnectionString, cache: null))
            {
                await StoreTests.WaitForHealthAsync(evaluator, HttpStatusCode.OK);
                var after = await ReadEverythingAsync(new EvaluatorClient(evaluator.Channel));
                Assert.Equal(before.Count, after.Count);
                for (var i = 0; i < before.Count; i++)
                {
                    Assert.Equal(before[i], after[i]);
                }
                Assert.Contains(after.OfType<GetDatasetResponse>(), d => d.Info.DatasetId == "first" && d.Records.Count == 40);
                Assert.Contains(after.OfType<ListRunRecordsResponse>(), r => r.Records.Count == 40);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
