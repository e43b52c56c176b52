using System.Text.Json;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Models;
using ClinicalAspire.TinyModel;

namespace ClinicalAspire.ModelEngines.Tests;

/// <summary>
/// The real path: options -> ModelChatBackend -> GenAiChatClient -> Semantic Kernel -> engine -> parser,
/// against a tiny ONNX decoder planted with an answer.
/// </summary>
public sealed class OnnxExtractionTests : IClassFixture<TempFolder>
{
    private static readonly IReadOnlyList<FeatureDefinition> Features = FeatureCatalogue.Default.Features;
    private readonly TempFolder _temp;

    public OnnxExtractionTests(TempFolder temp) => _temp = temp;

    private static readonly HashSet<string> Positive = ["pain", "fever", "sleep", "gastrointestinal"];

    [Fact]
    public async Task StudyMode_reads_the_planted_template_exactly()
    {
        var labels = Features.ToDictionary(f => f.Key, f => Positive.Contains(f.Key));
        var answer = StudyTemplate.Filled(Features, labels);
        var folder = _temp.Model(answer, name: "tiny-study");

        using var engine = ChatExtractionEngine.Create(new ModelEngineOptions { Kind = "onnx", ModelPath = folder, PromptMode = "study" });
        var output = await engine.ExtractAsync(
            new ExtractionInput("بیمار درد شکم و تب دارد و شب‌ها نمی‌خوابد. استفراغ کرده است.", Languages.Persian, Features, IncludeRawOutput: true),
            CancellationToken.None);

        Assert.Equal(Features.Select(f => f.Key), output.Answers.Select(a => a.Key));
        foreach (var a in output.Answers)
        {
            Assert.Equal(Positive.Contains(a.Key) ? FeatureValue.True : FeatureValue.False, a.Value);
            Assert.Empty(a.Evidence);
        }
        // The EOS defect of the GenAI client (last token repeated) is repaired: the raw output is the planted answer.
        Assert.Equal(answer, output.RawOutput);
        Assert.Equal("onnx", engine.Descriptor.Engine);
        Assert.StartsWith("tiny-study@", engine.Descriptor.ModelId, StringComparison.Ordinal);
        Assert.Equal("cpu", engine.Descriptor.ExecutionProvider);
        Assert.StartsWith("study-", engine.Descriptor.PromptVersion);
    }

    [Fact]
    public async Task StudyMode_without_end_of_turn_token_drops_the_repeated_last_token()
    {
        // EOS straight after the closing brace: the package's OnnxRuntimeGenAIChatClient 0.18 yielded "}" twice.
        var labels = Features.ToDictionary(f => f.Key, f => f.Key == "pain");
        var answer = StudyTemplate.Filled(Features, labels);
        var folder = _temp.Model(answer, name: "tiny-eos", endOfTurn: null);

        using var engine = ChatExtractionEngine.Create(new ModelEngineOptions { Kind = "onnx", ModelPath = folder });
        var output = await engine.ExtractAsync(
            new ExtractionInput("Patient reports pain.", Languages.English, Features, IncludeRawOutput: true), CancellationToken.None);

        Assert.Equal(answer, output.RawOutput);
        Assert.Equal(FeatureValue.True, output.Answers.Single(a => a.Key == "pain").Value);
        Assert.All(output.Answers.Where(a => a.Key != "pain"), a => Assert.Equal(FeatureValue.False, a.Value));
    }

    [Fact]
    public async Task StudyMode_malformed_answer_gives_missing_for_those_features_only()
    {
        // Prose around the template, one field unreadable ("Maybe"), one absent, one Yes, a leaked "<|im_end|>" tail.
        var parts = new List<string>();
        foreach (var f in Features)
        {
            parts.Add(f.Key switch
            {
                "fever" => $"{f.NameEn}: Maybe",
                "urinary" => null!,
                "pain" => $"{f.NameEn}: Yes",
                _ => $"{f.NameEn}: False",
            });
        }
        var answer = "Here is the filled template:\n{" + string.Join(", ", parts.Where(p => p is not null)) + "}\nHope this helps.<|im_end|>";
        var folder = _temp.Model(answer, name: "tiny-malformed");

        using var engine = ChatExtractionEngine.Create(new ModelEngineOptions { Kind = "onnx", ModelPath = folder });
        var output = await engine.ExtractAsync(new ExtractionInput("Patient has pain.", Languages.English, Features), CancellationToken.None);

        Assert.Null(output.RawOutput);
        Assert.Equal(FeatureValue.Missing, output.Answers.Single(a => a.Key == "fever").Value);
        Assert.Equal(FeatureValue.Missing, output.Answers.Single(a => a.Key == "urinary").Value);
        Assert.Equal(FeatureValue.True, output.Answers.Single(a => a.Key == "pain").Value);
        Assert.Equal(10, output.Answers.Count(a => a.Value == FeatureValue.False));
    }

