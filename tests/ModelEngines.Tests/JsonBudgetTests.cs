using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Models;
using ClinicalAspire.Engines.Profiles;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClinicalAspire.ModelEngines.Tests;

/// <summary>
/// "json" mode cannot run away: every quote is bounded so the answer fits the token budget, blank quotes cannot be
/// written, a budget too small fails at start, and an answer cut anyway keeps what was written before the cut.
/// </summary>
public sealed class JsonBudgetTests
{
    private static readonly IReadOnlyList<FeatureDefinition> Features = FeatureCatalogue.Default.Features;

    internal const string Note = "بیمار درد شکم دارد و تب کرده است. شب‌ها نمی‌خوابد.";

    /// <summary>A true answer with a quote of the note for these features, false for the rest.</summary>
    internal static readonly IReadOnlyDictionary<string, string> Quotes = new Dictionary<string, string>
    {
        ["sleep"] = "شب‌ها نمی‌خوابد",
        ["fever"] = "تب کرده",
        ["pain"] = "درد شکم",
    };

    /// <summary>The compact answer the schema admits, in catalogue order (value before evidence).</summary>
    internal static string Answer(IReadOnlyList<FeatureDefinition> features) =>
        "{" + string.Join(",", features.Select(f => Quotes.TryGetValue(f.Key, out var quote)
            ? $"\"{f.Key}\":{{\"value\":true,\"evidence\":\"{quote}\"}}"
            : $"\"{f.Key}\":{{\"value\":false,\"evidence\":\"\"}}")) + "}";

    private static FeatureValue Expected(string key) => Quotes.ContainsKey(key) ? FeatureValue.True : FeatureValue.False;

    private static FeatureAnswer Of(IReadOnlyList<FeatureAnswer> answers, string key) => answers.Single(a => a.Key == key);

    // ------------------------------------------------------------------ the budget and the schema

    [Fact]
    public void Default_budget_fits_and_its_worst_case_stays_within_max_new_tokens()
    {
        var budget = JsonAnswerBudget.For(Features, new ModelEngineOptions().MaxNewTokens);

        Assert.Equal(JsonAnswerBudget.Skeleton(Features).Length, budget.StructureChars);
        Assert.Equal(548, budget.StructureChars);           // 13 keys (118 characters) + 13 x 32 + commas and braces
        Assert.Equal(274, budget.StructureTokens);
        Assert.Equal(17, budget.EvidenceMaxLength);         // (512 - 274 - 16) / 13
        Assert.True(budget.Fits);
        Assert.Null(budget.Problem);
        Assert.Equal(498, budget.RequiredTokens);
        Assert.InRange(budget.WorstCaseTokens, budget.RequiredTokens, 512);
        // The skeleton is the answer with every quote empty: valid JSON with every feature.
        Assert.Equal(13, JsonDocument.Parse(JsonAnswerBudget.Skeleton(Features)).RootElement.EnumerateObject().Count());
    }

    [Theory]
    [InlineData(1024, 56)]
    [InlineData(2048, 135)]
    [InlineData(8192, JsonAnswerBudget.MaxEvidenceChars)]
    public void Quotes_grow_with_the_budget_up_to_the_cap(int maxNewTokens, int expected)
    {
        var budget = JsonAnswerBudget.For(Features, maxNewTokens);
        Assert.Equal(expected, budget.EvidenceMaxLength);
        Assert.True(budget.WorstCaseTokens <= maxNewTokens);
    }

    [Fact]
    public void Schema_bounds_every_quote_and_forbids_blank_ones_on_both_routes()
    {
        foreach (var forGuidance in new[] { true, false })
        {
            var schema = JsonAnswers.Schema(Features, evidenceMaxLength: 17, forGuidance);
            foreach (var feature in Features)
            {
                var evidence = schema.GetProperty("properties").GetProperty(feature.Key).GetProperty("properties").GetProperty("evidence");
                Assert.Equal("string", evidence.GetProperty("type").GetString());
                Assert.Equal(17, evidence.GetProperty("maxLength").GetInt32());
                Assert.Equal(JsonAnswers.EvidencePattern, evidence.GetProperty("pattern").GetString());
            }
            Assert.Equal(forGuidance, schema.TryGetProperty("x-guidance", out _));
        }
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("درد شکم", true)]
    [InlineData("شب‌ها نمی‌خوابد", true)]   // ZWNJ is not a blank
    [InlineData("a", true)]
    [InlineData(" ", false)]
    [InlineData("      ", false)]
    [InlineData("\n\t", false)]
    [InlineData(" درد", false)]
    [InlineData("درد ", false)]
    [InlineData("درد   شکم", false)]
    [InlineData("درد\nشکم", false)]
    public void Evidence_pattern_admits_quotes_and_empty_but_no_blanks(string quote, bool admitted) =>
        Assert.Equal(admitted, Regex.IsMatch(quote, JsonAnswers.EvidencePattern));

