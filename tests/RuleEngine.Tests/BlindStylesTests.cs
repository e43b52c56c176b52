using Xunit;
using Xunit.Abstractions;

namespace ClinicalAspire.RuleEngine.Tests;

/// <summary>
/// The blind sets in the issue-13 styles (data/dev/blind_styles.jsonl by author C, data/dev/blind2_styles.jsonl by
/// author F): reported, never tuned on. Prints only aggregates (per language, per style and per feature), never a note;
/// the floors only catch a collapse.
/// </summary>
public sealed class BlindStylesTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("blind_styles.jsonl")]
    [InlineData("blind2_styles.jsonl")]
    public void Blind_styles_are_reported(string file)
    {
        var all = DevRecord.Load(file);
        var (faTable, faRows) = StyleScoring.Table($"{file}, Persian (direct)", all.Where(r => r.Language == "fa").ToArray());
        var (enTable, enRows) = StyleScoring.Table($"{file}, English", all.Where(r => r.Language == "en").ToArray());
        output.WriteLine(faTable);
        output.WriteLine(enTable);
        Assert.True(faRows[^1].MedianF1 >= 0.80, $"blind Persian median macro-F1 {faRows[^1].MedianF1:0.000} < 0.80");
        Assert.True(enRows[^1].MedianF1 >= 0.70, $"blind English median macro-F1 {enRows[^1].MedianF1:0.000} < 0.70");
    }
}
