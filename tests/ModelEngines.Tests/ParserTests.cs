using Microsoft.Extensions.Configuration;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Models;

namespace ClinicalAspire.ModelEngines.Tests;

public sealed class StudyTemplateParserTests
{
    private static readonly IReadOnlyList<FeatureDefinition> Features = FeatureCatalogue.Default.Features;

    private static FeatureValue ValueOf(IReadOnlyList<FeatureAnswer> answers, string key) => answers.Single(a => a.Key == key).Value;

    private static string Template(Func<FeatureDefinition, string> value) =>
        "{" + string.Join(", ", Features.Select(f => $"{f.NameEn}: {value(f)}")) + "}";

    [Fact]
    public void Reads_a_clean_template()
    {
        var answers = StudyTemplate.Parse(Template(f => f.Key is "pain" or "fever" ? "True" : "False"), Features);
        Assert.Equal(Features.Select(f => f.Key), answers.Select(a => a.Key));
        Assert.Equal(FeatureValue.True, ValueOf(answers, "pain"));
        Assert.Equal(FeatureValue.True, ValueOf(answers, "fever"));
        Assert.Equal(11, answers.Count(a => a.Value == FeatureValue.False));
    }

    [Theory]
    [InlineData("true", FeatureValue.True)]
    [InlineData("TRUE", FeatureValue.True)]
    [InlineData("Yes", FeatureValue.True)]
    [InlineData("no", FeatureValue.False)]
    [InlineData("**True**", FeatureValue.True)]
    [InlineData("\"False\"", FeatureValue.False)]
    [InlineData("True.", FeatureValue.True)]
    [InlineData("True (stated explicitly)", FeatureValue.True)]
    [InlineData("بله", FeatureValue.True)]
    [InlineData("آره", FeatureValue.True)]
    [InlineData("درست", FeatureValue.True)]
    [InlineData("خیر", FeatureValue.False)]
    [InlineData("نه", FeatureValue.False)]
    [InlineData("نادرست", FeatureValue.False)]
    [InlineData("True/False", FeatureValue.Missing)]
    [InlineData("Maybe", FeatureValue.Missing)]
    [InlineData("", FeatureValue.Missing)]
    [InlineData("not mentioned", FeatureValue.Missing)]
    public void Reads_each_value_tolerantly(string value, FeatureValue expected)
    {
        var answers = StudyTemplate.Parse(Template(f => f.Key == "pain" ? value : "False"), Features);
        Assert.Equal(expected, ValueOf(answers, "pain"));
        Assert.Equal(12, answers.Count(a => a.Key != "pain" && a.Value == FeatureValue.False));
    }

    [Fact]
    public void Tolerates_prose_code_fences_case_and_chat_tokens()
    {
        var output = "Sure, here is the completed template:\n```text\n" +
                     Template(f => f.Key == "sleep" ? "true" : "false").ToUpperInvariant() +
                     "\n```\nLet me know if you need anything else.<|eot_id|>assistant junk: Sleep disorders: False";
        var answers = StudyTemplate.Parse(output, Features);
        Assert.Equal(FeatureValue.True, ValueOf(answers, "sleep"));
        Assert.Equal(12, answers.Count(a => a.Value == FeatureValue.False));
    }

    [Fact]
    public void Absent_fields_are_missing_and_others_still_read()
    {
        var output = "{Pain: True, Fever: False}";
        var answers = StudyTemplate.Parse(output, Features);
        Assert.Equal(FeatureValue.True, ValueOf(answers, "pain"));
        Assert.Equal(FeatureValue.False, ValueOf(answers, "fever"));
        Assert.Equal(11, answers.Count(a => a.Value == FeatureValue.Missing));
    }

    [Fact]
    public void Lines_and_markdown_lists_work_too()
    {
        var output = string.Join("\n", Features.Select(f => $"- **{f.NameEn}**: {(f.Key == "cost" ? "Yes" : "No")}"));
        var answers = StudyTemplate.Parse(output, Features);
        Assert.Equal(FeatureValue.True, ValueOf(answers, "cost"));
        Assert.Equal(12, answers.Count(a => a.Value == FeatureValue.False));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("I cannot help with that.")]
    [InlineData("{{{{,,,::::}}}")]
    [InlineData("\u0000\uFFFF")]
    public void Never_throws_on_garbage(string? output)
    {
        var answers = StudyTemplate.Parse(output, Features);
        Assert.All(answers, a => Assert.Equal(FeatureValue.Missing, a.Value));
    }

