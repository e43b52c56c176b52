using System.Diagnostics.Metrics;
using System.Text;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Models;
using ClinicalAspire.Engines.Models.Prompts;
using ClinicalAspire.Engines.Profiles;
using ClinicalAspire.TinyModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace ClinicalAspire.ModelEngines.Tests;

/// <summary>
/// Shared-prefix reuse on the ONNX route (GenAiChatClient and its generator pool) against tiny decoders: the same answers
/// with and without it, a fraction of the prompt read again on later notes, concurrency, JSON guidance, cancellation.
/// </summary>
public sealed class PrefixReuseTests : IClassFixture<TempFolder>
{
    private static readonly IReadOnlyList<FeatureDefinition> Features = FeatureCatalogue.Default.Features;
    private static readonly HashSet<string> Positive = ["pain", "respiratory", "sleep"];

    // Persian notes of different lengths; each is a short tail behind the study prompt's ~shared system text and examples.
    private static readonly string[] Notes =
    [
        "بیمار از دیروز درد شدید شکم دارد و شب‌ها نمی‌خوابد.",
        "همراه بیمار می‌گوید تنگی نفس دارد.",
        "بیمار تب ندارد ولی درد پا و بی‌خوابی دارد و خیلی ضعیف شده است.",
        "درد دارد.",
    ];

    private readonly TempFolder _temp;

    public PrefixReuseTests(TempFolder temp) => _temp = temp;

    private string StudyModel(string name)
    {
        var profile = PromptProfile.Load(PromptProfile.Study, FeatureCatalogue.Default);
        var labels = Features.ToDictionary(f => f.Key, f => Positive.Contains(f.Key));
        return _temp.Model(profile.FilledTemplate(profile.For(Languages.Persian), Features, labels), name: name);
    }

    private static ModelEngineOptions Study(string folder, bool reuse, int? concurrency = null) => new()
    {
        Kind = "onnx", ModelPath = folder, PromptMode = "study", PromptProfile = "study", PrefixReuse = reuse, MaxConcurrency = concurrency,
    };

    [Fact]
    public async Task Study_answers_are_the_same_with_and_without_reuse_and_later_notes_read_a_fraction_of_the_prompt()
    {
        var folder = StudyModel("tiny-prefix-study");
        using var reused = ChatExtractionEngine.Create(Study(folder, reuse: true));
        using var full = ChatExtractionEngine.Create(Study(folder, reuse: false));
        // An execution detail, not a decoding setting: results and cache entries are shared.
        Assert.Equal(full.Descriptor.PromptVersion, reused.Descriptor.PromptVersion);

        for (int i = 0; i < Notes.Length; i++)
        {
            var input = new ExtractionInput(Notes[i], Languages.Persian, Features, IncludeRawOutput: true);
            var a = await reused.ExtractAsync(input, CancellationToken.None);
            var b = await full.ExtractAsync(input, CancellationToken.None);

            Assert.Equal(b.RawOutput, a.RawOutput);
            Assert.Equal(b.Answers, a.Answers);
            Assert.Equal(Positive.Order(), a.Answers.Where(x => x.Value == FeatureValue.True).Select(x => x.Key).Order());
            Assert.Equal(10, a.Answers.Count(x => x.Value == FeatureValue.False));

            var withReuse = Assert.Single(a.Calls);
            var without = Assert.Single(b.Calls);
            Assert.Equal((without.PromptTokens, without.CompletionTokens, "stop"), (withReuse.PromptTokens, withReuse.CompletionTokens, withReuse.FinishReason));
            Assert.Equal(without.PromptTokens, without.PrefillTokens);
            Assert.True(withReuse.PromptTokens > 500, $"the study prompt has {withReuse.PromptTokens} tokens");
            if (i == 0)
            {
                Assert.Equal(withReuse.PromptTokens, withReuse.PrefillTokens);
            }
            else
            {
                Assert.InRange(withReuse.PrefillTokens, 1, withReuse.PromptTokens * 3 / 10);
            }
        }
    }

    [Fact]
    public async Task A_rewound_generator_holds_exactly_the_new_prompt_and_answer()
    {
        var folder = StudyModel("tiny-prefix-kv");
        using var client = new GenAiChatClient(new Config(folder), folder, prefixReuse: true, poolSize: 1, defaultMaxNewTokens: 512);
        var first = await client.GetResponseAsync(StudyChat(Notes[0]));
        var second = await client.GetResponseAsync(StudyChat(Notes[1]));

        Assert.Equal(first.Text, second.Text);
        Assert.Equal(ChatFinishReason.Stop, second.FinishReason);
        var prefill = (int)second.Messages[0].AdditionalProperties![ModelCallMetadata.PrefillTokensKey]!;
        Assert.InRange(prefill, 1, (int)second.Usage!.InputTokenCount! - 1);

        var pooled = Assert.Single(client.Pool.Idle());
        // Sequence = the second prompt and its answer (the stop token included); the KV cache holds all but that last token,
        // so nothing of the first note's tail survived the rewind.
        Assert.Equal((int)(second.Usage.InputTokenCount + second.Usage.OutputTokenCount)!, pooled.Held.Length);
        using var cache = pooled.Generator.GetOutput("present.0.key");
        Assert.Equal(pooled.Held.Length - 1, cache.Shape()[2]);
    }

