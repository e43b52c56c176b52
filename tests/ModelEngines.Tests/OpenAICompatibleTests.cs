using System.Text.Json;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Models;
using ClinicalAspire.TestSupport;

namespace ClinicalAspire.ModelEngines.Tests;

/// <summary>The OpenAI-compatible route (SK's OpenAI connector with a custom endpoint) against a local server.</summary>
public sealed class OpenAICompatibleTests
{
    private static readonly IReadOnlyList<FeatureDefinition> Features = FeatureCatalogue.Default.Features;

    private static ModelEngineOptions Options(string endpoint, string mode = "study") => new()
    {
        Kind = "openai",
        Endpoint = endpoint,
        Model = "qwen2.5-7b-instruct",
        PromptMode = mode,
    };

    [Fact]
    public async Task StudyMode_sends_the_protocol_and_reads_the_answer()
    {
        var answer = "```\n" + StudyTemplate.Filled(Features, new Dictionary<string, bool> { ["pain"] = true, ["fever"] = true }) + "\n```";
        await using var server = await OpenAICompatibleServer.StartAsync(_ => answer);
        using var engine = ChatExtractionEngine.Create(Options(server.Endpoint));

        var output = await engine.ExtractAsync(new ExtractionInput("Patient has pain and fever.", Languages.English, Features), CancellationToken.None);

        Assert.Equal(FeatureValue.True, output.Answers.Single(a => a.Key == "pain").Value);
        Assert.Equal(FeatureValue.True, output.Answers.Single(a => a.Key == "fever").Value);
        Assert.Equal(11, output.Answers.Count(a => a.Value == FeatureValue.False));

        var request = Assert.Single(server.Requests);
        Assert.Equal("qwen2.5-7b-instruct", request.GetProperty("model").GetString());
        Assert.Equal(0, request.GetProperty("temperature").GetDouble());
        Assert.Equal(42, request.GetProperty("seed").GetInt64());
        var maxTokens = request.TryGetProperty("max_completion_tokens", out var m) ? m : request.GetProperty("max_tokens");
        Assert.Equal(512, maxTokens.GetInt32());
        Assert.False(request.TryGetProperty("response_format", out _));

        var messages = request.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal(8, messages.Length);
        Assert.Equal(["system", "user", "assistant", "user", "assistant", "user", "assistant", "user"],
            messages.Select(x => x.GetProperty("role").GetString()!).ToArray());
        Assert.EndsWith(StudyTemplate.Empty(Features), Content(messages[0]));
        Assert.Equal("Patient has pain and fever.", Content(messages[7]));

        Assert.Equal("openai", engine.Descriptor.Engine);
        Assert.Equal("qwen2.5-7b-instruct", engine.Descriptor.ModelId);
        Assert.Equal("", engine.Descriptor.ExecutionProvider);
    }