    [Fact]
    public void Template_format_is_brace_wrapped_comma_separated_in_catalogue_order()
    {
        var filled = StudyTemplate.Filled(Features, new Dictionary<string, bool> { ["visit_request"] = true });
        Assert.StartsWith("{Patient requested a doctor's visit: True, Psychiatric and psychological complaints: False, ", filled);
        Assert.EndsWith(", Gastrointestinal issues: False}", filled);
        Assert.Equal(12, filled.Split(", ").Length - 1);
    }
}

public sealed class JsonAnswersTests
{
    private static readonly IReadOnlyList<FeatureDefinition> Features = FeatureCatalogue.Default.Features;
    private const string Note = "Patient has severe  back pain.\nNo fever. Cannot sleep at night.";

    private static FeatureAnswer Of(IReadOnlyList<FeatureAnswer> answers, string key) => answers.Single(a => a.Key == key);

    [Fact]
    public void Reads_fenced_json_with_prose_and_locates_evidence()
    {
        var output = "Here you go:\n```json\n{\"pain\": {\"value\": true, \"evidence\": \"Severe back pain\"}, " +
                     "\"sleep\": {\"value\": \"yes\", \"evidence\": \"cannot sleep at night\"}, " +
                     "\"fever\": {\"value\": false, \"evidence\": \"\"}}\n```\nDone.";
        var answers = JsonAnswers.Parse(output, Features, Note);

        var pain = Of(answers, "pain");
        Assert.Equal(FeatureValue.True, pain.Value);
        Assert.Equal(new EvidenceSpan(12, 29, "severe  back pain"), Assert.Single(pain.Evidence));
        var sleep = Of(answers, "sleep");
        Assert.Equal(FeatureValue.True, sleep.Value);
        Assert.Equal("Cannot sleep at night", Assert.Single(sleep.Evidence).Quote);
        Assert.Equal(FeatureValue.False, Of(answers, "fever").Value);
        Assert.Equal(10, answers.Count(a => a.Value == FeatureValue.Missing));
    }

    [Fact]
    public void Fabricated_quote_gives_true_without_span()
    {
        var answers = JsonAnswers.Parse("{\"pain\": {\"value\": true, \"evidence\": \"pain in the chest\"}}", Features, Note);
        Assert.Equal(FeatureValue.True, Of(answers, "pain").Value);
        Assert.Empty(Of(answers, "pain").Evidence);
    }

