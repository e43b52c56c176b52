using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.TestSupport;
using Google.Protobuf;
using Xunit.Abstractions;

namespace ClinicalAspire.Services.Tests;

/// <summary>
/// The study reproduced end to end: the Evaluator, the Extractor and the Translator as real processes hosting three engine
/// profiles from one file, two of them served by a local OpenAI-compatible server answering in the study's exact layout
/// and field names. The table the CLI and the dashboard print is recomputed from the exported predictions with scikit-learn.
/// </summary>
public sealed class StudyMatrixTests(ITestOutputHelper output) : IAsyncLifetime
{
    // The catalogue's keys in the study's order (ProfileServiceTests.StudyNames holds the study's names in the same order).
    private static readonly string[] Keys =
    [
        "visit_request", "psychological", "sleep", "appetite_loss", "seizure", "fatigue", "consciousness", "fever", "respiratory",
        "cost", "urinary", "pain", "gastrointestinal",
    ];

    private readonly string _folder = Directory.CreateTempSubdirectory("study-matrix-").FullName;
    private readonly Dictionary<string, JsonObject> _labelsByText = new(StringComparer.Ordinal);
    private RedisServerProcess _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer);

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Demo notes, made distinct when more are needed than the file holds; the server looks their labels up.</summary>
    private ByteString Dataset(int records)
    {
        var demo = File.ReadLines(Path.Combine(RedisServerProcess.RepositoryRoot(), "data", "demo", "demo.jsonl")).Where(l => l.Length > 0).ToArray();
        var lines = new List<string>();
        for (var i = 0; i < records; i++)
        {
            var record = JsonNode.Parse(demo[i % demo.Length])!.AsObject();
            record["id"] = $"s-{i:D4}";
            record["text"] = i < demo.Length ? record["text"]!.GetValue<string>() : $"{record["text"]} ({i})";
            record.Remove("translation");
            _labelsByText[record["text"]!.GetValue<string>()] = record["labels"]!.AsObject();
            lines.Add(record.ToJsonString());
        }
        return ByteString.CopyFromUtf8(string.Join('\n', lines));
    }

    private static uint Hash(string text) => BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// Answers as a vLLM server would: a translation that names the note for the Translator's prompt, and for the
    /// Extractor's the study's multi-line layout with the study's names, wrong on a share of the features that depends on
    /// the model; "llama" also leaves fields out and is sometimes cut at the token budget.
    /// </summary>
    private ServerAnswer Answer(JsonElement request)
    {
        var model = request.GetProperty("model").GetString()!;
        var messages = request.GetProperty("messages");
        var system = OpenAICompatibleServer.Content(messages[0]);
        var user = OpenAICompatibleServer.Content(messages[messages.GetArrayLength() - 1]);
        var note = _labelsByText.Keys.Where(user.Contains).MaxBy(t => t.Length);
        if (system.Contains("translat", StringComparison.OrdinalIgnoreCase))
        {
            return new ServerAnswer(note is null ? "The patient is stable." : $"Call about note {Hash(note):x8}: the caregiver describes the patient.");
        }
        var translated = note is null;
        note ??= _labelsByText.Keys.FirstOrDefault(t => user.Contains($"{Hash(t):x8}", StringComparison.Ordinal));
        if (note is null)
        {
            return new ServerAnswer("I cannot read this note.");
        }
        var labels = _labelsByText[note];
        var errorShare = model.Contains("llama", StringComparison.Ordinal) ? 4 : 10; // one in N features wrong
        var lines = new List<string>();
        for (var i = 0; i < Keys.Length; i++)
        {
            var h = Hash($"{model}|{translated}|{note}|{Keys[i]}");
            if (model.Contains("llama", StringComparison.Ordinal) && h % 23 == 0)
            {
                continue; // a field the model left out: MISSING
            }
            var truth = labels[Keys[i]]?.GetValue<bool>() ?? false;
            var value = h % (uint)errorShare == 0 ? !truth : truth;
            lines.Add($"{ProfileServiceTests.StudyNames[i]}: {(value ? "True" : "False")},");
        }
        var text = "{\n" + string.Join("\n", lines) + "\n}";
        if (model.Contains("llama", StringComparison.Ordinal) && Hash(note) % 11 == 0)
        {
            return new ServerAnswer(text[..(text.Length / 2)], "length", 800, 512);
        }
        return new ServerAnswer(text, "stop", 800, 14 * lines.Count);
    }

    private string ProfilesFile(string endpoint, int concurrency = 16)
    {
        var path = Path.Combine(_folder, "profiles.json");
        File.WriteAllText(path, $$$"""
            {"profiles": [
              {"name": "rules", "extractor": {"engine": "rules"}, "translator": {"engine": "gloss"}},
              {"name": "qwen2.5-7b", "concurrency": {{{concurrency}}},
               "extractor": {"engine": "openai", "endpoint": "{{{endpoint}}}", "model": "Qwen/Qwen2.5-7B-Instruct",
                             "promptMode": "study", "promptProfile": "study", "maxNewTokens": 512, "temperature": 0, "seed": 42},
               "translator": {"engine": "openai", "endpoint": "{{{endpoint}}}", "model": "CohereForAI/aya-expanse-8b"}},
              {"name": "llama3.1-8b", "concurrency": {{{concurrency}}},
               "extractor": {"engine": "openai", "endpoint": "{{{endpoint}}}", "model": "meta-llama/Llama-3.1-8B-Instruct",
                             "promptMode": "study", "promptProfile": "study", "maxNewTokens": 512},
               "translator": {"engine": "openai", "endpoint": "{{{endpoint}}}", "model": "CohereForAI/aya-expanse-8b"}}
            ]}
            """);
        return path;
    }

    private async Task<(ServiceProcess Translator, ServiceProcess Extractor, ServiceProcess Evaluator)> StartStackAsync(string profiles)
    {
        var translator = await ServiceProcess.StartAsync("Translator.Service", new Dictionary<string, string> { ["Profiles__File"] = profiles });
        var extractor = await ServiceProcess.StartAsync("Extractor.Service", new Dictionary<string, string>
        {
            ["Profiles__File"] = profiles,
            ["Services__translator__Address"] = translator.GrpcAddress,
        });
        var evaluator = await ServiceProcess.StartAsync("Evaluator.Service", new Dictionary<string, string>
        {
            ["ConnectionStrings__cache"] = _redis.ConnectionString,
            ["Services__extractor__Address"] = extractor.GrpcAddress,
            ["Evaluator__DemoAutorun"] = "false",
        });
        return (translator, extractor, evaluator);
    }

    private static async Task<RunInfo> WaitAsync(Evaluator.EvaluatorClient client, string runId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var run = await client.GetRunAsync(new GetRunRequest { RunId = runId });
            if (run.State is RunState.Completed or RunState.Failed or RunState.Cancelled)
            {
                return run;
            }
            Assert.True(DateTime.UtcNow < deadline, $"run {runId} still {run.State} at {run.Completed}/{run.Total}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Three_profiles_by_two_strategies_give_the_table_scikit_learn_computes_from_the_export()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(Answer);
        var (translator, extractor, evaluator) = await StartStackAsync(ProfilesFile(server.Endpoint));
        await using var _t = translator;
        await using var _x = extractor;
        await using var _e = evaluator;
        var client = new Evaluator.EvaluatorClient(evaluator.Channel);
        await client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "study", Format = "jsonl", Content = Dataset(80) });

        // Each profile as New run lists it: its own extractor and translator.
        var status = await client.GetSystemStatusAsync(new GetSystemStatusRequest());
        Assert.Equal(["rules", "qwen2.5-7b", "llama3.1-8b"], status.EngineProfiles.Select(p => p.Name).ToArray());
        Assert.Equal(["gloss", "openai", "openai"], status.EngineProfiles.Select(p => p.TranslatorEngine.Engine).ToArray());
        Assert.Equal("CohereForAI/aya-expanse-8b", status.EngineProfiles[1].TranslatorEngine.ModelId);
        Assert.All(status.EngineProfiles, p => Assert.Contains("both", p.Strategies));

        var start = new StartMatrixRequest { DatasetId = "study", Strategy = "both", BootstrapResamples = 200 };
        start.EngineProfiles.AddRange(["rules", "qwen2.5-7b", "llama3.1-8b"]);
        var matrix = await client.StartMatrixAsync(start);
        Assert.Equal(6, matrix.Runs.Count);
        var runs = new List<RunInfo>();
        foreach (var run in matrix.Runs)
        {
            runs.Add(await WaitAsync(client, run.RunId, TimeSpan.FromMinutes(3)));
        }
        Assert.All(runs, r => Assert.Equal((RunState.Completed, 0), (r.State, r.Failed)));
        Assert.True(runs[4].TruncatedOutputs > 0, "llama's cut answers are counted as truncated");
        Assert.True(runs[4].Metrics.Features.Sum(f => f.MissingTruncated) > 0, "features lost to a cut answer are counted as such");

        // The table as `clinical runs start --profile ... --wait --format json` prints it.
        var baseline = StudyTable.PickBaseline(runs, "rules");
        var compare = StudyTable.ComparisonRequest(runs, baseline, 200);
        var comparison = await client.CompareRunsAsync(compare!);
        var dataset = (await client.ListDatasetsAsync(new ListDatasetsRequest())).Datasets.Single(d => d.DatasetId == "study");
        var table = JsonDocument.Parse(StudyTable.Build(matrix.MatrixId, runs, baseline, comparison, dataset.Languages).Write("json")).RootElement;
        output.WriteLine(StudyTable.Build(matrix.MatrixId, runs, baseline, comparison, dataset.Languages).Write("markdown"));

        // Exported predictions, and the raw answers exactly as the server sent them.
        var manifest = new JsonArray();
        foreach (var run in runs)
        {
            var export = await client.ExportRunAsync(new ExportRunRequest { RunId = run.RunId, Format = "json", Content = "records" });
            var path = Path.Combine(_folder, run.RunId + ".json");
            await File.WriteAllBytesAsync(path, export.Data.ToByteArray());
            manifest.Add(new JsonObject { ["run_id"] = run.RunId, ["records"] = path, ["exclude_missing"] = run.ExcludeMissing });
            if (run.EngineProfile != "rules")
            {
                var records = JsonDocument.Parse(export.Data.ToByteArray()).RootElement.EnumerateArray().ToArray();
                var extract = records[0].GetProperty("modelCalls").EnumerateArray().Last();
                Assert.Equal("extract", extract.GetProperty("role").GetString());
                Assert.StartsWith("{\nPatient requested a doctor's visit: ", extract.GetProperty("rawOutput").GetString());
            }
        }
        var manifestPath = Path.Combine(_folder, "manifest.json");
        await File.WriteAllTextAsync(manifestPath, manifest.ToJsonString());
        var expected = JsonDocument.Parse(await RunPythonAsync(Path.Combine(AppContext.BaseDirectory, "sklearn", "study_table.py"), manifestPath)).RootElement;

        var rows = table.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(6, rows.Length);
        foreach (var row in rows)
        {
            var sk = expected.GetProperty(row.GetProperty("run_id").GetString()!);
            foreach (var metric in new[] { "macro_f1", "mcc", "sensitivity", "specificity", "missing_rate" })
            {
                foreach (var statistic in new[] { "median", "q1", "q3" })
                {
                    var ours = row.GetProperty(metric).GetProperty(statistic).GetDouble();
                    var theirs = sk.GetProperty(metric).GetProperty(statistic).GetDouble();
                    Assert.True(Math.Abs(ours - theirs) < 1e-9,
                        $"{row.GetProperty("profile")} {row.GetProperty("input")} {metric} {statistic}: table {ours}, scikit-learn {theirs}");
                }
            }
        }
        // The served models differ from each other and from the rules (the comparison is not trivially equal).
        var medians = rows.Select(r => r.GetProperty("macro_f1").GetProperty("median").GetDouble()).ToArray();
        Assert.True(medians.Distinct().Count() >= 3, string.Join(", ", medians));
        Assert.True(rows[4].GetProperty("missing_rate").GetProperty("q3").GetDouble() > 0, "llama leaves fields out");
    }

    [Fact]
    public async Task A_model_server_that_refuses_connections_for_seconds_fails_no_record_of_a_1000_record_run_at_concurrency_64()
    {
        const int Records = 1000;
        var port = RedisServerProcess.FreePort();
        var server = await OpenAICompatibleServer.StartAsync(Answer, port);
        server.Delay = TimeSpan.FromMilliseconds(25);
        var (translator, extractor, evaluator) = await StartStackAsync(ProfilesFile(server.Endpoint, concurrency: 64));
        await using var _t = translator;
        await using var _x = extractor;
        await using var _e = evaluator;
        var client = new Evaluator.EvaluatorClient(evaluator.Channel);
        await client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "load", Format = "jsonl", Content = Dataset(Records) });

        var run = await client.StartRunAsync(new StartRunRequest { DatasetId = "load", EngineProfile = "qwen2.5-7b", Strategy = "translate-first" });
        Assert.Equal(64, run.Concurrency);
        var clock = Stopwatch.StartNew();
        while ((await client.GetRunAsync(new GetRunRequest { RunId = run.RunId })).Completed < 150)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "the run did not get going");
            await Task.Delay(50);
        }
        var peakBefore = server.PeakConcurrency;

        // The server goes away (connections refused) for a few seconds, then comes back on the same port.
        await server.DisposeAsync();
        await Task.Delay(TimeSpan.FromSeconds(4));
        server = await OpenAICompatibleServer.StartAsync(Answer, port);
        server.Delay = TimeSpan.FromMilliseconds(25);
        await using var restarted = server;

        var final = await WaitAsync(client, run.RunId, TimeSpan.FromMinutes(6));
        output.WriteLine($"1,000 translate-first records at concurrency 64: {final.Completed} completed, {final.Failed} failed in {clock.Elapsed.TotalSeconds:F1} s; " +
            $"peak requests in flight at the model server: {peakBefore} before the outage, {restarted.PeakConcurrency} after");
        Assert.Equal((RunState.Completed, Records, 0), (final.State, final.Completed, final.Failed));
        // Dozens of records in flight: what a continuously batching server needs.
        Assert.True(Math.Max(peakBefore, restarted.PeakConcurrency) >= 48, $"peak in flight {peakBefore}/{restarted.PeakConcurrency}");
    }

    private static async Task<string> RunPythonAsync(string script, string argument)
    {
        // Debian's python3 (python3-sklearn); another python3 earlier on PATH may lack scikit-learn.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("python3 with scikit-learn is needed (apt-get install -y python3-sklearn)", ex);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"study_table.py failed: {await stderr}");
            return await stdout;
        }
    }
}
