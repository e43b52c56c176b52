using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;

namespace ClinicalAspire.Domain.Tests;

public sealed class StudyOutputParserTests
{
    private static readonly IReadOnlyList<FeatureDefinition> Features = FeatureCatalogue.Default.Features;

    private static string Template(Func<FeatureDefinition, string> value) =>
        "{" + string.Join(", ", Features.Select(f => $"{f.NameEn}: {value(f)}")) + "}";

    [Theory]
    [InlineData("True", FeatureValue.True)]
    [InlineData("yes", FeatureValue.True)]
    [InlineData("بله", FeatureValue.True)]
    [InlineData("خیر", FeatureValue.False)]
    [InlineData("FALSE", FeatureValue.False)]
    [InlineData("True/False", FeatureValue.Missing)]
    [InlineData("unclear", FeatureValue.Missing)]
    public void Reads_the_value_after_the_field_name(string value, FeatureValue expected)
    {
        var answers = StudyOutputParser.Parse(Template(f => f.Key == "pain" ? value : "False"), Features);
        Assert.Equal(expected, answers.Single(a => a.Key == "pain").Value);
        Assert.Equal(12, answers.Count(a => a.Key != "pain" && a.Value == FeatureValue.False));
    }

    [Fact]
    public void Absent_fields_and_empty_output_are_missing_and_chat_tokens_are_cut()
    {
        Assert.All(StudyOutputParser.Parse(null, Features), a => Assert.Equal(FeatureValue.Missing, a.Value));
        var answers = StudyOutputParser.Parse("Pain: True<|eot_id|>Fever: True", Features);
        Assert.Equal(FeatureValue.True, answers.Single(a => a.Key == "pain").Value);
        Assert.Equal(FeatureValue.Missing, answers.Single(a => a.Key == "fever").Value);
    }
}

public sealed class StudyOutputParserModeTests
{
    private static readonly IReadOnlyList<FeatureDefinition> Features = FeatureCatalogue.Default.Features;

    private static FeatureValue ValueOf(IReadOnlyList<FeatureAnswer> answers, string key) => answers.Single(a => a.Key == key).Value;

    private static IReadOnlyList<FeatureAnswer> Parse(string output, StudyParserMode mode) => StudyOutputParser.Parse(output, Features, mode);

    private static void AssertStudyValues(IReadOnlyList<FeatureAnswer> answers)
    {
        Assert.Equal(Features.Select(f => f.Key), answers.Select(a => a.Key));
        Assert.All(answers, a => Assert.Equal(StudyAnswers.Expected(a.Key), a.Value));
    }

    [Theory]
    [InlineData(StudyParserMode.Lenient, false)]
    [InlineData(StudyParserMode.Strict, false)]
    [InlineData(StudyParserMode.Lenient, true)]
    [InlineData(StudyParserMode.Strict, true)]
    public void Reads_the_studys_multi_line_answer_in_english_and_persian(StudyParserMode mode, bool persian)
    {
        var output = StudyAnswers.Answer(persian);
        Assert.EndsWith(persian ? "مشکلات گوارشی: False, " : "Gastrointestinal issues: False, ", output);
        AssertStudyValues(Parse(output, mode));
    }

    [Theory]
    [InlineData(StudyParserMode.Lenient)]
    [InlineData(StudyParserMode.Strict)]
    public void Reads_the_empty_templates_spelling_of_the_visit_request(StudyParserMode mode)
    {
        var output = StudyAnswers.Answer(persian: false,
            rename: (key, name) => key == "visit_request" ? "Patient requested for doctor's visit" : name,
            value: key => key == "visit_request" ? "True" : null);
        Assert.Contains("Patient requested for doctor's visit: True,", output);
        Assert.Equal(FeatureValue.True, ValueOf(Parse(output, mode), "visit_request"));
    }

