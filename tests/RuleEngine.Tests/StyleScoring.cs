using System.Globalization;
using System.Text;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Domain.Metrics;
using ClinicalAspire.Engines.Rules;

namespace ClinicalAspire.RuleEngine.Tests;

/// <summary>Median macro-F1 and MCC over the 13 features of one group of notes, and each feature's macro-F1.</summary>
public sealed record StyleScore(string Name, int Notes, double MedianF1, double MedianMcc, IReadOnlyDictionary<string, double> FeatureF1);

/// <summary>
/// Scores style-stratified notes (issue 13): per language, per style and overall, a style × feature table of macro-F1
/// and the medians over the features, so a regression shows where it happens.
/// </summary>
public static class StyleScoring
{
    private static readonly RuleExtractionEngine Engine = new();
    public static readonly string[] Keys = FeatureCatalogue.Default.Keys.ToArray();

    public static StyleScore Score(string name, IReadOnlyList<DevRecord> records)
    {
        var predictions = records.Select(r => Engine.Extract(r.Text, Keys)).ToArray();
        var f1 = new Dictionary<string, double>(StringComparer.Ordinal);
        var f1s = new double[Keys.Length];
        var mccs = new double[Keys.Length];
        for (var k = 0; k < Keys.Length; k++)
        {
            int tp = 0, fp = 0, tn = 0, fn = 0;
            for (var i = 0; i < records.Count; i++)
            {
                var truth = records[i].Labels[Keys[k]];
                var predicted = predictions[i][k].Value == FeatureValue.True;
                if (truth && predicted) tp++;
                else if (!truth && predicted) fp++;
                else if (!truth) tn++;
                else fn++;
            }
            var m = new ConfusionCounts(tp, fp, tn, fn);
            f1[Keys[k]] = f1s[k] = m.MacroF1;
            mccs[k] = m.Mcc;
        }
        return new StyleScore(name, records.Count, Percentile.Median(f1s), Percentile.Median(mccs), f1);
    }

    /// <summary>One row per style plus "all", for one language; features abbreviated as in the data sources.</summary>
    public static (string Table, IReadOnlyList<StyleScore> Rows) Table(string title, IReadOnlyList<DevRecord> records)
    {
        var rows = records.GroupBy(r => r.Style).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Score(g.Key, g.ToArray())).ToList();
        rows.Add(Score("all", records));
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{title}: {records.Count} notes; macro-F1 per feature, then the medians over the 13 features");
        sb.Append("style        n ");
        foreach (var k in Keys)
        {
            sb.Append(CultureInfo.InvariantCulture, $" {Abbreviation(k),5}");
        }
        sb.AppendLine("   medF1  medMCC");
        foreach (var row in rows)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{row.Name,-10} {row.Notes,3} ");
            foreach (var k in Keys)
            {
                sb.Append(CultureInfo.InvariantCulture, $" {row.FeatureF1[k],5:0.00}");
            }
            sb.AppendLine(CultureInfo.InvariantCulture, $"   {row.MedianF1,5:0.000}  {row.MedianMcc,6:0.000}");
        }
        return (sb.ToString(), rows);
    }

    /// <summary>Every wrong decision with the note and the engine's trigger statuses (for error analysis).</summary>
    public static string Errors(IReadOnlyList<DevRecord> records)
    {
        var sb = new StringBuilder();
        foreach (var r in records)
        {
            var answers = Engine.Extract(r.Text, Keys);
            var wrong = new List<string>();
            for (var k = 0; k < Keys.Length; k++)
            {
                var predicted = answers[k].Value == FeatureValue.True;
                if (predicted != r.Labels[Keys[k]])
                {
                    wrong.Add((predicted ? "FP " : "FN ") + Keys[k]);
                }
            }
            if (wrong.Count == 0)
            {
                continue;
            }
            sb.AppendLine(CultureInfo.InvariantCulture, $"{r.Id} [{string.Join(", ", wrong)}]");
            sb.AppendLine("  " + r.Text.ReplaceLineEndings(" / "));
            foreach (var h in Engine.Explain(r.Text))
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"    {h.Key}:{h.Status} «{r.Text[h.Start..h.End]}»");
            }
        }
        return sb.ToString();
    }

    private static string Abbreviation(string key) => key switch
    {
        "visit_request" => "vr",
        "psychological" => "psy",
        "sleep" => "slp",
        "appetite_loss" => "app",
        "seizure" => "sz",
        "fatigue" => "fat",
        "consciousness" => "con",
        "fever" => "fev",
        "respiratory" => "resp",
        "cost" => "cost",
        "urinary" => "uri",
        "pain" => "pain",
        "gastrointestinal" => "gi",
        _ => key,
    };
}