    [Fact]
    public async Task JsonMode_reads_values_and_locates_evidence_offsets()
    {
        const string note = "Caller says the patient has severe pain in the abdomen.\nShe had a   Fever of 39 since last night. No vomiting.";
        var evidence = new Dictionary<string, string>
        {
            ["pain"] = "severe pain in the abdomen",     // exact
            ["fever"] = "a fever of 39",                 // case and whitespace differ
            ["sleep"] = "could not sleep at all",        // not in the note: true without a span
        };
        var json = "{" + string.Join(",", Features.Select(f =>
            $"\"{f.Key}\":{{\"value\":{(evidence.ContainsKey(f.Key) ? "true" : "false")},\"evidence\":\"{evidence.GetValueOrDefault(f.Key, "")}\"}}")) + "}";
        var folder = _temp.Model(json, name: "tiny-json");

        // 1024 tokens give each quote up to 56 characters (512: 17, and the grammar would cut these quotes short).
        using var engine = ChatExtractionEngine.Create(new ModelEngineOptions { Kind = "onnx", ModelPath = folder, PromptMode = "json", MaxNewTokens = 1024 });
        var output = await engine.ExtractAsync(new ExtractionInput(note, Languages.English, Features, IncludeRawOutput: true), CancellationToken.None);

        Assert.Equal(json, output.RawOutput);
        var pain = output.Answers.Single(a => a.Key == "pain");
        Assert.Equal(FeatureValue.True, pain.Value);
        var painStart = note.IndexOf("severe pain in the abdomen", StringComparison.Ordinal);
        Assert.Equal(new EvidenceSpan(painStart, painStart + 26, "severe pain in the abdomen"), Assert.Single(pain.Evidence));

        var fever = output.Answers.Single(a => a.Key == "fever");
        var feverStart = note.IndexOf("a   Fever of 39", StringComparison.Ordinal);
        Assert.Equal(new EvidenceSpan(feverStart, feverStart + 15, "a   Fever of 39"), Assert.Single(fever.Evidence));

        var sleep = output.Answers.Single(a => a.Key == "sleep");
        Assert.Equal(FeatureValue.True, sleep.Value);
        Assert.Empty(sleep.Evidence);

        Assert.Equal(10, output.Answers.Count(a => a.Value == FeatureValue.False));
        Assert.StartsWith("json-", engine.Descriptor.PromptVersion);
    }

    [Fact]
    public async Task JsonMode_answer_cut_at_the_token_budget_keeps_the_features_written_before_the_cut()
    {
        // No BPE merges: every byte of the answer is a token, so the planted answer (over 600 bytes) is longer than the
        // 512 tokens the default budget allows, while the budget check at start (which assumes real tokenizers) passes.
        var answer = JsonBudgetTests.Answer(Features);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(answer) > 512);
        var folder = TinyDecoderBuilder.Build(Path.Combine(_temp.Path, Guid.NewGuid().ToString("N")), new TinyDecoderSpec
        {
            Answer = answer,
            Name = "tiny-json-cut",
            MergeWords = [],
        });

        using var engine = ChatExtractionEngine.Create(new ModelEngineOptions { Kind = "onnx", ModelPath = folder, PromptMode = "json" });
        var output = await engine.ExtractAsync(new ExtractionInput(JsonBudgetTests.Note, Languages.Persian, Features, IncludeRawOutput: true), CancellationToken.None);

        // Generation followed the planted answer under the schema's grammar until the budget ran out.
        var call = Assert.Single(output.Calls);
        Assert.Equal(ModelCallRecord.Length, call.FinishReason);
        Assert.True(call.IsTruncated);
        Assert.Equal(512, call.CompletionTokens);
        Assert.StartsWith(output.RawOutput!, answer, StringComparison.Ordinal);
        Assert.True(output.RawOutput!.Length < answer.Length);