    [Fact]
    public void Bare_booleans_and_names_as_keys_are_accepted()
    {
        var answers = JsonAnswers.Parse("{\"Pain\": true, \"fever\": \"no\", \"Sleep disorders\": {\"value\": 1}}", Features, Note);
        Assert.Equal(FeatureValue.True, Of(answers, "pain").Value);
        Assert.Equal(FeatureValue.False, Of(answers, "fever").Value);
        Assert.Equal(FeatureValue.True, Of(answers, "sleep").Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no json here")]
    [InlineData("{\"pain\": {\"value\": tru")]
    [InlineData("[true, false]")]
    public void Unreadable_output_gives_missing_everywhere(string? output)
    {
        var answers = JsonAnswers.Parse(output, Features, Note);
        Assert.All(answers, a => Assert.Equal(FeatureValue.Missing, a.Value));
    }

    [Fact]
    public void Unreadable_value_is_missing_for_that_feature_only()
    {
        var answers = JsonAnswers.Parse("{\"pain\": {\"value\": \"perhaps\"}, \"fever\": {\"value\": false}}", Features, Note);
        Assert.Equal(FeatureValue.Missing, Of(answers, "pain").Value);
        Assert.Equal(FeatureValue.False, Of(answers, "fever").Value);
    }

    [Fact]
    public void Locates_persian_quotes_across_letter_variants_and_zwnj()
    {
        const string note = "بیمار می‌گوید درد شکم دارد.";
        var span = JsonAnswers.Locate(note, "مي گويد درد");   // Arabic yeh, a space instead of ZWNJ
        Assert.NotNull(span);
        Assert.Equal(note.IndexOf("می‌گوید", StringComparison.Ordinal), span.Start);
        Assert.Equal("می‌گوید درد", span.Quote);
    }

    [Fact]
    public void Schema_is_strict_and_lists_every_key()
    {
        var schema = JsonAnswers.Schema(Features, evidenceMaxLength: 40);
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(13, schema.GetProperty("required").GetArrayLength());
        var pain = schema.GetProperty("properties").GetProperty("pain");
        Assert.Equal("boolean", pain.GetProperty("properties").GetProperty("value").GetProperty("type").GetString());
    }
}

public sealed class OutputCleanerTests
{
    [Theory]
    [InlineData("The patient has pain.<|im_end|>", "The patient has pain.")]
    [InlineData("The patient has pain.<|end|><|endoftext|>", "The patient has pain.")]
    [InlineData("The patient has pain.<|eot_id|>", "The patient has pain.")]
    [InlineData("The patient has pain.<end_of_turn>\n<start_of_turn>user", "The patient has pain.")]
    [InlineData("<|im_start|>assistant\nThe patient has pain.", "The patient has pain.")]
    [InlineData("<|start_header_id|>assistant<|end_header_id|>\n\nThe patient has pain.", "The patient has pain.")]
    [InlineData("<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>The patient has pain.<|END_OF_TURN_TOKEN|>", "The patient has pain.")]
    [InlineData("The patient has pain.</s>", "The patient has pain.")]
    public void Strips_chat_template_artefacts(string raw, string expected) =>
        Assert.Equal(expected, ModelOutputCleaner.StripChatArtefacts(raw));

    [Theory]
    [InlineData("Translation: The patient has pain.", "The patient has pain.")]
    [InlineData("Here is the translation:\nThe patient has pain.", "The patient has pain.")]
    [InlineData("Here's the English translation of the note:\n\n\"The patient has pain.\"", "The patient has pain.")]
    [InlineData("Sure! Here is the translation: The patient has pain.", "The patient has pain.")]
    [InlineData("**Translation:** The patient has pain.", "The patient has pain.")]
    [InlineData("English: The patient has pain.", "The patient has pain.")]
    [InlineData("```\nThe patient has pain.\n```", "The patient has pain.")]
    [InlineData("The patient said \"pain\" twice.", "The patient said \"pain\" twice.")]
    [InlineData("The translation of the dose is unclear: 5 mg.", "The translation of the dose is unclear: 5 mg.")]
    public void Cleans_translations(string raw, string expected) =>
        Assert.Equal(expected, ChatTranslationEngine.CleanTranslation(raw));

    [Theory]
    [InlineData("")]
    [InlineData("<|im_end|>")]
    [InlineData("Translation:")]
    public void Empty_translation_throws(string raw)
    {
        var error = Assert.Throws<EngineOutputException>(() => ChatTranslationEngine.CleanTranslation(raw));
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void Arabic_script_translation_throws_without_the_text()
    {
        var error = Assert.Throws<EngineOutputException>(() => ChatTranslationEngine.CleanTranslation("بیمار درد شکم دارد OK"));
        Assert.Contains("not English", error.Message);
        Assert.DoesNotContain("بیمار", error.Message);
    }

    [Fact]
    public void English_with_a_few_persian_drug_names_is_accepted() =>
        Assert.Equal("The patient took 2 tablets of ترامادول 50 mg.", ChatTranslationEngine.CleanTranslation("The patient took 2 tablets of ترامادول 50 mg."));
}

public sealed class SegmenterTests
{
    [Fact]
    public void Short_text_is_one_segment()
    {
        var segments = TranslationSegmenter.Split("بیمار درد دارد.", 100);
        Assert.Equal("بیمار درد دارد.", Assert.Single(segments).Text);
    }

    [Fact]
    public void Splits_at_sentences_within_the_limit_and_keeps_decimals()
    {
        var text = "بیمار تب ۳۸.۵ دارد. درد شکم دارد. دیشب نخوابیده است. غذا نمی‌خورد.";
        var segments = TranslationSegmenter.Split(text, 40);
        Assert.All(segments, s => Assert.True(s.Text.Length <= 40));
        Assert.Contains(segments, s => s.Text.Contains("۳۸.۵", StringComparison.Ordinal));
        Assert.Equal(text, string.Join(" ", segments.Select(s => s.Text)));
    }

    [Fact]
    public void Keeps_paragraph_breaks_and_order()
    {
        var text = "اول.\n\nدوم.\nسوم.";
        var segments = TranslationSegmenter.Split(text, 1000);
        Assert.Equal(["اول.", "دوم.", "سوم."], segments.Select(s => s.Text).ToArray());
        Assert.Equal("A\n\nB\nC", TranslationSegmenter.Join(segments, ["A", "B", "C"]));
    }

    [Fact]
    public void Very_long_sentences_are_split_at_words()
    {
        var text = string.Join(' ', Enumerable.Repeat("کلمه", 100));
        var segments = TranslationSegmenter.Split(text, 120);
        Assert.True(segments.Count > 1);
        Assert.All(segments, s => Assert.True(s.Text.Length <= 120));
        Assert.Equal(text, string.Join(" ", segments.Select(s => s.Text)));
    }
}

public sealed class OptionsTests
{
    [Fact]
    public void Onnx_without_a_model_path_is_rejected_with_a_clear_message()
    {
        var errors = new ModelEngineOptions { Kind = "onnx" }.Validate();
        Assert.Contains(errors, e => e.Contains("Engine:ModelPath is required", StringComparison.Ordinal));
    }

    [Fact]
    public void Openai_needs_endpoint_and_model()
    {
        var errors = new ModelEngineOptions { Kind = "openai", Endpoint = "not a url" }.Validate();
        Assert.Contains(errors, e => e.Contains("Engine:Endpoint", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Engine:Model", StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_values_are_all_listed()
    {
        var options = new ModelEngineOptions { Kind = "gpu", PromptMode = "chatty", MaxNewTokens = 0, Temperature = 5, RequestTimeout = TimeSpan.Zero };
        var error = Assert.Throws<ModelEngineConfigurationException>(() => options.ThrowIfInvalid());
        Assert.Equal(5, error.Errors.Count);
    }

    [Fact]
    public void Binds_from_configuration()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Engine:Kind"] = "openai",
                ["Engine:Endpoint"] = "http://vllm:8000/v1",
                ["Engine:Model"] = "qwen",
                ["Engine:PromptMode"] = "json",
                ["Engine:MaxNewTokens"] = "256",
                ["Engine:Temperature"] = "0.2",
                ["Engine:RequestTimeout"] = "00:00:30",
                ["Engine:MaxConcurrency"] = "8",
            })
            .Build();
        var options = ModelEngineOptions.FromConfiguration(configuration.GetSection("Engine"));
        Assert.Equal("openai", options.Kind);
        Assert.Equal("json", options.PromptMode);
        Assert.Equal(256, options.MaxNewTokens);
        Assert.Equal(0.2, options.Temperature);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RequestTimeout);
        Assert.Equal(8, options.EffectiveMaxConcurrency);
        Assert.Empty(options.Validate());
        Assert.Equal(42, options.Seed);
    }

    [Fact]
    public void Unparseable_numbers_are_reported()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Engine:MaxNewTokens"] = "lots" })
            .Build();
        var error = Assert.Throws<ModelEngineConfigurationException>(() => ModelEngineOptions.FromConfiguration(configuration.GetSection("Engine")));
        Assert.Contains("MaxNewTokens", error.Message);
    }

    [Fact]
    public void Cuda_without_the_cuda_build_fails_with_a_clear_message()
    {
        using var temp = new TempFolder();
        var folder = temp.Model("{}", name: "tiny-cuda");
        var error = Assert.Throws<ModelEngineConfigurationException>(
            () => ModelChatBackend.Create(new ModelEngineOptions { Kind = "onnx", ModelPath = folder, ExecutionProvider = "cuda" }));
        Assert.Contains("OnnxRuntimeFlavor=Cuda", error.Message);
    }
}