    [Fact]
    public async Task Concurrent_calls_all_answer_correctly_and_the_pool_keeps_at_most_the_concurrency_limit()
    {
        var folder = StudyModel("tiny-prefix-concurrent");
        using var engine = ChatExtractionEngine.Create(Study(folder, reuse: true, concurrency: 3));
        var outputs = await Task.WhenAll(Enumerable.Range(0, 9).Select(i => engine.ExtractAsync(
            new ExtractionInput(Notes[i % Notes.Length] + $" ({i})", Languages.Persian, Features, IncludeRawOutput: true), CancellationToken.None)));

        foreach (var output in outputs)
        {
            Assert.Equal(Positive.Order(), output.Answers.Where(x => x.Value == FeatureValue.True).Select(x => x.Key).Order());
            var call = Assert.Single(output.Calls);
            Assert.Equal("stop", call.FinishReason);
            Assert.InRange(call.PrefillTokens, 1, call.PromptTokens);
        }
        // At most three ran at once, so at most three read the whole prompt; the rest reused a prefix.
        Assert.InRange(outputs.Count(o => o.Calls[0].PrefillTokens == o.Calls[0].PromptTokens), 1, 3);
    }

    [Fact]
    public async Task Json_mode_calls_reuse_the_prefix_and_stay_valid_under_guidance()
    {
        var json = "{" + string.Join(",", Features.Select(f => $"\"{f.Key}\":{{\"value\":{(f.Key == "pain" ? "true" : "false")},\"evidence\":\"{(f.Key == "pain" ? "pain" : "")}\"}}")) + "}";
        var folder = _temp.Model(json, name: "tiny-prefix-json");
        using var engine = ChatExtractionEngine.Create(new ModelEngineOptions { Kind = "onnx", ModelPath = folder, PromptMode = "json" });

        string[] notes = ["The patient has pain.", "Caller says the patient has pain in the leg.", "Pain since yesterday."];
        for (int i = 0; i < notes.Length; i++)
        {
            var output = await engine.ExtractAsync(new ExtractionInput(notes[i], Languages.English, Features, IncludeRawOutput: true), CancellationToken.None);
            Assert.Equal(json, output.RawOutput);
            Assert.Equal(FeatureValue.True, output.Answers.Single(a => a.Key == "pain").Value);
            var call = Assert.Single(output.Calls);
            // The guidance state is reset on rewind (a grammar left in its accepting state would forbid the opening brace).
            Assert.True(i == 0 ? call.PrefillTokens == call.PromptTokens : call.PrefillTokens < call.PromptTokens / 2,
                $"note {i}: {call.PrefillTokens} of {call.PromptTokens} prefilled");
        }
    }

    [Fact]
    public async Task Cancellation_mid_generation_leaves_the_pool_usable()
    {
        var folder = StudyModel("tiny-prefix-cancel");
        using var client = new GenAiChatClient(new Config(folder), folder, prefixReuse: true, poolSize: 1, defaultMaxNewTokens: 512);
        var expected = (await client.GetResponseAsync(StudyChat(Notes[0]))).Text;

        using var cancel = new CancellationTokenSource();
        client.TokenGenerated = n =>
        {
            if (n == 5)
            {
                cancel.Cancel();
            }
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync(StudyChat(Notes[1]), cancellationToken: cancel.Token));
        client.TokenGenerated = null;
        var kept = Assert.Single(client.Pool.Idle());
        Assert.True(kept.Held.Length > 500);

        var after = await client.GetResponseAsync(StudyChat(Notes[2]));
        Assert.Equal(expected, after.Text);
        Assert.True((int)after.Messages[0].AdditionalProperties![ModelCallMetadata.PrefillTokensKey]! < after.Usage!.InputTokenCount / 3);
    }

    [Fact]
    public async Task Different_settings_get_their_own_generator_and_the_budget_cuts_with_length()
    {
        var folder = StudyModel("tiny-prefix-settings");
        using var client = new GenAiChatClient(new Config(folder), folder, prefixReuse: true, poolSize: 2, defaultMaxNewTokens: 512);
        var chat = StudyChat(Notes[0]);
        var full = await client.GetResponseAsync(chat);

        // A budget of 5 tokens: cut, "length"; the generator (big enough) is reused.
        var cut = await client.GetResponseAsync(chat, new ChatOptions { MaxOutputTokens = 5 });
        Assert.Equal(ChatFinishReason.Length, cut.FinishReason);
        Assert.Equal(5, cut.Usage!.OutputTokenCount);
        Assert.StartsWith(cut.Text, full.Text);
        Assert.True(Prefill(cut) < 10);

        // Another search option (repetition penalty): its own generator, the whole prompt read.
        var penalised = await client.GetResponseAsync(chat, new ChatOptions { AdditionalProperties = new() { ["repetition_penalty"] = 1.0 } });
        Assert.Equal(full.Text, penalised.Text);
        Assert.Equal((int)penalised.Usage!.InputTokenCount!, Prefill(penalised));

        // Sampling: never reused (the seeded random state cannot be reset), the same seed gives the same answer.
        var sampling = new ChatOptions { Temperature = 0.7f, Seed = 7, AdditionalProperties = new() { ["do_sample"] = true } };
        var s1 = await client.GetResponseAsync(chat, sampling);
        var s2 = await client.GetResponseAsync(chat, sampling);
        Assert.Equal(s1.Text, s2.Text);
        Assert.Equal((int)s2.Usage!.InputTokenCount!, Prefill(s2));
        Assert.Equal(2, client.Pool.Idle().Length);

        static int Prefill(ChatResponse response) => (int)response.Messages[0].AdditionalProperties![ModelCallMetadata.PrefillTokensKey]!;
    }

