using System.Text;
using System.Text.Json;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Models;
using ClinicalAspire.Engines.Profiles;
using ClinicalAspire.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClinicalAspire.ModelEngines.Tests;

/// <summary>Engine profiles from a file, the study's prompt profile as the model receives it, every model call kept.</summary>
public sealed class ProfileTests
{
    private static readonly IReadOnlyList<FeatureDefinition> Features = FeatureCatalogue.Default.Features;

    private static readonly string[] StudyNamesEn =
    [
        "Patient requested a doctor's visit", "Psychiatric and psychological complaints", "Sleep disorders", "Loss of appetite", "Seizures",
        "Weakness and fatigue", "Decreased level of consciousness", "Fever", "Respiratory complaints", "Insurance/treatment cost issues",
        "Urinary tract issues", "Pain", "Gastrointestinal issues",
    ];

    private static readonly string[] StudyNamesFa =
    [
        "درخواست بیمار برای ویزیت پزشک", "شکایات روانی و روان‌شناختی", "اختلالات خواب", "از دست دادن اشتها", "تشنج", "ضعف و خستگی",
        "کاهش سطح هوشیاری", "تب", "شکایات تنفسی", "مشکلات بیمه/هزینه درمان", "مشکلات دستگاه ادراری", "درد", "مشکلات گوارشی",
    ];

    /// <summary>An answer in the study's layout: one field per line, "Name: True,", the last followed by ", ".</summary>
    private static string StudyAnswer(string[] names, params string[] positives) =>
        string.Join("\n", Features.Select((f, i) => $"{names[i]}: {(positives.Contains(f.Key) ? "True" : "False")},")) + " ";

    private static EngineProfileSet Parse(string json, Func<string, string?>? secrets = null) =>
        EngineProfilesFile.Parse(Encoding.UTF8.GetBytes(json), "profiles.json", secrets);

    [Fact]
    public void A_profiles_file_gives_named_pairs_and_the_first_is_the_default()
    {
        var set = Parse("""
            {"profiles": [
              {"name": "rules", "extractor": {"engine": "rules"}, "translator": {"engine": "gloss"}},
              {"name": "qwen2.5-7b", "concurrency": 64,
               "extractor": {"engine": "openai", "endpoint": "http://127.0.0.1:8000/v1", "model": "Qwen/Qwen2.5-7B-Instruct",
                             "promptMode": "study", "promptProfile": "study", "maxNewTokens": 512, "temperature": 0, "seed": 42,
                             "apiKeySecret": "vllm-key"},
               "translator": {"engine": "openai", "endpoint": "http://127.0.0.1:8001/v1", "model": "CohereForAI/aya-expanse-8b"}}
            ]}
            """, secret => secret == "vllm-key" ? "s3cret" : null);

        Assert.Equal(["rules", "qwen2.5-7b"], set.Profiles.Select(p => p.Name).ToArray());
        Assert.Equal("rules", set.DefaultName);
        Assert.Equal("rules", set.Find(null)!.Name);
        Assert.Equal("rules", set.Find("default")!.Name);
        Assert.Null(set.Find("llama"));
        var qwen = set.Find("qwen2.5-7b")!;
        Assert.Equal(64, qwen.Concurrency);
        Assert.Equal("study", qwen.Extractor.Model!.PromptProfile);
        Assert.Equal("s3cret", qwen.Extractor.Model.ApiKey);
        Assert.Equal(64, qwen.Extractor.Model.MaxConcurrency);
        Assert.Equal("openai", qwen.Translator.Kind);
    }

