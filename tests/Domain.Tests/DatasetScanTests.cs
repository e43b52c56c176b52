using System.Text;
using ClinicalAspire.Domain.Datasets;

namespace ClinicalAspire.Domain.Tests;

/// <summary>
/// The streaming passes (<see cref="DatasetReader.Scan"/>, then <see cref="DatasetReader.ReadValid"/>) find exactly
/// what the all-at-once <see cref="DatasetReader.Read(Stream, DatasetFormat, Features.FeatureCatalogue?, DatasetLimits?)"/> finds.
/// </summary>
public sealed class DatasetScanTests
{
    private const string CsvHeader = "id,text,language,translation,pain,fever\n";

    private static string Jsonl(string id, string labels = "\"pain\": true, \"fever\": 0") =>
        $"{{\"id\": \"{id}\", \"text\": \"بیمار درد دارد\", \"language\": \"fa\", \"labels\": {{{labels}}}}}\n";

    public static TheoryData<string> RepositoryDatasets() =>
        ["demo/demo.jsonl", "dev/dev.jsonl", "dev/holdout.jsonl", "dev/blind_styles.jsonl"];

    [Theory]
    [MemberData(nameof(RepositoryDatasets))]
    public void Both_passes_give_the_records_read_gives_on_the_repository_datasets(string file)
    {
        var bytes = File.ReadAllBytes(DatasetReaderTests.FindRepoFile(Path.Combine("data", file)));
        AssertSameAsRead(bytes, DatasetFormat.Jsonl, expectValid: true);
    }

    [Fact]
    public void Both_passes_give_the_records_read_gives_on_csv()
    {
        var csv = CsvHeader
            + "a,\"a note, with a comma\",fa,,yes,no\n"
            + "\n"
            + "b,\"a \"\"quoted\"\" note\nover two lines\",en,a translation,,1\n"
            + "c,third,fa,,FALSE,\n";
        AssertSameAsRead(Encoding.UTF8.GetBytes(csv), DatasetFormat.Csv, expectValid: true);
    }

    public static TheoryData<string, DatasetFormat> InvalidFiles() => new()
    {
        { Jsonl("a") + Jsonl("b") + Jsonl("a"), DatasetFormat.Jsonl },
        { Jsonl("a") + "not json\n" + Jsonl("b", "\"pain\": 2"), DatasetFormat.Jsonl },
        { Jsonl("a") + Jsonl("b", "\"headache\": true"), DatasetFormat.Jsonl },
        { string.Concat(Enumerable.Range(0, 300).Select(i => "oops\n")), DatasetFormat.Jsonl },
        { CsvHeader + "a,t,fa,,yes,no\nb,t,xx,,maybe,no\na,t,fa,,no,no\n", DatasetFormat.Csv },
        { CsvHeader + "a,t,fa,,yes,no\nb,\"unclosed,fa,,no,no\n", DatasetFormat.Csv },
        { "id,language,pain\na,fa,yes\n", DatasetFormat.Csv },
        { CsvHeader + string.Concat(Enumerable.Range(0, 300).Select(i => $"r{i},t,fa,,bad,no\n")), DatasetFormat.Csv },
    };

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public void Scan_finds_the_errors_read_finds(string content, DatasetFormat format) =>
        AssertSameAsRead(Encoding.UTF8.GetBytes(content), format, expectValid: false);

    [Fact]
    public void Scan_stops_at_the_record_limit_like_read()
    {
        var limits = new DatasetLimits { MaxRecords = 3 };
        var bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 5).Select(i => Jsonl($"r{i}"))));
        var read = DatasetReader.Read(new MemoryStream(bytes), DatasetFormat.Jsonl, limits: limits);
        var scan = DatasetReader.Scan(new MemoryStream(bytes), DatasetFormat.Jsonl, limits: limits);
        Assert.False(scan.IsValid);
        Assert.Equal(read.Errors, scan.Errors);
    }

    [Fact]
    public void Scan_reports_invalid_utf8_by_line_and_reads_nothing()
    {
        var bytes = Encoding.UTF8.GetBytes(Jsonl("a")).Concat(new byte[] { 0xff, 0xfe, (byte)'\n' }).ToArray();
        var handed = 0;
        var scan = DatasetReader.Scan(new MemoryStream(bytes), DatasetFormat.Jsonl, _ => handed++);
        Assert.Equal(DatasetReader.Read(new MemoryStream(bytes), DatasetFormat.Jsonl).Errors, scan.Errors);
        Assert.Equal(2, Assert.Single(scan.Errors).Line);
        Assert.Equal(0, handed);
    }

    [Fact]
    public void ReadValid_refuses_a_file_that_is_not_valid()
    {
        var bytes = Encoding.UTF8.GetBytes(Jsonl("a") + Jsonl("a"));
        Assert.Throws<InvalidDataException>(() => DatasetReader.ReadValid(new MemoryStream(bytes), DatasetFormat.Jsonl).ToList());
    }

    private static void AssertSameAsRead(byte[] bytes, DatasetFormat format, bool expectValid)
    {
        var read = DatasetReader.Read(new MemoryStream(bytes), format);
        var handed = new List<DatasetRecord>();
        var scan = DatasetReader.Scan(new MemoryStream(bytes), format, handed.Add);

        Assert.Equal(expectValid, read.IsValid);
        Assert.Equal(read.IsValid, scan.IsValid);
        Assert.Equal(read.Errors, scan.Errors);
        Assert.Equal(read.ErrorsTruncated, scan.ErrorsTruncated);
        Assert.Equal(read.Records.Count, scan.RecordCount);
        if (!expectValid)
        {
            return;
        }
        Assert.NotEmpty(read.Records);
        var expected = DatasetWriter.ToJsonl(read.Records);
        Assert.Equal(expected, DatasetWriter.ToJsonl(handed));
        Assert.Equal(expected, DatasetWriter.ToJsonl(DatasetReader.ReadValid(new MemoryStream(bytes), format)));
    }
}