    [Theory]
    [InlineData("شکایات روانی و روان شناختی")]
    [InlineData("شکایات روانی و روانشناختی")]
    [InlineData("مشکلات روانی و روان\u200cپزشکی")]
    public void Persian_spellings_without_zwnj_and_the_catalogues_own_name_are_read(string name)
    {
        var output = StudyAnswers.Answer(persian: true, rename: (key, n) => key == "psychological" ? name : n);
        foreach (var mode in new[] { StudyParserMode.Lenient, StudyParserMode.Strict })
        {
            AssertStudyValues(Parse(output, mode));
        }
    }

    [Theory]
    //          the value     lenient mode            strict mode (the study's code)
    [InlineData("True", FeatureValue.True, FeatureValue.True)]
    [InlineData("False", FeatureValue.False, FeatureValue.False)]
    [InlineData("true", FeatureValue.True, FeatureValue.Missing)]
    [InlineData("Yes", FeatureValue.True, FeatureValue.Missing)]
    [InlineData("No", FeatureValue.False, FeatureValue.Missing)]
    [InlineData("بله", FeatureValue.True, FeatureValue.Missing)]
    [InlineData("خیر", FeatureValue.False, FeatureValue.Missing)]
    [InlineData("NotTrue", FeatureValue.Missing, FeatureValue.True)] // strict: a substring test, as the study's code did
    [InlineData("Untrue", FeatureValue.Missing, FeatureValue.Missing)] // and case-sensitive: "Untrue" holds "true", not "True"
    [InlineData("Not False", FeatureValue.Missing, FeatureValue.False)]
    [InlineData("True/False", FeatureValue.Missing, FeatureValue.True)]
    [InlineData("not stated", FeatureValue.Missing, FeatureValue.Missing)]
    public void Each_mode_reads_values_its_own_way(string value, FeatureValue lenient, FeatureValue strict)
    {
        foreach (var persian in new[] { false, true })
        {
            var output = StudyAnswers.Answer(persian, value: key => key == "pain" ? value : null);
            foreach (var (mode, expected) in new[] { (StudyParserMode.Lenient, lenient), (StudyParserMode.Strict, strict) })
            {
                var answers = Parse(output, mode);
                Assert.Equal(expected, ValueOf(answers, "pain"));
                Assert.All(answers.Where(a => a.Key != "pain"),
                    a => Assert.Equal(StudyAnswers.Expected(a.Key), a.Value));
            }
        }
    }

    [Theory]
    [InlineData(StudyParserMode.Lenient)]
    [InlineData(StudyParserMode.Strict)]
    public void An_absent_field_is_missing_and_the_others_are_read(StudyParserMode mode)
    {
        var output = string.Join("\n", StudyAnswers.Answer(persian: false).Split('\n').Where(line => !line.StartsWith("Seizures", StringComparison.Ordinal)));
        var answers = Parse(output, mode);
        Assert.Equal(FeatureValue.Missing, ValueOf(answers, "seizure"));
        Assert.Equal(12, answers.Count(a => a.Value != FeatureValue.Missing));
    }

    [Fact]
    public void Strict_mode_takes_the_first_occurrence_even_when_unreadable()
    {
        const string output = "Pain: maybe, Pain: True, Fever: False";
        Assert.Equal(FeatureValue.Missing, ValueOf(Parse(output, StudyParserMode.Strict), "pain"));
        Assert.Equal(FeatureValue.True, ValueOf(Parse(output, StudyParserMode.Lenient), "pain")); // first readable
        Assert.Equal(FeatureValue.False, ValueOf(Parse(output, StudyParserMode.Strict), "fever"));
    }

    [Fact]
    public void Strict_mode_is_case_sensitive_in_names_too() =>
        Assert.Equal(FeatureValue.Missing, ValueOf(Parse("pain: True, FEVER: True", StudyParserMode.Strict), "pain"));

    [Theory]
    [InlineData(StudyParserMode.Lenient)]
    [InlineData(StudyParserMode.Strict)]
    public void Both_modes_cut_chat_artefacts(StudyParserMode mode)
    {
        var answers = Parse("<|im_start|>assistant\nPain: True<|im_end|>Fever: True", mode);
        Assert.Equal(FeatureValue.True, ValueOf(answers, "pain"));
        Assert.Equal(FeatureValue.Missing, ValueOf(answers, "fever"));
    }

