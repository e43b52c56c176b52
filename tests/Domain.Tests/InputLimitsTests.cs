using System.Text;
using ClinicalAspire.Domain.Datasets;
using ClinicalAspire.Domain.Text;

namespace ClinicalAspire.Domain.Tests;

/// <summary>The request bounds and text checks of InputLimits and TextInput, and the uploads' UTF-8 and size rules.</summary>
public sealed class InputLimitsTests
{
    [Theory]
    [InlineData("run-20261206-031045-d0eac5", true)]
    [InlineData("matrix-20261206-031045-a1b2c3", true)]
    [InlineData("demo-0001", true)]
    [InlineData("urn:call:2026.01_7", true)]
    [InlineData("-leading-dash", false)]
    [InlineData("a b", false)]
    [InlineData("evil\u202Eeman", false)]
    [InlineData("line\nbreak", false)]
    [InlineData("", false)]
    public void Ids_have_a_safe_character_set(string id, bool ok) => Assert.Equal(ok, InputLimits.IsId(id));

    [Theory]
    [InlineData("paper-v1", true)]
    [InlineData("Night:2", true)]
    [InlineData("a.b_c", true)]
    [InlineData("-lead", false)]
    [InlineData("two words", false)]
    [InlineData("تب", false)]
    [InlineData("", false)]
    [InlineData("x23456789012345678901234567890123", false)]
    public void Tags_are_short_with_a_safe_character_set(string tag, bool ok) => Assert.Equal(ok, InputLimits.Tag(tag, "tag") is null);

    [Fact]
    public void A_tag_list_is_bounded_and_kept_as_a_lower_case_set_in_first_seen_order()
    {
        Assert.Equal("tags has 17 entries; at most 16", InputLimits.TagList(Enumerable.Range(0, 17).Select(i => $"t{i}").ToArray(), "tags"));
        Assert.Equal($"tags[1] must be {InputLimits.TagRule}", InputLimits.TagList(["ok", "CANARY tag"], "tags"));
        Assert.Null(InputLimits.TagList(["B", "a", "b"], "tags"));
        Assert.Equal(["b", "a"], InputLimits.Tags(["B", "a", "b"]));
    }

