using Xunit;
using Xunit.Abstractions;

namespace ClinicalAspire.RuleEngine.Tests;

/// <summary>
/// The blind set in the issue-13 styles (data/dev/blind_styles.jsonl, author C): reported, never tuned on. Prints only
/// aggregates (per language, per style and per feature), never a note; the floors only catch a collapse.
/// </summary>
public sealed class BlindStylesTests(ITestOutputHelper output)
{
    [Fact]
    public void Blind_styles_are_reported()
    {
        var all = DevRecord.Load("blind_styles.jsonl");
        var (faTable, faRows) = StyleScoring.Table("blind, Persian (direct)", all.Where(r => r.Language == "fa").ToArray());
        var (enTable, enRows) = StyleScoring.Table("blind, English", all.Where(r => r.Language == "en").ToArray());
        output.WriteLine(faTable);
        output.WriteLine(enTable);
        Assert.True(faRows[^1].MedianF1 >= 0.80, $"blind Persian median macro-F1 {faRows[^1].MedianF1:0.000} < 0.80");
        Assert.True(enRows[^1].MedianF1 >= 0.70, $"blind English median macro-F1 {enRows[^1].MedianF1:0.000} < 0.70");
    }
}