    [Theory]
    [InlineData("{\"profiles\": [\n  {\"name\": \"a\",\n   \"extractor\": {\"engine\": \"rules\",}\n  ,\n", "line ")]
    [InlineData("{\"profiles\": [\n  {\"name\": \"a\"},\n  {\"name\": \"b\", \"extractor\": {\"engine\": \"rules\", \"maxNewToken\": 5}}\n]}", "line 3")]
    [InlineData("{\"profiles\": [\n  {\"name\": \"a\"},\n  {\"name\": \"b\",\n   \"extractor\": {\"engine\": \"llama\"}}\n]}", "line 3: profile 'b': extractor.engine 'llama' is unknown")]
    [InlineData("{\"profiles\": [\n  {\"name\": \"a\", \"extractor\": {\"engine\": \"openai\", \"model\": \"m\"}}\n]}", "line 2: profile 'a': extractor.Endpoint is required")]
    [InlineData("{\"profiles\": [\n  {\"name\": \"a\"},\n  {\"name\": \"a\"}\n]}", "line 3: profile 'a' appears twice")]
    [InlineData("{\"profiles\": [\n  {\"name\": \"a\", \"extractor\": {\"engine\": \"openai\", \"endpoint\": \"http://x/v1\", \"model\": \"m\", \"apiKeySecret\": \"k\"}}\n]}", "no secret of that name")]
    public void A_broken_profiles_file_names_the_line_and_the_problem(string json, string expected)
    {
        var error = Assert.Throws<EngineProfilesException>(() => Parse(json));
        Assert.Contains(expected, error.Message);
        Assert.Contains("profiles.json", error.Message);
    }

    [Fact]
    public async Task A_request_for_an_unknown_profile_names_the_known_ones_and_a_profile_that_cannot_load_says_why()
    {
        var set = Parse("""{"profiles": [{"name": "rules"}, {"name": "broken", "extractor": {"engine": "openai", "endpoint": "http://127.0.0.1:9/v1", "model": "m"}}]}""");
        using var host = new EngineProfileHost<IFeatureExtractionEngine>(set, "extractor",
            profile => profile.Name == "broken" ? throw new InvalidDataException("model folder has no genai_config.json") : new Engines.Rules.RuleExtractionEngine(),
            NullLogger.Instance);
        await host.LoadAllAsync();

        var unknown = await Assert.ThrowsAsync<UnknownProfileException>(() => host.GetAsync("llama", CancellationToken.None));
        Assert.Contains("rules, broken", unknown.Message);
        var broken = await Assert.ThrowsAsync<ProfileUnavailableException>(() => host.GetAsync("broken", CancellationToken.None));
        Assert.Contains("genai_config.json", broken.Message);
        var (profile, engine) = await host.GetAsync(null, CancellationToken.None);
        Assert.Equal("rules", profile.Name);
        Assert.Equal("rules", engine.Descriptor.Engine);
        Assert.Equal([ProfileState.Ready, ProfileState.Failed], host.Reports().Select(r => r.State).ToArray());
    }

    [Theory]
    [InlineData("en")]
    [InlineData("fa")]
    public async Task The_study_profile_sends_the_studys_format_and_reads_the_studys_answer(string language)
    {
        var names = language == "fa" ? StudyNamesFa : StudyNamesEn;
        var answer = StudyAnswer(names, "pain", "cost", "visit_request");
        await using var server = await OpenAICompatibleServer.StartAsync(_ => answer);
        using var engine = ChatExtractionEngine.Create(new ModelEngineOptions
        {
            Kind = "openai", Endpoint = server.Endpoint, Model = "qwen", PromptMode = "study", PromptProfile = "study",
        });
        var note = language == "fa" ? "بیمار درد دارد و هزینه داروها را ندارند." : "The patient has pain and cannot pay for the drugs.";

        var output = await engine.ExtractAsync(new ExtractionInput(note, language, Features, IncludeRawOutput: true), CancellationToken.None);

        Assert.Equal(["visit_request", "cost", "pain"], output.Answers.Where(a => a.Value == FeatureValue.True).Select(a => a.Key).ToArray());
        Assert.Equal(10, output.Answers.Count(a => a.Value == FeatureValue.False));
        var call = Assert.Single(output.Calls);
        Assert.Equal(answer, call.RawOutput);
        Assert.Equal("stop", call.FinishReason);
        Assert.Equal((10, 5), (call.PromptTokens, call.CompletionTokens));

        // The exact prompt: the language's system text, then the multi-line empty template with the study's names.
        var messages = Assert.Single(server.Requests).GetProperty("messages").EnumerateArray().Select(OpenAICompatibleServer.Content).ToArray();
        var system = File.ReadAllText(Path.Combine(DataFolder, "prompts", "study", $"system.{language}.txt")).TrimEnd('\n');
        var templateNames = names.ToArray();
        if (language == "en")
        {
            templateNames[0] = "Patient requested for doctor's visit"; // the study's empty template spells it so
        }
        Assert.Equal(system + "\n{\n" + string.Join("\n", templateNames.Select(n => n + ": ,")) + "}", messages[0]);
        // Examples: the same three notes in both languages, answered in the study's layout; user turns carry the lead-in.
        var leadIn = JsonDocument.Parse(File.ReadAllText(Path.Combine(DataFolder, "prompts", "study", "lead-in.json"))).RootElement.GetProperty(language).GetString();
        var examples = JsonDocument.Parse(File.ReadAllText(Path.Combine(DataFolder, "prompts", "study", $"examples.{language}.json"))).RootElement.GetProperty("examples");
        Assert.Equal(8, messages.Length);
        Assert.Equal($"{leadIn} {examples[0].GetProperty("text").GetString()}", messages[1]);
        var labels = examples[0].GetProperty("labels");
        Assert.Equal(StudyAnswer(names, Features.Where(f => labels.GetProperty(f.Key).GetBoolean()).Select(f => f.Key).ToArray()), messages[2]);
        Assert.Equal($"{leadIn} {note}", messages[7]);
        Assert.StartsWith("study-", engine.Descriptor.PromptVersion);
    }

