using System.Text;
using ClinicalAspire.Domain.Datasets;
using ClinicalAspire.Domain.Features;

namespace ClinicalAspire.Domain.Tests;

public sealed class DatasetReaderTests
{
    private const string Secret = "SECRET-NOTE-TEXT";

    private static string Line(string id, string text = "بیمار درد دارد", string language = "fa", string labels = "\"pain\": true, \"fever\": 0, \"sleep\": null") =>
        $"{{\"id\": \"{id}\", \"text\": \"{text}\", \"language\": \"{language}\", \"translation\": \"The patient has pain\", \"labels\": {{{labels}}}}}";

    private static void AssertNoPhi(IEnumerable<DatasetError> errors) =>
        Assert.All(errors, e => Assert.DoesNotContain(Secret, e.ToString()));

    [Fact]
    public void Reads_valid_jsonl_and_skips_blank_lines()
    {
        var result = DatasetReader.ReadJsonl(Line("a") + "\n\n   \n" + Line("b", language: "en", labels: "\"pain\": false, \"fever\": 1") + "\n");
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(["a", "b"], result.Records.Select(r => r.Id));
        var a = result.Records[0];
        Assert.Equal("fa", a.Language);
        Assert.Equal("The patient has pain", a.Translation);
        Assert.Equal(13, a.Labels.Count);
        Assert.True(a.Labels["pain"]);
        Assert.False(a.Labels["fever"]);
        Assert.Null(a.Labels["sleep"]);
        Assert.Null(a.Labels["seizure"]); // absent = unknown
        Assert.True(result.Records[1].Labels["fever"]);
    }

    [Theory]
    [InlineData("{not json " + Secret, "invalid JSON")]
    [InlineData("[1, 2]", "not a JSON object")]
    [InlineData("{\"text\": \"" + Secret + "\", \"language\": \"fa\"}", "missing id")]
    [InlineData("{\"id\": \"x\", \"text\": \"   \", \"language\": \"fa\"}", "empty text")]
    [InlineData("{\"id\": \"x\", \"language\": \"fa\"}", "empty text")]
    [InlineData("{\"id\": \"x\", \"text\": \"" + Secret + "\", \"language\": \"de\"}", "unsupported language")]
    [InlineData("{\"id\": \"x\", \"text\": \"" + Secret + "\", \"language\": \"fa\", \"labels\": {\"headache\": true}}", "unknown feature key at labels key 1")]
    [InlineData("{\"id\": \"x\", \"text\": \"" + Secret + "\", \"language\": \"fa\", \"labels\": {\"pain\": true, \"Has " + Secret + "\": true}}", "unknown feature key at labels key 2")]
    [InlineData("{\"id\": \"x\u202E\", \"text\": \"" + Secret + "\", \"language\": \"fa\"}", "id must be 1-128 characters")]
    [InlineData("{\"id\": \"a b\", \"text\": \"" + Secret + "\", \"language\": \"fa\"}", "id must be 1-128 characters")]
    [InlineData("{\"id\": \"x\", \"text\": \"" + Secret + "\", \"language\": \"fa\", \"labels\": {\"pain\": \"" + Secret + "\"}}", "bad label value for 'pain'")]
    [InlineData("{\"id\": \"x\", \"text\": \"" + Secret + "\", \"language\": \"fa\", \"labels\": {\"pain\": 2}}", "bad label value for 'pain'")]
    public void Each_jsonl_error_names_the_line_and_the_problem_without_the_text(string bad, string message)
    {
        var content = Line("a") + "\n\n" + bad + "\n" + Line("c");
        var result = DatasetReader.ReadJsonl(content);
        Assert.Empty(result.Records); // all or nothing
        var error = Assert.Single(result.Errors);
        Assert.Equal(3, error.Line);
        Assert.Contains(message, error.Message);
        AssertNoPhi(result.Errors);
    }

    [Fact]
    public void Duplicate_ids_name_both_lines()
    {
        var result = DatasetReader.ReadJsonl(Line("a") + "\n" + Line("b") + "\n" + Line("a"));
        var error = Assert.Single(result.Errors);
        Assert.Equal(3, error.Line);
        Assert.Equal("a", error.RecordId);
        Assert.Contains("duplicate id (first used on line 1)", error.Message);
    }

    [Fact]
    public void Collects_every_error_up_to_the_cap()
    {
        var lines = Enumerable.Range(0, 10).Select(i => Line($"r{i}", language: i % 2 == 0 ? "xx" : "fa"));
        var result = DatasetReader.ReadJsonl(string.Join("\n", lines));
        Assert.Equal([1, 3, 5, 7, 9], result.Errors.Select(e => e.Line));
        Assert.False(result.ErrorsTruncated);
        Assert.Equal("r0", result.Errors[0].RecordId);

        var capped = DatasetReader.ReadJsonl(string.Join("\n", Enumerable.Range(0, 50).Select(_ => "oops")), limits: new DatasetLimits { MaxErrors = 10 });
        Assert.Equal(10, capped.Errors.Count);
        Assert.True(capped.ErrorsTruncated);
    }

    [Fact]
    public void Text_over_32_KB_is_rejected_without_quoting_it()
    {
        var big = string.Concat(Enumerable.Repeat("د", 16 * 1024 + 1)); // 2 bytes each in UTF-8
        var result = DatasetReader.ReadJsonl(Line("a", text: big));
        var error = Assert.Single(result.Errors);
        Assert.Contains("above the limit of 32768", error.Message);
        Assert.DoesNotContain("دد", error.Message);
        Assert.True(DatasetReader.ReadJsonl(Line("a", text: big[..^1])).IsValid);
    }

