using ClinicalAspire.Domain.Datasets;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Domain.Metrics;

namespace ClinicalAspire.Domain.Tests;

public sealed class PredictionsReaderTests
{
    private static string Template(Func<FeatureDefinition, string> value) =>
        "{" + string.Join(", ", FeatureCatalogue.Default.Features.Select(f => $"{f.NameEn}: {value(f)}")) + "}";

    [Fact]
    public void Reads_prediction_objects_and_raw_outputs()
    {
        var output = System.Text.Json.JsonSerializer.Serialize(
            "<|im_start|>assistant\n" + Template(f => f.Key switch { "pain" => "True", "fever" => "بله", "sleep" => "maybe", _ => "false" }) + "<|im_end|>junk Sleep disorders: True");
        var content =
            "{\"id\": \"a\", \"predictions\": {\"pain\": true, \"fever\": 0, \"sleep\": null}}\n\n" +
            "{\"id\": \"b\", \"output\": " + output + "}\n" +
            "{\"id\": 7, \"output\": null}\n";
        var result = PredictionsReader.ReadJsonl("\uFEFF" + content);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var a = result.Records[0].Predictions;
        Assert.Equal(FeatureValue.True, a["pain"]);
        Assert.Equal(FeatureValue.False, a["fever"]);
        Assert.Equal(FeatureValue.Missing, a["sleep"]);
        Assert.Equal(FeatureValue.Missing, a["seizure"]);
        var b = result.Records[1].Predictions;
        Assert.Equal(FeatureValue.True, b["pain"]);
        Assert.Equal(FeatureValue.True, b["fever"]);
        Assert.Equal(FeatureValue.Missing, b["sleep"]);
        Assert.Equal(FeatureValue.False, b["seizure"]);
        Assert.Equal("7", result.Records[2].Id);
        Assert.All(result.Records[2].Predictions.Values, v => Assert.Equal(FeatureValue.Missing, v));
    }

    [Fact]
    public void Raw_outputs_in_the_studys_english_and_persian_spellings_are_read()
    {
        string Line(string id, string output) => $"{{\"id\": \"{id}\", \"output\": {System.Text.Json.JsonSerializer.Serialize(output)}}}";
        var content = Line("en", StudyAnswers.Answer(persian: false)) + "\n" + Line("fa", StudyAnswers.Answer(persian: true, value: key => key == "sleep" ? "بله" : null));
        var result = PredictionsReader.ReadJsonl(content);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.All(result.Records[0].Predictions, p => Assert.Equal(StudyAnswers.Expected(p.Key), p.Value));
        var fa = result.Records[1].Predictions;
        Assert.Equal(FeatureValue.True, fa["cost"]);
        Assert.Equal(FeatureValue.True, fa["sleep"]); // lenient: Persian yes
        Assert.Equal(FeatureValue.False, fa["urinary"]);
        Assert.Equal(13, fa.Values.Count(v => v != FeatureValue.Missing));
    }

    [Theory]
    [InlineData("{\"id\": \"x\"}", "exactly one of")]
    [InlineData("{\"id\": \"x\", \"predictions\": {}, \"output\": \"\"}", "exactly one of")]
    [InlineData("{\"id\": \"x\", \"predictions\": {\"headache\": true}}", "unknown feature key at predictions key 1")]
    [InlineData("{\"id\": \"x\", \"predictions\": {\"pain\": \"yes\"}}", "bad prediction value for 'pain'")]
    [InlineData("{\"predictions\": {}}", "missing id")]
    [InlineData("{\"id\": \"a\", \"predictions\": {}}", "duplicate id")]
    [InlineData("nope", "invalid JSON")]
    public void Errors_name_the_line(string bad, string message)
    {
        var result = PredictionsReader.ReadJsonl("{\"id\": \"a\", \"predictions\": {}}\n" + bad);
        Assert.Empty(result.Records);
        var error = Assert.Single(result.Errors);
        Assert.Equal(2, error.Line);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Join_scores_records_without_predictions_as_extraction_errors()
    {
        var dataset = DatasetReader.ReadJsonl(
            "{\"id\": \"a\", \"text\": \"t\", \"language\": \"en\", \"labels\": {\"pain\": true}}\n" +
            "{\"id\": \"b\", \"text\": \"t\", \"language\": \"en\", \"labels\": {\"pain\": true}}\n").Records;
        var predictions = PredictionsReader.ReadJsonl(
            "{\"id\": \"a\", \"predictions\": {\"pain\": true}}\n{\"id\": \"zzz\", \"predictions\": {\"pain\": true}}").Records;
        var joined = PredictionsReader.Join(dataset, predictions, out int unmatched);
        Assert.Equal(1, unmatched);
        Assert.Null(joined[1].Predictions);
        var table = EvaluationTable.Build(FeatureCatalogue.Default, joined);
        var pain = RunEvaluator.FeatureMetricsOf(table).Single(m => m.Key == "pain");
        Assert.Equal(new ConfusionCounts(1, 0, 0, 1), pain.Counts);
        Assert.Equal(1, pain.Missing);
    }
}