    [Fact]
    public void A_json_budget_too_small_fails_at_start_naming_the_numbers()
    {
        var options = new ModelEngineOptions { Kind = "openai", Endpoint = "http://127.0.0.1:9/v1", Model = "qwen", PromptMode = "json", MaxNewTokens = 400 };

        var problem = Assert.Single(options.Validate(features: Features));
        Assert.Contains("Engine:MaxNewTokens 400", problem, StringComparison.Ordinal);
        Assert.Contains("13 features", problem, StringComparison.Ordinal);
        Assert.Contains("274 tokens", problem, StringComparison.Ordinal);
        Assert.Contains("at least 498 tokens", problem, StringComparison.Ordinal);

        // Engine creation (what a profile host does at start) fails before any model loads or server is called.
        var error = Assert.Throws<ModelEngineConfigurationException>(() => ChatExtractionEngine.Create(options));
        Assert.Contains("at least 498 tokens", error.Message, StringComparison.Ordinal);

        // Fewer features need fewer tokens; the study mode has no such bound; the catalogue is needed to judge.
        Assert.Empty(options.Validate(features: Features.Take(6).ToArray()));
        Assert.Empty(new ModelEngineOptions { Kind = "openai", Endpoint = "http://127.0.0.1:9/v1", Model = "qwen", PromptMode = "study", MaxNewTokens = 400 }.Validate(features: Features));
        Assert.Empty(options.Validate());
    }

