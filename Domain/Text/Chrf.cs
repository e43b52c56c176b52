namespace ClinicalAspire.Domain.Text;

/// <summary>
/// chrF: character n-gram F-score (Popović 2015) with sacreBLEU 2.x's defaults: character order 6,
/// word order 0, beta 2, whitespace removed before n-grams are extracted, case-sensitive,
/// no epsilon smoothing. Scores are on 0..100 like sacreBLEU.
/// </summary>
/// <remarks>
/// For every order n = 1..6: hyp = number of hypothesis n-grams, ref = number of reference n-grams,
/// match = sum over n-grams of min(count in hypothesis, count in reference). Precision match/hyp and
/// recall match/ref are averaged (arithmetic mean) over the "effective" orders only, i.e. the orders
/// where both hyp and ref are non-zero; then F-beta = (1 + b²)·P·R / (b²·P + R). No effective order,
/// or P + R = 0, gives 0. Corpus chrF sums the per-order counts over all pairs first, then scores once
/// (it is not the mean of the sentence scores). Characters are Unicode code points, as in Python.
/// </remarks>
public static class Chrf
{
    public const int CharOrder = 6;
    public const double Beta = 2.0;

    /// <summary>Sentence-level chrF of one hypothesis against one reference (0..100).</summary>
    public static double Sentence(string hypothesis, string reference)
    {
        var stats = new ChrfStatistics();
        stats.Add(hypothesis, reference);
        return stats.Score;
    }

    /// <summary>Corpus-level chrF: n-gram statistics summed over all pairs, then one score (0..100).</summary>
    public static double Corpus(IEnumerable<(string Hypothesis, string Reference)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var stats = new ChrfStatistics();
        foreach (var (hypothesis, reference) in pairs)
        {
            stats.Add(hypothesis, reference);
        }

        return stats.Score;
    }

    /// <summary>F-beta from summed statistics, exactly as sacreBLEU 2.x computes it without eps smoothing.</summary>
    internal static double Score(long[] hyp, long[] reference, long[] match)
    {
        var factor = Beta * Beta;
        double avgPrecision = 0, avgRecall = 0;
        var effectiveOrder = 0;
        for (var n = 0; n < CharOrder; n++)
        {
            if (hyp[n] > 0 && reference[n] > 0)
            {
                avgPrecision += (double)match[n] / hyp[n];
                avgRecall += (double)match[n] / reference[n];
                effectiveOrder++;
            }
        }

        if (effectiveOrder == 0)
        {
            return 0.0;
        }

        avgPrecision /= effectiveOrder;
        avgRecall /= effectiveOrder;
        if (avgPrecision + avgRecall == 0)
        {
            return 0.0;
        }

        return 100.0 * (1 + factor) * avgPrecision * avgRecall / (factor * avgPrecision + avgRecall);
    }

    /// <summary>
    /// Whitespace removed (Python's str.split() whitespace), then the start offset of every code point
    /// plus a final sentinel, so that n-gram k spans [starts[k], starts[k + n]).
    /// </summary>
    internal static (string Text, int[] Starts) Prepare(string text)
    {
        var chars = new System.Text.StringBuilder(text.Length);
        var starts = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                starts.Add(chars.Length);
                chars.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }

            if (IsPythonWhitespace(c))
            {
                continue;
            }

            starts.Add(chars.Length);
            chars.Append(c);
        }

        starts.Add(chars.Length);
        return (chars.ToString(), starts.ToArray());
    }

    /// <summary>The characters Python's str.isspace() accepts (what str.split() splits on).</summary>
    private static bool IsPythonWhitespace(char c) =>
        char.IsWhiteSpace(c) || c is '\u001C' or '\u001D' or '\u001E' or '\u001F';
}

/// <summary>
/// Running chrF statistics (per-order hypothesis, reference and matching n-gram counts): add pairs as
/// they arrive, read <see cref="Score"/> at any time. Not thread-safe.
/// </summary>
public sealed class ChrfStatistics
{
    private readonly long[] _hyp = new long[Chrf.CharOrder];
    private readonly long[] _ref = new long[Chrf.CharOrder];
    private readonly long[] _match = new long[Chrf.CharOrder];

    /// <summary>Pairs added so far.</summary>
    public int Pairs { get; private set; }

    /// <summary>Corpus chrF (0..100) of the pairs added so far; 0 when none.</summary>
    public double Score => Chrf.Score(_hyp, _ref, _match);

    public void Add(string hypothesis, string reference)
    {
        ArgumentNullException.ThrowIfNull(hypothesis);
        ArgumentNullException.ThrowIfNull(reference);
        var (hypText, hypStarts) = Chrf.Prepare(hypothesis);
        var (refText, refStarts) = Chrf.Prepare(reference);
        var hypLength = hypStarts.Length - 1;
        var refLength = refStarts.Length - 1;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var n = 1; n <= Chrf.CharOrder; n++)
        {
            var hypCount = Math.Max(0, hypLength - n + 1);
            var refCount = Math.Max(0, refLength - n + 1);
            _hyp[n - 1] += hypCount;
            _ref[n - 1] += refCount;
            if (hypCount == 0 || refCount == 0)
            {
                continue;
            }

            counts.Clear();
            for (var k = 0; k < refCount; k++)
            {
                var gram = refText.Substring(refStarts[k], refStarts[k + n] - refStarts[k]);
                counts[gram] = counts.TryGetValue(gram, out var c) ? c + 1 : 1;
            }

            long matched = 0;
            for (var k = 0; k < hypCount; k++)
            {
                var gram = hypText.Substring(hypStarts[k], hypStarts[k + n] - hypStarts[k]);
                if (counts.TryGetValue(gram, out var c) && c > 0)
                {
                    // Each reference occurrence can be matched once: sum of min(hyp count, ref count).
                    counts[gram] = c - 1;
                    matched++;
                }
            }

            _match[n - 1] += matched;
        }

        Pairs++;
    }
}