    [Fact]
    public async Task JsonMode_sends_a_strict_json_schema_and_reads_evidence()
    {
        const string note = "The patient is short of breath and the oxygen saturation is 85.";
        var json = "Sure! {" + string.Join(",", Features.Select(f => f.Key == "respiratory"
            ? $"\"{f.Key}\": {{\"value\": true, \"evidence\": \"short of breath\"}}"
            : $"\"{f.Key}\": {{\"value\": false, \"evidence\": \"\"}}")) + "}";
        await using var server = await OpenAICompatibleServer.StartAsync(_ => json);
        using var engine = ChatExtractionEngine.Create(Options(server.Endpoint, "json"));

        var output = await engine.ExtractAsync(new ExtractionInput(note, Languages.English, Features), CancellationToken.None);

        var respiratory = output.Answers.Single(a => a.Key == "respiratory");
        Assert.Equal(FeatureValue.True, respiratory.Value);
        Assert.Equal(new EvidenceSpan(15, 30, "short of breath"), Assert.Single(respiratory.Evidence));
        Assert.Equal(12, output.Answers.Count(a => a.Value == FeatureValue.False));

        var request = Assert.Single(server.Requests);
        var format = request.GetProperty("response_format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        var schema = format.GetProperty("json_schema");
        Assert.True(schema.GetProperty("strict").GetBoolean());
        Assert.Equal(Features.Select(f => f.Key), schema.GetProperty("schema").GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        // Every quote bounded so the answer fits the 512 tokens asked for, and blank quotes excluded; no llguidance keys.
        int bound = JsonAnswerBudget.For(Features, 512).EvidenceMaxLength;
        Assert.Equal(17, bound);
        foreach (var feature in Features)
        {
            var evidence = schema.GetProperty("schema").GetProperty("properties").GetProperty(feature.Key).GetProperty("properties").GetProperty("evidence");
            Assert.Equal(bound, evidence.GetProperty("maxLength").GetInt32());
            Assert.Equal(JsonAnswers.EvidencePattern, evidence.GetProperty("pattern").GetString());
        }
        Assert.False(schema.GetProperty("schema").TryGetProperty("x-guidance", out _));
        Assert.Equal(512, (request.TryGetProperty("max_completion_tokens", out var m) ? m : request.GetProperty("max_tokens")).GetInt32());
        Assert.Equal(0, request.GetProperty("temperature").GetDouble());
        var messages = request.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal(2, messages.Length);
        Assert.Equal(note, Content(messages[1]));
    }

    [Fact]
    public async Task JsonMode_answer_cut_by_the_server_keeps_the_features_before_the_cut()
    {
        var answer = JsonBudgetTests.Answer(Features);
        var cut = answer[..(answer.IndexOf("تب کرده", StringComparison.Ordinal) + 2)];   // inside fever's quote
        await using var server = await OpenAICompatibleServer.StartAsync(_ => new ServerAnswer(cut, "length", 900, 512));
        using var engine = ChatExtractionEngine.Create(Options(server.Endpoint, "json"));

        var output = await engine.ExtractAsync(new ExtractionInput(JsonBudgetTests.Note, Languages.Persian, Features, IncludeRawOutput: true), CancellationToken.None);

        Assert.True(Assert.Single(output.Calls).IsTruncated);
        var fever = output.Answers.Single(a => a.Key == "fever");
        Assert.Equal(FeatureValue.True, fever.Value);
        Assert.Equal("تب", Assert.Single(fever.Evidence).Quote);
        Assert.Equal(FeatureValue.True, output.Answers.Single(a => a.Key == "sleep").Value);
        Assert.Equal(6, output.Answers.Count(a => a.Value == FeatureValue.False));
        Assert.Equal(["respiratory", "cost", "urinary", "pain", "gastrointestinal"],
            output.Answers.Where(a => a.Value == FeatureValue.Missing).Select(a => a.Key).ToArray());
    }

    [Fact]
    public async Task Translation_goes_through_the_server_and_is_cleaned()
    {
        await using var server = await OpenAICompatibleServer.StartAsync(_ => "Here is the translation:\n\"The patient has a fever of 39 degrees.\"");
        using var engine = ChatTranslationEngine.Create(new ModelEngineOptions { Kind = "openai", Endpoint = server.Endpoint, Model = "aya-expanse-8b" });

        var output = await engine.TranslateAsync("بیمار تب ۳۹ درجه دارد.", Languages.Persian, Languages.English, CancellationToken.None);

        Assert.Equal("The patient has a fever of 39 degrees.", output.Text);
        var request = Assert.Single(server.Requests);
        Assert.Equal("aya-expanse-8b", request.GetProperty("model").GetString());
        var messages = request.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Contains("translat", Content(messages[0]));
        Assert.Equal("بیمار تب ۳۹ درجه دارد.", Content(messages[1]));
    }

    private static string Content(JsonElement message) => OpenAICompatibleServer.Content(message);
}