    [Fact]
    public async Task Prefill_tokens_are_recorded_in_the_histogram_with_engine_model_and_operation()
    {
        var folder = StudyModel("tiny-prefix-metrics");
        var recorded = new List<(int Tokens, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ModelEngineMetrics.Name && instrument.Name == ModelEngineMetrics.PrefillTokensInstrument)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            var map = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value;
            }
            // The model id is the folder name and its content hash (ModelIdentity).
            if (map.GetValueOrDefault("model") is string model && model.StartsWith("tiny-prefix-metrics@", StringComparison.Ordinal))
            {
                lock (recorded)
                {
                    recorded.Add((value, map));
                }
            }
        });
        listener.Start();

        using var engine = ChatExtractionEngine.Create(Study(folder, reuse: true));
        var calls = new List<int>();
        foreach (var note in Notes.Take(2))
        {
            var output = await engine.ExtractAsync(new ExtractionInput(note, Languages.Persian, Features, IncludeRawOutput: true), CancellationToken.None);
            calls.Add(output.Calls[0].PrefillTokens);
        }

        Assert.Equal(calls, recorded.Select(r => r.Tokens));
        Assert.All(recorded, r => Assert.Equal(["engine", "model", "operation"], r.Tags.Keys.Order()));
        Assert.All(recorded, r => Assert.Equal(("onnx", "extract"), ((string)r.Tags["engine"]!, (string)r.Tags["operation"]!)));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("false", false)]
    [InlineData("True", true)]
    public void PrefixReuse_is_read_from_configuration(string? value, bool expected)
    {
        var values = new Dictionary<string, string?> { ["Kind"] = "onnx" };
        if (value is not null)
        {
            values["PrefixReuse"] = value;
        }
        var options = ModelEngineOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        Assert.Equal(expected, options.PrefixReuse);
    }

    [Fact]
    public void PrefixReuse_that_is_not_a_boolean_is_rejected()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["PrefixReuse"] = "sometimes" }).Build();
        var error = Assert.Throws<ModelEngineConfigurationException>(() => ModelEngineOptions.FromConfiguration(section));
        Assert.Contains("Engine:PrefixReuse 'sometimes' must be true or false.", error.Errors);
    }

    [Fact]
    public void Profiles_file_reads_prefixReuse_strictly()
    {
        var folder = StudyModel("tiny-prefix-profile");
        var path = folder.Replace("\\", "\\\\", StringComparison.Ordinal);
        var set = EngineProfilesFile.Parse(Encoding.UTF8.GetBytes(
            $$$"""{"profiles": [{"name": "off", "extractor": {"engine": "onnx", "modelPath": "{{{path}}}", "prefixReuse": false}}, {"name": "on", "extractor": {"engine": "onnx", "modelPath": "{{{path}}}"}}]}"""),
            "profiles.json");
        Assert.False(set.Find("off")!.Extractor.Model!.PrefixReuse);
        Assert.True(set.Find("on")!.Extractor.Model!.PrefixReuse);

        var error = Assert.Throws<EngineProfilesException>(() => EngineProfilesFile.Parse(Encoding.UTF8.GetBytes(
            $$$"""{"profiles": [{"name": "x", "extractor": {"engine": "onnx", "modelPath": "{{{path}}}", "prefixReuse": "yes"}}]}"""), "profiles.json"));
        Assert.Contains("line 1", error.Message);
    }

    /// <summary>The study-profile chat for a Persian note, as the extraction engine builds it.</summary>
    private static List<ChatMessage> StudyChat(string note)
    {
        var profile = PromptProfile.Load(PromptProfile.Study, FeatureCatalogue.Default);
        var prompt = profile.For(Languages.Persian);
        var chat = new List<ChatMessage> { new(ChatRole.System, profile.SystemMessage(prompt, Features)) };
        foreach (var example in prompt.Examples.Examples)
        {
            chat.Add(new ChatMessage(ChatRole.User, PromptProfile.UserTurn(prompt, example.Text)));
            chat.Add(new ChatMessage(ChatRole.Assistant, profile.FilledTemplate(prompt, Features, example.Labels)));
        }
        chat.Add(new ChatMessage(ChatRole.User, PromptProfile.UserTurn(prompt, note)));
        return chat;
    }
}