    [Fact]
    public void A_search_is_one_bounded_line_and_may_carry_direction_marks()
    {
        Assert.Null(InputLimits.Query("\u200Fمی\u200Cکند\u200F", "query"));
        Assert.Null(InputLimits.Query(new string('x', 200), "query"));
        Assert.Equal("query is 201 characters; at most 200", InputLimits.Query(new string('x', 201), "query"));
        Assert.StartsWith("query has a control character", InputLimits.Query("CANARY\nsecond", "query"), StringComparison.Ordinal);
        Assert.StartsWith("query has an unpaired surrogate", InputLimits.Query("CANARY\uD800", "query"), StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_name_the_field_and_the_rule_and_never_the_value()
    {
        var huge = new string('x', 10_000_000);
        foreach (var problem in new[]
        {
            InputLimits.Id(huge, "run_id"), InputLimits.Id("CANARY\u202E", "run_id"), InputLimits.Label(huge, "label"),
            InputLimits.Label("CANARY\nsecond line", "label"), InputLimits.Label("CANARY\u202E", "label"),
            InputLimits.FeatureKeys(Enumerable.Range(0, 10_000).Select(i => $"CANARY{i}").ToArray(), "feature_keys"),
            InputLimits.FeatureKeys(["pain", "CANARY"], "feature_keys"), InputLimits.Profile("CANARY profile", "profile"),
        })
        {
            Assert.NotNull(problem);
            Assert.DoesNotContain("CANARY", problem);
            Assert.DoesNotContain("xxxx", problem);
            Assert.True(problem.Length < 200, problem);
        }
        Assert.StartsWith("run_id must be", InputLimits.Id(huge, "run_id"));
        Assert.Equal("label is 10,000,000 characters; at most 200", InputLimits.Label(huge, "label"));
        Assert.Equal("feature_keys has 10,000 entries; at most 64", InputLimits.FeatureKeys(Enumerable.Repeat("pain", 10_000).ToArray(), "feature_keys"));
        Assert.Equal("feature_keys[1] must be 1-64 characters of a-z 0-9 _ starting with a letter", InputLimits.FeatureKeys(["pain", "CANARY"], "feature_keys"));
        Assert.Null(InputLimits.Label("Direct vs translate-first, کیفیت", "label"));
        Assert.Null(InputLimits.Description("first line\nsecond line", "description"));
        Assert.Equal(InputLimits.MaxErrorDetailLength, InputLimits.BoundDetail(huge).Length);
    }

    [Theory]
    [InlineData("\u200C\u200C\u200C")]
    [InlineData("\u200B \uFEFF")]
    [InlineData("... 123 !!!")]
    public void Text_without_letters_is_refused(string text) =>
        Assert.StartsWith("text has no letters", TextInput.Problem(text, 1000));

    [Theory]
    [InlineData("病人头痛发烧", "fa", "Persian (Arabic) script: 0%")]
    [InlineData("بیمار درد دارد", "en", "Latin script: 0%")]
    [InlineData("The patient has pain", "fa", "Persian (Arabic) script: 0%")]
    public void Text_mostly_in_another_script_than_its_language_is_refused(string text, string language, string expected) =>
        Assert.Contains(expected, TextInput.ScriptProblem(text, language));

    [Fact]
    public void Persian_notes_with_latin_drug_names_and_numbers_pass_and_no_demo_note_is_refused()
    {
        Assert.Null(TextInput.ScriptProblem("بیمار با ترامادول 100 mg و Morphine SR آرام نمی‌شود", "fa"));
        var demo = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "data", "demo", "demo.jsonl");
        var records = DatasetReader.ReadJsonl(File.ReadAllText(demo)).Records;
        Assert.Equal(351, records.Count);
        Assert.All(records, r => Assert.Null(TextInput.Problem(r.Text, InputLimits.DefaultMaxTextBytes) ?? TextInput.ScriptProblem(r.Text, r.Language)));
    }

    [Theory]
    [InlineData(DatasetFormat.Jsonl)]
    [InlineData(DatasetFormat.Csv)]
    public void Invalid_utf8_is_an_error_naming_its_line_and_nothing_is_read(DatasetFormat format)
    {
        var header = format == DatasetFormat.Csv ? "id,text,language,pain\n" : "";
        string Row(string id) => format == DatasetFormat.Csv ? $"{id},بیمار درد دارد,fa,yes\n" : $"{{\"id\":\"{id}\",\"text\":\"بیمار درد دارد\",\"language\":\"fa\"}}\n";
        var bytes = Encoding.UTF8.GetBytes(header + Row("a") + Row("b")).Concat(new byte[] { 0xC3, 0x28 })
            .Concat(Encoding.UTF8.GetBytes("\n" + Row("c"))).ToArray();
        // Line 3 of JSONL ("b" then the bad bytes start line 3), line 4 of CSV (after the header).
        var expectedLine = format == DatasetFormat.Csv ? 4 : 3;
        using var stream = new MemoryStream(bytes);
        var result = DatasetReader.Read(stream, format);
        Assert.Empty(result.Records);
        var error = Assert.Single(result.Errors);
        Assert.Equal(expectedLine, error.Line);
        Assert.Contains("invalid UTF-8", error.Message);
    }

    [Fact]
    public void Invalid_utf8_in_predictions_is_an_error_naming_its_line()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"id\":\"a\",\"output\":\"Pain: True\"}\n{\"id\":\"b\",\"output\":\"").Concat(new byte[] { 0xFF })
            .Concat(Encoding.UTF8.GetBytes("\"}\n")).ToArray();
        var result = PredictionsReader.ReadJsonl(new MemoryStream(bytes));
        Assert.Equal(2, Assert.Single(result.Errors).Line);
    }

    [Fact]
    public void A_file_with_more_records_than_the_limit_is_refused_naming_the_line()
    {
        var content = string.Join("\n", Enumerable.Range(1, 6).Select(i => $"{{\"id\":\"r{i}\",\"text\":\"بیمار\",\"language\":\"fa\"}}"));
        var result = DatasetReader.ReadJsonl(content, limits: new DatasetLimits { MaxRecords = 5 });
        Assert.Empty(result.Records);
        var error = Assert.Single(result.Errors);
        Assert.Equal(6, error.Line);
        Assert.Contains("more than 5 records", error.Message);
    }
}