        // Features whose member was written whole before the cut are read, right; the rest are missing.
        int written = output.RawOutput.Count(c => c == '}');
        Assert.InRange(written, 1, Features.Count - 1);
        var read = output.Answers.Take(written).ToArray();
        Assert.All(read, a => Assert.Equal(JsonBudgetTests.Quotes.ContainsKey(a.Key) ? FeatureValue.True : FeatureValue.False, a.Value));
        Assert.All(output.Answers.Skip(written + 1), a => Assert.Equal(FeatureValue.Missing, a.Value));
        var sleep = output.Answers.Single(a => a.Key == "sleep");
        Assert.Equal(FeatureValue.True, sleep.Value);
        Assert.Equal("شب‌ها نمی‌خوابد", Assert.Single(sleep.Evidence).Quote);
        Assert.Equal(FeatureValue.Missing, output.Answers.Single(a => a.Key == "gastrointestinal").Value);
    }

    [Fact]
    public async Task JsonMode_grammar_holds_a_quote_to_the_budget_bound()
    {
        // The planted quote (26 characters) is longer than the 17 the default budget allows: the grammar closes it.
        const string note = "Caller says the patient has severe pain in the abdomen.";
        var json = "{" + string.Join(",", Features.Select(f =>
            $"\"{f.Key}\":{{\"value\":{(f.Key == "pain" ? "true" : "false")},\"evidence\":\"{(f.Key == "pain" ? "severe pain in the abdomen" : "")}\"}}")) + "}";
        var folder = _temp.Model(json, name: "tiny-json-long-quote");

        using var engine = ChatExtractionEngine.Create(new ModelEngineOptions { Kind = "onnx", ModelPath = folder, PromptMode = "json" });
        var output = await engine.ExtractAsync(new ExtractionInput(note, Languages.English, Features, IncludeRawOutput: true), CancellationToken.None);

        var raw = output.RawOutput!;
        Assert.NotEqual(json, raw);
        var quote = JsonDocument.Parse(raw).RootElement.GetProperty("pain").GetProperty("evidence").GetString()!;
        Assert.InRange(quote.Length, 1, JsonAnswerBudget.For(Features, 512).EvidenceMaxLength);
        Assert.StartsWith("severe pain", quote, StringComparison.Ordinal);
        Assert.Equal(FeatureValue.True, output.Answers.Single(a => a.Key == "pain").Value);
        Assert.Equal(12, output.Answers.Count(a => a.Value == FeatureValue.False));
    }

    [Fact]
    public void PromptVersion_changes_with_the_mode_and_is_stable()
    {
        var folder = _temp.Model("{}", name: "tiny-version");
        using var a = ChatExtractionEngine.Create(new ModelEngineOptions { Kind = "onnx", ModelPath = folder, PromptMode = "study" });
        using var b = ChatExtractionEngine.Create(new ModelEngineOptions { Kind = "onnx", ModelPath = folder, PromptMode = "study" });
        using var c = ChatExtractionEngine.Create(new ModelEngineOptions { Kind = "onnx", ModelPath = folder, PromptMode = "json" });
        Assert.Equal(a.Descriptor.PromptVersion, b.Descriptor.PromptVersion);
        Assert.NotEqual(a.Descriptor.PromptVersion, c.Descriptor.PromptVersion);
        Assert.Matches("^study-[0-9a-f]{12}$", a.Descriptor.PromptVersion);
    }

    [Fact]
    public void StudyMode_prompt_follows_the_protocol()
    {
        var folder = _temp.Model("{}", name: "tiny-prompt");
        using var engine = ChatExtractionEngine.Create(new ModelEngineOptions { Kind = "onnx", ModelPath = folder });
        var history = engine.BuildHistory(new ExtractionInput("target note", Languages.Persian, Features), Features);

        Assert.Equal(8, history.Count); // system + 3 example pairs + target
        Assert.Equal("system", history[0].Role.Label);
        Assert.Contains("palliative care", history[0].Content);
        Assert.EndsWith(StudyTemplate.Empty(Features), history[0].Content);
        for (int i = 1; i <= 6; i += 2)
        {
            Assert.Equal("user", history[i].Role.Label);
            Assert.Equal("assistant", history[i + 1].Role.Label);
            Assert.StartsWith("{" + Features[0].NameEn + ": ", history[i + 1].Content);
            Assert.Matches("[\u0600-\u06FF]", history[i].Content!); // the Persian example set
        }
        Assert.Equal("target note", history[7].Content);
    }

    [Fact]
    public async Task Concurrent_calls_on_one_engine_all_succeed()
    {
        var labels = Features.ToDictionary(f => f.Key, f => f.Key == "fatigue");
        var folder = _temp.Model(StudyTemplate.Filled(Features, labels), name: "tiny-concurrent");
        using var engine = ChatExtractionEngine.Create(new ModelEngineOptions { Kind = "onnx", ModelPath = folder, MaxConcurrency = 2 });

        var outputs = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            engine.ExtractAsync(new ExtractionInput($"Note {i}: the patient is very weak.", Languages.English, Features), CancellationToken.None)));

        Assert.All(outputs, o => Assert.Equal(FeatureValue.True, o.Answers.Single(a => a.Key == "fatigue").Value));
        Assert.All(outputs, o => Assert.Equal(12, o.Answers.Count(a => a.Value == FeatureValue.False)));
    }

    [Fact]
    public async Task Empty_note_is_all_negative_without_a_model_call()
    {
        var folder = _temp.Model("garbage", name: "tiny-empty-note");
        using var engine = ChatExtractionEngine.Create(new ModelEngineOptions { Kind = "onnx", ModelPath = folder });
        var output = await engine.ExtractAsync(new ExtractionInput("   ", Languages.English, Features), CancellationToken.None);
        Assert.All(output.Answers, a => Assert.Equal(FeatureValue.False, a.Value));
    }
}
