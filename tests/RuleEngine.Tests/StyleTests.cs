using Xunit;
using Xunit.Abstractions;

namespace ClinicalAspire.RuleEngine.Tests;

/// <summary>
/// The style-stratified development notes of issue 13 (data/dev/styles: nurse shorthand, question and answer, long
/// calls, colloquial paraphrase, who-and-when, spelling noise; author A, labelled twice): a style × feature table per
/// language, with floors that guard against regressions. RULES_STYLES_ERRORS=path writes every wrong decision there.
/// </summary>
public sealed class StyleTests(ITestOutputHelper output)
{
    private static readonly (double F1, double Mcc) FaFloor = (0.95, 0.90);
    private static readonly (double F1, double Mcc) EnFloor = (0.97, 0.94);
    private static readonly string[] Styles = ["shorthand", "qa", "long", "paraphrase", "whowhen", "noise"];

    private static IReadOnlyList<DevRecord> LoadAll() =>
        Styles.SelectMany(s => DevRecord.Load(Path.Combine("styles", s + ".jsonl"))).ToArray();

    [Fact]
    public void Style_table_is_reported_and_meets_the_floors()
    {
        var all = LoadAll();
        var fa = all.Where(r => r.Language == "fa").ToArray();
        var en = all.Where(r => r.Language == "en").ToArray();
        var (faTable, faRows) = StyleScoring.Table("Persian (direct)", fa);
        var (enTable, enRows) = StyleScoring.Table("English", en);
        output.WriteLine(faTable);
        output.WriteLine(enTable);
        var errorsPath = Environment.GetEnvironmentVariable("RULES_STYLES_ERRORS");
        if (!string.IsNullOrEmpty(errorsPath))
        {
            File.WriteAllText(errorsPath, faTable + "\n" + enTable + "\n" + StyleScoring.Errors(all));
        }
        var faAll = faRows[^1];
        var enAll = enRows[^1];
        // Floors a little under the scores reached (see data/dev/README.md): a regression, not noise, fails them.
        Assert.True(faAll.MedianF1 >= FaFloor.F1 && faAll.MedianMcc >= FaFloor.Mcc, $"Persian median macro-F1 {faAll.MedianF1:0.000} / MCC {faAll.MedianMcc:0.000}");
        Assert.True(enAll.MedianF1 >= EnFloor.F1 && enAll.MedianMcc >= EnFloor.Mcc, $"English median macro-F1 {enAll.MedianF1:0.000} / MCC {enAll.MedianMcc:0.000}");
    }

    // Author D's notes (styles/more_authorD.jsonl: English in the six styles, Persian and English seizure notes), a
    // second author's development data: reported on their own, so the table stays comparable with author A's. First,
    // out-of-sample score before any tuning on them: data/dev/README.md.
    private static readonly (double F1, double Mcc) AuthorDEnFloor = (0.94, 0.88);

    [Fact]
    public void Author_D_table_is_reported_and_meets_the_floor()
    {
        var all = DevRecord.Load(Path.Combine("styles", "more_authorD.jsonl"));
        Assert.True(all.Count >= 200);
        Assert.All(all, r => Assert.Contains(r.Style, Styles));
        var (enTable, enRows) = StyleScoring.Table("English (author D)", all.Where(r => r.Language == "en").ToArray());
        var (faTable, _) = StyleScoring.Table("Persian (author D, seizure notes)", all.Where(r => r.Language == "fa").ToArray());
        output.WriteLine(enTable);
        output.WriteLine(faTable);
        var errorsPath = Environment.GetEnvironmentVariable("RULES_STYLES_ERRORS_D");
        if (!string.IsNullOrEmpty(errorsPath))
        {
            File.WriteAllText(errorsPath, enTable + "\n" + faTable + "\n" + StyleScoring.Errors(all));
        }
        var enAll = enRows[^1];
        Assert.True(enAll.MedianF1 >= AuthorDEnFloor.F1 && enAll.MedianMcc >= AuthorDEnFloor.Mcc, $"English (author D) median macro-F1 {enAll.MedianF1:0.000} / MCC {enAll.MedianMcc:0.000}");
    }

    /// <summary>
    /// Scores any style-stratified file (RULES_SCORE_FILE=path; skipped without it): per language, the style × feature
    /// table; RULES_STYLES_ERRORS=path also writes the wrong decisions. For a first, out-of-sample look at new notes.
    /// </summary>
    [Fact]
    public void Any_file_is_scored_on_request()
    {
        var path = Environment.GetEnvironmentVariable("RULES_SCORE_FILE");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }
        var all = DevRecord.LoadPath(path);
        var text = new System.Text.StringBuilder();
        foreach (var language in all.Select(r => r.Language).Distinct().OrderBy(l => l, StringComparer.Ordinal))
        {
            var (table, _) = StyleScoring.Table(language, all.Where(r => r.Language == language).ToArray());
            text.AppendLine(table);
        }
        output.WriteLine(text.ToString());
        var errorsPath = Environment.GetEnvironmentVariable("RULES_STYLES_ERRORS");
        if (!string.IsNullOrEmpty(errorsPath))
        {
            File.WriteAllText(errorsPath, text + "\n" + StyleScoring.Errors(all));
        }
    }

    [Fact]
    public void Style_records_are_well_formed()
    {
        var all = LoadAll();
        Assert.True(all.Count >= 6 * 40);
        Assert.Equal(all.Count, all.Select(r => r.Id).Distinct().Count());
        foreach (var r in all)
        {
            Assert.Contains(r.Style, Styles);
            Assert.Contains(r.Language, new[] { "fa", "en" });
            Assert.Equal(StyleScoring.Keys.OrderBy(k => k), r.Labels.Keys.OrderBy(k => k));
        }
    }
}
