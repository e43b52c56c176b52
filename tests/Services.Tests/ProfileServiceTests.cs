using System.Text.Json;
using ClinicalAspire.Contracts.Extractor.V1;
using ClinicalAspire.TestSupport;
using Grpc.Core;

namespace ClinicalAspire.Services.Tests;

/// <summary>The Extractor and the Translator hosting several engine profiles from one file, over real gRPC.</summary>
public sealed class ProfileServiceTests : IAsyncLifetime
{
    private const string Note = "بیمار از دیشب درد شدید دارد.";
    private const string English = "The patient has had severe pain since last night.";
    private readonly string _folder = Directory.CreateTempSubdirectory("profiles-").FullName;
    private OpenAICompatibleServer _server = null!;

    internal static readonly string[] StudyNames =
    [
        "Patient requested a doctor's visit", "Psychiatric and psychological complaints", "Sleep disorders", "Loss of appetite", "Seizures",
        "Weakness and fatigue", "Decreased level of consciousness", "Fever", "Respiratory complaints", "Insurance/treatment cost issues",
        "Urinary tract issues", "Pain", "Gastrointestinal issues",
    ];

    // Answers like a vLLM server would: a translation for the translator's prompt, the study's layout for the extractor's.
    private static string Answer(JsonElement request)
    {
        var system = OpenAICompatibleServer.Content(request.GetProperty("messages")[0]);
        return system.Contains("translat", StringComparison.OrdinalIgnoreCase)
            ? English
            : string.Join("\n", StudyNames.Select(n => $"{n}: {(n is "Pain" or "Insurance/treatment cost issues" ? "True" : "False")},")) + " ";
    }

    public async Task InitializeAsync() => _server = await OpenAICompatibleServer.StartAsync(Answer);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private string ProfilesFile()
    {
        var closedPort = RedisServerProcess.FreePort();
        var path = Path.Combine(_folder, "profiles.json");
        File.WriteAllText(path, $$$"""
            {"profiles": [
              {"name": "rules"},
              {"name": "qwen", "concurrency": 16,
               "extractor": {"engine": "openai", "endpoint": "{{{_server.Endpoint}}}", "model": "Qwen/Qwen2.5-7B-Instruct", "promptProfile": "study"},
               "translator": {"engine": "openai", "endpoint": "{{{_server.Endpoint}}}", "model": "CohereForAI/aya-expanse-8b"}},
              {"name": "down", "extractor": {"engine": "openai", "endpoint": "http://127.0.0.1:{{{closedPort}}}/v1", "model": "m"}}
            ]}
            """);
        return path;
    }

    [Fact]
    public async Task Profiles_answer_side_by_side_keep_every_model_answer_and_report_their_state()
    {
        var file = ProfilesFile();
        await using var translator = await ServiceProcess.StartAsync("Translator.Service", new Dictionary<string, string> { ["Profiles__File"] = file });
        await using var extractor = await ServiceProcess.StartAsync("Extractor.Service", new Dictionary<string, string>
        {
            ["Profiles__File"] = file,
            ["Services__translator__Address"] = translator.GrpcAddress,
        });
        var client = new Extractor.ExtractorClient(extractor.Channel);

        // The default profile (the first) is the embedded rule engine.
        var rules = await client.ExtractAsync(new ExtractRequest { Text = Note, Language = "fa" });
        Assert.Equal(("rules", "rules"), (rules.Profile, rules.Engine.Engine));

        // The served model, translate-first: both model calls kept, in order, exactly as the server sent them.
        var qwen = await client.ExtractAsync(new ExtractRequest
        {
            Text = Note, Language = "fa", Strategy = "translate-first", Profile = "qwen", IncludeRawOutput = true,
        });
        Assert.Equal(("qwen", "openai", "Qwen/Qwen2.5-7B-Instruct"), (qwen.Profile, qwen.Engine.Engine, qwen.Engine.ModelId));
        Assert.Equal("CohereForAI/aya-expanse-8b", qwen.TranslatorEngine.ModelId);
        Assert.Equal(English, qwen.Translation);
        Assert.Equal(["cost", "pain"], qwen.Features.Where(f => f.Value == FeatureValue.True).Select(f => f.Key).ToArray());
        Assert.Equal(["translate", "extract"], qwen.ModelCalls.Select(c => c.Role).ToArray());
        Assert.Equal(English, qwen.ModelCalls[0].RawOutput);
        Assert.StartsWith("Patient requested a doctor's visit: False,\n", qwen.ModelCalls[1].RawOutput);
        Assert.All(qwen.ModelCalls, c => Assert.Equal("stop", c.FinishReason));

        // Without include_raw_output the answers stay out of the response.
        var quiet = await client.ExtractAsync(new ExtractRequest { Text = Note + " ", Language = "fa", Profile = "qwen" });
        Assert.Empty(quiet.ModelCalls);

        var unknown = await Assert.ThrowsAsync<RpcException>(() => client.ExtractAsync(new ExtractRequest { Text = Note, Language = "fa", Profile = "llama" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, unknown.StatusCode);
        Assert.Contains("rules, qwen, down", unknown.Status.Detail);

        // A profile whose server is down: GetInfo and /health say so, with the reason.
        var info = await client.GetInfoAsync(new GetInfoRequest());
        Assert.Equal(["rules", "qwen", "down"], info.Profiles.Select(p => p.Name).ToArray());
        Assert.Equal(["Healthy", "Healthy", "Unhealthy"], info.Profiles.Select(p => p.Status).ToArray());
        Assert.Contains("unreachable", info.Profiles[2].Detail);
        Assert.True(info.Profiles[0].IsDefault);
        using var http = new HttpClient();
        var health = await http.GetAsync($"{extractor.HttpAddress}/health");
        var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        Assert.Contains("profile 'down'", body.GetProperty("checks").GetProperty("engines").GetProperty("description").GetString());
    }

    [Fact]
    public async Task A_broken_profiles_file_stops_the_service_at_start_naming_the_line()
    {
        var path = Path.Combine(_folder, "broken.json");
        File.WriteAllText(path, "{\"profiles\": [\n  {\"name\": \"a\"},\n  {\"name\": \"b\", \"extractor\": {\"engine\": \"rules\", \"temprature\": 0}}\n]}");
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ServiceProcess.StartAsync("Extractor.Service", new Dictionary<string, string> { ["Profiles__File"] = path }));
        Assert.Contains("line 3", error.Message);
    }
}
