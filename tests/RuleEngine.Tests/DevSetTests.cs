using ClinicalAspire.Domain.Metrics;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Engines.Rules;
using Xunit;
using Xunit.Abstractions;

namespace ClinicalAspire.RuleEngine.Tests;

public sealed class DevSetTests(ITestOutputHelper output)
{
    private static readonly RuleExtractionEngine Engine = new();
    private static readonly string[] Keys = FeatureCatalogue.Default.Keys.ToArray();

    [Fact]
    public void DevSet_meets_the_target_medians()
    {
        var (medianF1, medianMcc) = Evaluate("dev.jsonl");
        Assert.True(medianF1 >= 0.85, $"median macro-F1 {medianF1:0.000} < 0.85");
        Assert.True(medianMcc >= 0.70, $"median MCC {medianMcc:0.000} < 0.70");
    }

    /// <summary>Held-out notes written before the lexicon was tuned: reported, with a lower bar.</summary>
    [Fact]
    public void Holdout_is_reported()
    {
        var (medianF1, medianMcc) = Evaluate("holdout.jsonl");
        Assert.True(medianF1 >= 0.70, $"holdout median macro-F1 {medianF1:0.000} < 0.70");
        Assert.True(medianMcc >= 0.50, $"holdout median MCC {medianMcc:0.000} < 0.50");
    }

    /// <summary>A second blind set, written after the engine and evaluated before any change it prompted.</summary>
    [Fact]
    public void Holdout_b_is_reported()
    {
        var (medianF1, medianMcc) = Evaluate("holdout_b.jsonl");
        Assert.True(medianF1 >= 0.60, $"holdout_b median macro-F1 {medianF1:0.000} < 0.60");
        Assert.True(medianMcc >= 0.40, $"holdout_b median MCC {medianMcc:0.000} < 0.40");
    }

    /// <summary>A third blind set (40 Persian notes), written before the generalisation pass looked at any engine error.</summary>
    [Fact]
    public void Holdout_c_is_reported()
    {
        var (medianF1, medianMcc) = Evaluate("holdout_c.jsonl");
        Assert.True(medianF1 >= 0.60, $"holdout_c median macro-F1 {medianF1:0.000} < 0.60");
        Assert.True(medianMcc >= 0.40, $"holdout_c median MCC {medianMcc:0.000} < 0.40");
    }

    /// <summary>The independent synthetic demo set (data/demo, another author): reported.</summary>
    [Fact]
    public void Demo_is_reported()
    {
        var (medianF1, medianMcc) = Evaluate("demo.jsonl");
        Assert.True(medianF1 >= 0.85, $"demo median macro-F1 {medianF1:0.000} < 0.85");
        Assert.True(medianMcc >= 0.70, $"demo median MCC {medianMcc:0.000} < 0.70");
    }

    [Fact]
    public void Dev_records_are_well_formed()
    {
        foreach (var file in new[] { "dev.jsonl", "holdout.jsonl", "holdout_b.jsonl", "holdout_c.jsonl" })
        {
            var records = DevRecord.Load(file);
            Assert.NotEmpty(records);
            Assert.Equal(records.Count, records.Select(r => r.Id).Distinct().Count());
            foreach (var r in records)
            {
                Assert.Contains(r.Language, new[] { "fa", "en" });
                Assert.False(string.IsNullOrWhiteSpace(r.Text));
                Assert.Equal(Keys.OrderBy(k => k), r.Labels.Keys.OrderBy(k => k));
            }
        }
        Assert.True(DevRecord.Load("dev.jsonl").Count >= 150);
    }