    [Fact]
    public async Task A_profile_whose_json_budget_is_too_small_is_reported_failed_with_the_numbers()
    {
        var set = EngineProfilesFile.Parse(Encoding.UTF8.GetBytes("""
            {"profiles": [{"name": "tight", "extractor": {"engine": "openai", "endpoint": "http://127.0.0.1:9/v1", "model": "m",
                                                         "promptMode": "json", "maxNewTokens": 300}}]}
            """), "profiles.json", null);
        using var host = new EngineProfileHost<IFeatureExtractionEngine>(set, "extractor",
            profile => ChatExtractionEngine.Create(profile.Extractor.Model!), NullLogger.Instance);
        await host.LoadAllAsync();

        var report = Assert.Single(host.Reports());
        Assert.Equal(ProfileState.Failed, report.State);
        Assert.Contains("Engine:MaxNewTokens 300", report.Detail, StringComparison.Ordinal);
        Assert.Contains("at least 498 tokens", report.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_budget_is_accepted_at_start_and_the_prompt_states_the_bound()
    {
        var options = new ModelEngineOptions { Kind = "openai", Endpoint = "http://127.0.0.1:9/v1", Model = "qwen", PromptMode = "json" };
        Assert.Empty(options.Validate(features: Features));
        using var engine = ChatExtractionEngine.Create(options);
        Assert.Contains("at most 17 characters", ChatExtractionEngine.JsonSystemPrompt(Features, options.MaxNewTokens), StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ salvage of a cut answer

    [Fact]
    public void A_whole_answer_is_complete()
    {
        var answers = JsonAnswers.Parse(Answer(Features), Features, Note, out var complete);
        Assert.True(complete);
        Assert.All(answers, a => Assert.Equal(Expected(a.Key), a.Value));
        Assert.Equal("درد شکم", Assert.Single(Of(answers, "pain").Evidence).Quote);
    }

    [Fact]
    public void Every_cut_keeps_the_features_written_before_it_and_no_others()
    {
        var answer = Answer(Features);
        int previous = 0;
        for (int length = 0; length < answer.Length; length++)
        {
            var cut = answer[..length];
            var answers = JsonAnswers.Parse(cut, Features, Note, out var complete);

            Assert.False(complete);
            // Features come in catalogue order: those read are a prefix, each right; the rest are missing.
            int read = answers.TakeWhile(a => a.Value != FeatureValue.Missing).Count();
            Assert.All(answers.Take(read), a => Assert.Equal(Expected(a.Key), a.Value));
            Assert.All(answers.Skip(read), a => Assert.Equal(FeatureValue.Missing, a.Value));
            // Every member closed before the cut is read; at most the one being written at the cut besides.
            int closed = Math.Min(cut.Count(c => c == '}'), Features.Count);
            Assert.InRange(read, closed, closed + 1);
            Assert.True(read >= previous, $"cut at {length}: {read} read, {previous} before");
            previous = read;
        }
        Assert.Equal(Features.Count, previous);
    }

    [Fact]
    public void A_cut_inside_a_key_loses_that_feature_and_the_rest()
    {
        var answer = Answer(Features);
        var cut = answer[..(answer.IndexOf("\"fever\"", StringComparison.Ordinal) + 4)];   // ...,"fev
        var answers = JsonAnswers.Parse(cut, Features, Note, out var complete);

        Assert.False(complete);
        int fever = Features.ToList().FindIndex(f => f.Key == "fever");
        Assert.All(answers.Take(fever), a => Assert.Equal(Expected(a.Key), a.Value));
        Assert.All(answers.Skip(fever), a => Assert.Equal(FeatureValue.Missing, a.Value));
        Assert.Equal("شب‌ها نمی‌خوابد", Assert.Single(Of(answers, "sleep").Evidence).Quote);
    }

    [Fact]
    public void A_cut_inside_a_quote_keeps_the_yes_and_the_quote_so_far()
    {
        var answer = Answer(Features);
        var cut = answer[..(answer.IndexOf("تب کرده", StringComparison.Ordinal) + 2)];    // ..."evidence":"تب
        var answers = JsonAnswers.Parse(cut, Features, Note);

        var fever = Of(answers, "fever");
        Assert.Equal(FeatureValue.True, fever.Value);
        var span = Assert.Single(fever.Evidence);
        Assert.Equal("تب", span.Quote);
        Assert.Equal(Note.IndexOf("تب", StringComparison.Ordinal), span.Start);
        Assert.Equal(FeatureValue.Missing, Of(answers, "respiratory").Value);
        Assert.Equal(FeatureValue.Missing, Of(answers, "pain").Value);
    }

    [Theory]
    [InlineData("\"value\":tr", FeatureValue.Missing)]          // the literal is not whole
    [InlineData("\"value\":", FeatureValue.Missing)]
    [InlineData("\"value\":true", FeatureValue.True)]           // whole: the quote never came
    [InlineData("\"value\":true,\"evid", FeatureValue.True)]
    [InlineData("\"value\":true,\"evidence\":\"", FeatureValue.True)]
    public void The_feature_at_the_cut_counts_once_its_yes_no_is_whole(string tail, FeatureValue fever)
    {
        var answer = Answer(Features);
        var cut = answer[..(answer.IndexOf("\"fever\"", StringComparison.Ordinal) + "\"fever\":{".Length)] + tail;
        var answers = JsonAnswers.Parse(cut, Features, Note);

        Assert.Equal(fever, Of(answers, "fever").Value);
        Assert.Empty(Of(answers, "fever").Evidence);
        Assert.Equal(FeatureValue.True, Of(answers, "sleep").Value);
        Assert.Equal(FeatureValue.Missing, Of(answers, "respiratory").Value);
    }

    [Fact]
    public void A_cut_inside_an_escape_keeps_the_characters_before_it()
    {
        // Servers may escape every non-ASCII character (\u062A\u0628 ...): cut in the middle of one.
        var escaped = string.Concat(Answer(Features).Select(c => c > 127 ? $"\\u{(int)c:X4}" : c.ToString()));
        var start = escaped.IndexOf("\"fever\"", StringComparison.Ordinal);
        var quote = escaped.IndexOf("\\u", escaped.IndexOf("evidence", start, StringComparison.Ordinal), StringComparison.Ordinal);
        var cut = escaped[..(quote + 6 + 4)];   // one whole escape (ت), then "\u06" of the next

        var fever = Of(JsonAnswers.Parse(cut, Features, Note), "fever");
        Assert.Equal(FeatureValue.True, fever.Value);
        Assert.Equal("ت", Assert.Single(fever.Evidence).Quote);
    }

    [Fact]
    public void Prose_and_an_unclosed_fence_before_a_cut_answer_are_skipped()
    {
        var answer = Answer(Features);
        var cut = "Here is the JSON:\n```json\n" + answer[..(answer.IndexOf("\"pain\"", StringComparison.Ordinal) + 10)];
        var answers = JsonAnswers.Parse(cut, Features, Note, out var complete);

        Assert.False(complete);
        Assert.Equal(11, answers.Count(a => a.Value != FeatureValue.Missing));
        Assert.Equal(FeatureValue.Missing, Of(answers, "pain").Value);
    }

    [Fact]
    public void An_answer_that_breaks_into_text_keeps_the_members_before_the_break()
    {
        var answer = Answer(Features);
        var broken = answer.Replace("\"respiratory\":{\"value\":false", "\"respiratory\":{\"value\":maybe", StringComparison.Ordinal);
        var answers = JsonAnswers.Parse(broken, Features, Note, out var complete);

        Assert.False(complete);
        Assert.Equal(FeatureValue.True, Of(answers, "fever").Value);
        Assert.Equal(FeatureValue.Missing, Of(answers, "respiratory").Value);
        Assert.Equal(FeatureValue.Missing, Of(answers, "pain").Value);
    }

    [Theory]
    [InlineData("   ")]
    [InlineData("\n\t ")]
    [InlineData("")]
    public void A_blank_quote_is_no_evidence(string quote)
    {
        var answers = JsonAnswers.Parse($"{{\"pain\":{{\"value\":true,\"evidence\":{JsonSerializer.Serialize(quote)}}}}}", Features, Note);
        Assert.Equal(FeatureValue.True, Of(answers, "pain").Value);
        Assert.Empty(Of(answers, "pain").Evidence);
    }
}
