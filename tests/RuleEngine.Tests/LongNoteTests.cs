using System.Globalization;
using System.Text;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Engines.Rules;
using Xunit;
using Xunit.Abstractions;

namespace ClinicalAspire.RuleEngine.Tests;

/// <summary>
/// Long notes without timing (bench/Benchmarks NoteLengthBenchmarks times them): answers that scale with the note,
/// and memory allocated that grows in proportion to the note, not to its square.
/// </summary>
public sealed class LongNoteTests(ITestOutputHelper output)
{
    private static readonly RuleExtractionEngine Engine = new();
    private static readonly string[] Keys = FeatureCatalogue.Default.Keys.ToArray();

    public static TheoryData<string> Pieces => new()
    {
        "pain ",
        "درد ",
        "Fever yesterday, today no fever. ",
        "دیروز تب داشت؛ امروز تب ندارد. همسر بیمار: سردرد دارم. ",
    };

    [Theory]
    [MemberData(nameof(Pieces))]
    public void Every_repeat_of_a_mention_is_decided_alike(string piece)
    {
        var once = Engine.Explain(piece);
        var many = Engine.Explain(Repeat(piece, 32 * 1024));
        var copies = many.Count / Math.Max(1, once.Count);
        Assert.Equal(once.Count * copies, many.Count);
        // Only the last copy's mentions may end differently: a later copy can resolve an earlier positive one.
        for (var i = 0; i < once.Count; i++)
        {
            Assert.Equal(once[i].Status, many[many.Count - once.Count + i].Status);
            Assert.Equal(once[i].Key, many[many.Count - once.Count + i].Key);
        }
    }

    [Theory]
    [MemberData(nameof(Pieces))]
    public void Allocation_grows_in_proportion_to_the_note(string piece)
    {
        var small = Repeat(piece, 4 * 1024);
        var large = Repeat(piece, 32 * 1024);
        // Grow the per-thread scratch buffers first, so that both measurements see them at full size.
        Engine.Extract(large, Keys);
        Engine.Explain(large);
        var smallBytes = Allocated(small);
        var largeBytes = Allocated(large);
        var ratio = (double)largeBytes / smallBytes;
        var report = string.Create(CultureInfo.InvariantCulture, $"{smallBytes:N0} B for 4 KB, {largeBytes:N0} B for 32 KB: x{ratio:0.0}");
        output.WriteLine(report);
        // 8 times the text: linear is ~8 (list doubling can add some); quadratic would be ~64.
        Assert.True(ratio < 12, report);
    }

    private static long Allocated(string text)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var answers = Engine.Extract(text, Keys);
        var hits = Engine.Explain(text);
        var after = GC.GetAllocatedBytesForCurrentThread();
        Assert.NotEmpty(hits);
        Assert.Contains(answers, a => a.Value == FeatureValue.True || hits.All(h => h.Status != TriggerStatus.Positive));
        return after - before;
    }

    /// <summary>Copies of <paramref name="piece"/> up to <paramref name="bytes"/> UTF-8 bytes.</summary>
    private static string Repeat(string piece, int bytes)
    {
        var copies = bytes / Encoding.UTF8.GetByteCount(piece);
        return new StringBuilder(piece.Length * copies).Insert(0, piece, copies).ToString();
    }
}
