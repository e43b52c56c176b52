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