    [Fact]
    public void Throughput_is_reported()
    {
        var records = DevRecord.Load("dev.jsonl").Where(r => r.Language == "fa").ToArray();
        // ~80-word notes: join several short records.
        var notes = new List<string>();
        for (var i = 0; i + 12 < records.Length; i += 3)
        {
            notes.Add(string.Join(" ", records.Skip(i).Take(13).Select(r => r.Text)));
        }
        var words = notes.Average(n => n.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        for (var i = 0; i < 3000; i++)
        {
            Engine.Extract(notes[i % notes.Count], Keys);
        }
        Thread.Sleep(300); // let tiered compilation finish
        var threadCpuBefore = ThreadCpuSeconds();
        var sw = Stopwatch.StartNew();
        var count = 0;
        while (sw.ElapsedMilliseconds < 3000)
        {
            Engine.Extract(notes[count % notes.Count], Keys);
            count++;
        }
        sw.Stop();
        var cpu = ThreadCpuSeconds() - threadCpuBefore;
        var perSecond = count / sw.Elapsed.TotalSeconds;
        var perCpuSecond = count / cpu;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"throughput: {perSecond:0} notes/s wall clock, {perCpuSecond:0} notes per CPU-second (CPU time of the measuring thread; {words:0} words per note on average, {count} notes; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]})"));
        // The machine is shared: report, and only guard against a gross regression.
        Assert.True(perCpuSecond > 2000, "throughput collapsed");
    }

    /// <summary>User + system CPU time of the calling thread (Linux /proc; wall clock elsewhere).</summary>
    private static double ThreadCpuSeconds()
    {
        const string path = "/proc/thread-self/stat";
        if (!File.Exists(path))
        {
            return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
        }
        var stat = File.ReadAllText(path);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After the command name: field 3 is index 0, so utime (14) and stime (15) are indices 11 and 12.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0;
    }

    private (double MedianF1, double MedianMcc) Evaluate(string file)
    {
        var records = DevRecord.Load(file);
        var predictions = records.Select(r => Engine.Extract(r.Text, Keys)).ToArray();
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{file}: {records.Count} records");
        sb.AppendLine("feature            n+   TP  FP  FN   prec   sens   spec  macroF1   MCC");
        var f1s = new List<double>();
        var mccs = new List<double>();
        var sens = new List<double>();
        var specs = new List<double>();
        var errors = new StringBuilder();
        for (var k = 0; k < Keys.Length; k++)
        {
            var key = Keys[k];
            var m = Confusion(records.Select((r, i) => (r.Labels[key], predictions[i][k].Value == FeatureValue.True)));
            f1s.Add(m.MacroF1);
            mccs.Add(m.Mcc);
            sens.Add(m.Sensitivity);
            specs.Add(m.Specificity);
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{key,-18} {m.TruePositives + m.FalseNegatives,3} {m.TruePositives,4} {m.FalsePositives,3} {m.FalseNegatives,3}  {m.Precision,5:0.000}  {m.Sensitivity,5:0.000}  {m.Specificity,5:0.000}  {m.MacroF1,6:0.000}  {m.Mcc,6:0.000}");
            for (var i = 0; i < records.Count; i++)
            {
                var truth = records[i].Labels[key];
                var predicted = predictions[i][k].Value == FeatureValue.True;
                if (truth != predicted)
                {
                    errors.AppendLine(CultureInfo.InvariantCulture, $"  {(predicted ? "FP" : "FN")} {records[i].Id} {key}");
                }
            }
        }
        var medianF1 = Percentile.Median(f1s.ToArray());
        var medianMcc = Percentile.Median(mccs.ToArray());
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"median macro-F1 {medianF1:0.000}  median MCC {medianMcc:0.000}  median sensitivity {Percentile.Median(sens.ToArray()):0.000}  median specificity {Percentile.Median(specs.ToArray()):0.000}");
        sb.AppendLine("errors (record id, feature; synthetic data):");
        sb.Append(errors);
        output.WriteLine(sb.ToString());
        return (medianF1, medianMcc);
    }

    /// <summary>The confusion counts of one feature, scored with the project's own (scikit-learn-checked) metrics.</summary>
    private static ConfusionCounts Confusion(IEnumerable<(bool Truth, bool Predicted)> pairs)
    {
        int tp = 0, fp = 0, tn = 0, fn = 0;
        foreach (var (truth, predicted) in pairs)
        {
            if (truth && predicted) tp++;
            else if (!truth && predicted) fp++;
            else if (!truth) tn++;
            else fn++;
        }
        return new ConfusionCounts(tp, fp, tn, fn);
    }
}