    [Fact]
    public async Task The_study_profile_parses_strictly_and_a_cut_answer_is_recorded_as_truncated()
    {
        // "true" in lower case is not the study's True: strict parsing makes it missing; the answer stops mid-template.
        var cut = StudyAnswer(StudyNamesEn, "fever").Replace("Seizures: False", "Seizures: true", StringComparison.Ordinal)[..200];
        await using var server = await OpenAICompatibleServer.StartAsync(_ => new ServerAnswer(cut, "length", 800, 512));
        using var engine = ChatExtractionEngine.Create(new ModelEngineOptions
        {
            Kind = "openai", Endpoint = server.Endpoint, Model = "qwen", PromptMode = "study", PromptProfile = "study",
        });

        var output = await engine.ExtractAsync(new ExtractionInput("The patient has a fever.", "en", Features, IncludeRawOutput: true), CancellationToken.None);

        Assert.Equal(FeatureValue.Missing, output.Answers.Single(a => a.Key == "seizure").Value);
        Assert.Equal(FeatureValue.Missing, output.Answers.Single(a => a.Key == "gastrointestinal").Value);
        Assert.Equal(FeatureValue.False, output.Answers.Single(a => a.Key == "visit_request").Value);
        var call = Assert.Single(output.Calls);
        Assert.True(call.IsTruncated);
        Assert.Equal((800, 512), (call.PromptTokens, call.CompletionTokens));
    }

    [Fact]
    public async Task A_model_server_that_refuses_connections_for_a_few_seconds_does_not_fail_the_call()
    {
        var port = RedisServerProcess.FreePort();
        using var engine = ChatExtractionEngine.Create(new ModelEngineOptions
        {
            Kind = "openai", Endpoint = $"http://127.0.0.1:{port}/v1", Model = "qwen", PromptMode = "study",
        });
        var call = engine.ExtractAsync(new ExtractionInput("The patient has pain.", "en", Features), CancellationToken.None);

        await Task.Delay(TimeSpan.FromSeconds(2)); // connections are refused meanwhile
        Assert.False(call.IsCompleted);
        await using var server = await OpenAICompatibleServer.StartAsync(_ => StudyTemplate.Filled(Features, new Dictionary<string, bool> { ["pain"] = true }), port);

        var output = await call.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(FeatureValue.True, output.Answers.Single(a => a.Key == "pain").Value);
    }

    [Fact]
    public void Unreachable_or_overloaded_servers_are_transient_and_named_by_type_only()
    {
        var refused = new AggregateException(new HttpRequestException("connection refused to 10.0.0.1", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)));
        Assert.True(ModelServerResilience.IsTransient(refused));
        Assert.Equal("AggregateException > HttpRequestException > SocketException(ConnectionRefused)", ExceptionChain.Describe(refused));
        Assert.False(ModelServerResilience.IsTransient(new InvalidOperationException("bad schema")));
    }

    private static string DataFolder
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !Directory.Exists(Path.Combine(directory.FullName, "data", "prompts")))
            {
                directory = directory.Parent;
            }
            return Path.Combine(directory?.FullName ?? throw new DirectoryNotFoundException("data/prompts"), "data");
        }
    }
}