    private const string CsvHeader = "id,text,language,translation,visit_request,pain,fever,sleep\n";

    [Fact]
    public void Csv_and_jsonl_give_identical_records()
    {
        var csv = CsvHeader +
                  "a,\"بیمار درد دارد، تب ندارد\",fa,\"The patient has pain, no fever\",no,TRUE,0,\n" +
                  "b,\"Line one\nline \"\"two\"\"\",en,,Yes,false,1,no\n";
        var jsonl =
            "{\"id\":\"a\",\"text\":\"بیمار درد دارد، تب ندارد\",\"language\":\"fa\",\"translation\":\"The patient has pain, no fever\",\"labels\":{\"visit_request\":false,\"pain\":true,\"fever\":false,\"sleep\":null}}\n" +
            "{\"id\":\"b\",\"text\":\"Line one\\nline \\\"two\\\"\",\"language\":\"en\",\"labels\":{\"visit_request\":true,\"pain\":false,\"fever\":true,\"sleep\":false}}\n";
        var fromCsv = DatasetReader.ReadCsv(csv);
        var fromJsonl = DatasetReader.ReadJsonl(jsonl);
        Assert.True(fromCsv.IsValid, string.Join("; ", fromCsv.Errors));
        Assert.True(fromJsonl.IsValid, string.Join("; ", fromJsonl.Errors));
        Assert.Equal(DatasetWriter.ToJsonl(fromJsonl.Records), DatasetWriter.ToJsonl(fromCsv.Records));
        Assert.Equal("Line one\nline \"two\"", fromCsv.Records[1].Text);
        Assert.Null(fromCsv.Records[1].Translation);
    }

    [Fact]
    public void Csv_errors_name_the_line_where_the_record_starts()
    {
        var csv = CsvHeader +
                  "a,\"multi\nline " + Secret + "\",fa,,no,yes,no,no\n" + // lines 2-3
                  "b," + Secret + ",de,,no,yes,no,no\n" +                 // line 4: language
                  "a,text,fa,,no,yes,no,no\n" +                          // line 5: duplicate
                  "\n" +                                                  // line 6: blank
                  "d,text,fa,,maybe,yes,no,no\n" +                       // line 7: bad value
                  ",text,fa,,no,yes,no,no\n" +                           // line 8: missing id
                  "f,,fa,,no,yes,no,no\n" +                              // line 9: empty text
                  "g,text,fa,no\n";                                       // line 10: field count
        var result = DatasetReader.ReadCsv(csv);
        Assert.Empty(result.Records);
        Assert.Equal([4, 5, 7, 8, 9, 10], result.Errors.Select(e => e.Line));
        Assert.Contains("unsupported language", result.Errors[0].Message);
        Assert.Contains("duplicate id (first used on line 2)", result.Errors[1].Message);
        Assert.Contains("bad label value for 'visit_request'", result.Errors[2].Message);
        Assert.Contains("missing id", result.Errors[3].Message);
        Assert.Contains("empty text", result.Errors[4].Message);
        Assert.Contains("fields", result.Errors[5].Message);
        AssertNoPhi(result.Errors);
    }

    [Fact]
    public void Csv_header_problems_are_reported_on_line_1()
    {
        var missing = DatasetReader.ReadCsv("id,language,pain\na,fa,yes\n");
        var error = Assert.Single(missing.Errors);
        Assert.Equal(1, error.Line);
        Assert.Contains("missing required column 'text'", error.Message);

        var unknown = DatasetReader.ReadCsv("id,text,language,headache\na,t,fa,yes\n");
        Assert.Contains("unknown feature key at column 4", Assert.Single(unknown.Errors).Message);
    }

    [Fact]
    public void Malformed_csv_quotes_are_an_error_not_an_exception()
    {
        var result = DatasetReader.ReadCsv(CsvHeader + "a,\"unclosed " + Secret + ",fa,,no,no,no,no\n");
        Assert.Empty(result.Records);
        Assert.NotEmpty(result.Errors);
        AssertNoPhi(result.Errors);
    }

    [Theory]
    [InlineData("demo/demo.jsonl")]
    [InlineData("dev/dev.jsonl")]
    public void Repository_datasets_parse_without_errors_and_round_trip(string file)
    {
        var path = FindRepoFile(Path.Combine("data", file));
        using var stream = File.OpenRead(path);
        var result = DatasetReader.Read(stream, DatasetFormat.Jsonl);
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Take(5)));
        Assert.True(result.Records.Count > 100);
        Assert.All(result.Records, r => Assert.Equal(FeatureCatalogue.Default.Features.Count, r.Labels.Count));

        var written = DatasetWriter.ToJsonl(result.Records);
        var again = DatasetReader.ReadJsonl(written);
        Assert.True(again.IsValid);
        Assert.Equal(written, DatasetWriter.ToJsonl(again.Records));
        using var bytes = new MemoryStream(Encoding.UTF8.GetBytes(written));
        Assert.Equal(result.Records.Count, DatasetReader.Read(bytes, DatasetFormat.Jsonl).Records.Count);
    }

    internal static string FindRepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException(relative);
    }
}