    [Fact]
    public void Short_persian_names_match_whole_words_only_in_lenient_mode()
    {
        // The fatigue line, before the fever line, goes on in words with تب inside: مرتب (regularly), تبخال (cold
        // sore), تب‌دار (feverish).
        var output = StudyAnswers.Answer(persian: true, value: key => key switch
        {
            "fatigue" => "True، مرتب: True، تبخال: True، تب\u200cدار: True",
            "fever" => "False",
            _ => null,
        });
        Assert.True(output.IndexOf("تبخال", StringComparison.Ordinal) < output.IndexOf("تب: False", StringComparison.Ordinal));
        var lenient = Parse(output, StudyParserMode.Lenient);
        Assert.Equal(FeatureValue.False, ValueOf(lenient, "fever"));
        Assert.Equal(FeatureValue.True, ValueOf(lenient, "fatigue"));
        Assert.Equal(FeatureValue.True, ValueOf(Parse(output, StudyParserMode.Strict), "fever")); // the study's substring match
    }

    [Theory]
    [InlineData("درد: True،\nتب: False,")]
    [InlineData("درد: True، تب: False، سایر: -")]
    [InlineData("{درد: True؛ تب: False}")]
    [InlineData("درد : True ،\n**تب**: False")]
    public void Persian_separators_end_a_value(string output)
    {
        var answers = Parse(output, StudyParserMode.Lenient);
        Assert.Equal(FeatureValue.True, ValueOf(answers, "pain"));
        Assert.Equal(FeatureValue.False, ValueOf(answers, "fever"));
    }

    [Fact]
    public void Field_names_restrict_the_names_looked_for()
    {
        var output = StudyAnswers.Answer(persian: true);
        var englishOnly = Features.ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.NamesFor("en").ToArray());
        foreach (var mode in new[] { StudyParserMode.Lenient, StudyParserMode.Strict })
        {
            Assert.All(StudyOutputParser.Parse(output, Features, mode, englishOnly), a => Assert.Equal(FeatureValue.Missing, a.Value));
        }
        // Strict mode tries the names in the order given: the first that occurs decides.
        var names = new Dictionary<string, IReadOnlyList<string>> { ["pain"] = ["Pain", "درد"] };
        var answers = StudyOutputParser.Parse("درد: False, Pain: True", Features, StudyParserMode.Strict, names);
        Assert.Equal(FeatureValue.True, ValueOf(answers, "pain"));
        Assert.Equal(FeatureValue.Missing, ValueOf(answers, "fever")); // a key absent from the names: all of its names
        Assert.Equal(FeatureValue.False, ValueOf(StudyOutputParser.Parse("تب: False", Features, StudyParserMode.Strict, names), "fever"));
    }

    [Fact]
    public void The_old_overloads_read_aliases_leniently()
    {
        var output = StudyAnswers.Answer(persian: true, value: key => key == "pain" ? "بله" : null);
        var answers = StudyOutputParser.Parse(output, Features);
        Assert.Equal(FeatureValue.True, ValueOf(answers, "pain"));
        Assert.Equal(answers.Select(a => (a.Key, a.Value)), StudyOutputParser.Parse(output, Features, StudyOutputParser.StripChatArtefacts).Select(a => (a.Key, a.Value)));
        Assert.Equal(answers.Select(a => (a.Key, a.Value)), StudyOutputParser.Parse(output, Features, StudyParserMode.Lenient).Select(a => (a.Key, a.Value)));
    }

    [Fact]
    public void A_throwing_clean_up_parses_the_raw_output_in_strict_mode_too()
    {
        var answers = StudyOutputParser.Parse("Pain: True", Features, StudyParserMode.Strict, clean: _ => throw new InvalidOperationException());
        Assert.Equal(FeatureValue.True, ValueOf(answers, "pain"));
        Assert.All(StudyOutputParser.Parse("   ", Features, StudyParserMode.Strict), a => Assert.Equal(FeatureValue.Missing, a.Value));
    }
}
