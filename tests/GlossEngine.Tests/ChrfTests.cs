using System.Text;
using ClinicalAspire.Domain.Text;
using Xunit;

namespace ClinicalAspire.GlossEngine.Tests;

/// <summary>
/// chrF fixtures. Derivation:
/// (1) tiny pairs worked out by hand below (comments give the per-order counts);
/// (2) two values published in the Hugging Face chrF metric card, produced by sacreBLEU with the defaults
///     (char order 6, word order 0, beta 2): 61.576379378113785 and 84.64214891738334;
/// (3) a second, deliberately naive implementation in this file (LINQ, runes, no shared code with
///     Chrf.cs) written from the sacreBLEU 2.x definition, compared on a range of pairs and corpora.
/// python3 has no sacrebleu here (no PyPI access), so it was not run.
/// </summary>
public sealed class ChrfTests
{
    private const double Tolerance = 1e-9;

    [Fact]
    public void Identical_strings_score_100() => Assert.Equal(100.0, Chrf.Sentence("patient has fever", "patient has fever"), Tolerance);

    [Fact]
    public void Whitespace_is_removed_before_ngrams()
    {
        // "a b" and "ab" are the same character sequence once whitespace is gone.
        Assert.Equal(100.0, Chrf.Sentence("a b", "ab"), Tolerance);
        Assert.Equal(100.0, Chrf.Sentence(" has\tfever\n", "hasfever"), Tolerance);
    }

    [Fact]
    public void Hand_computed_abc_vs_abd()
    {
        // n=1: hyp 3, ref 3, match 2 (a, b)  -> P = R = 2/3
        // n=2: hyp 2, ref 2, match 1 (ab)    -> P = R = 1/2
        // n=3: hyp 1, ref 1, match 0         -> P = R = 0
        // n=4..6: no n-grams on either side  -> not effective
        // avgP = avgR = (2/3 + 1/2 + 0) / 3 = 7/18; F2 = 5PR / (4P + R) = P when P = R -> 38.888...
        Assert.Equal(100.0 * 7 / 18, Chrf.Sentence("abc", "abd"), Tolerance);
    }

    [Fact]
    public void Hand_computed_short_hypothesis()
    {
        // hyp "a", ref "ab": n=1: hyp 1, ref 2, match 1 -> P = 1, R = 1/2; n=2: hyp 0 -> not effective.
        // F2 = 5 * 1 * 0.5 / (4 * 1 + 0.5) = 2.5 / 4.5
        Assert.Equal(100.0 * 2.5 / 4.5, Chrf.Sentence("a", "ab"), Tolerance);
        // Reversed: P = 1/2, R = 1 -> F2 = 5 * 0.5 / (2 + 1) = 2.5 / 3 (recall weighs more).
        Assert.Equal(100.0 * 2.5 / 3, Chrf.Sentence("ab", "a"), Tolerance);
    }

    [Fact]
    public void Repeated_ngrams_match_at_most_as_often_as_in_the_reference()
    {
        // hyp "aaa", ref "a": n=1: hyp 3, ref 1, match min(3,1) = 1 -> P = 1/3, R = 1; n>=2: ref has none.
        // F2 = 5 * (1/3) * 1 / (4/3 + 1) = (5/3) / (7/3) = 5/7
        Assert.Equal(100.0 * 5 / 7, Chrf.Sentence("aaa", "a"), Tolerance);
    }

    [Fact]
    public void Characters_are_code_points_not_utf16_units()
    {
        // "😀b" vs "😀c" as code points: n=1: 2,2,1 -> 1/2; n=2: 1,1,0 -> 0; avg = 1/4 -> 25.
        // (Counted in UTF-16 units it would be 7/18 = 38.9.)
        Assert.Equal(25.0, Chrf.Sentence("😀b", "😀c"), Tolerance);
    }

    [Fact]
    public void Case_sensitive_like_sacrebleu_default()
    {
        Assert.True(Chrf.Sentence("Fever", "fever") < 100.0);
    }

    [Theory]
    [InlineData("", "reference")]
    [InlineData("hypothesis", "")]
    [InlineData("", "")]
    [InlineData("   ", "  ")]
    [InlineData("xyz", "abc")]
    public void Empty_or_disjoint_inputs_score_0(string hypothesis, string reference) =>
        Assert.Equal(0.0, Chrf.Sentence(hypothesis, reference), Tolerance);

    [Fact]
    public void Published_sacrebleu_sentence_value()
    {
        var score = Chrf.Sentence(
            "The relationship between Obama and Netanyahu is not exactly friendly.",
            "The ties between Obama and Netanyahu are not particularly friendly.");
        Assert.Equal(61.576379378113785, score, 1e-9);
    }

    [Fact]
    public void Published_sacrebleu_corpus_value()
    {
        var score = Chrf.Corpus(
        [
            ("The relationship between cats and dogs is not exactly friendly.", "The relationship between dogs and cats is not exactly friendly."),
            ("a good bookshop is just a genteel black hole that knows how to read.", "A good bookshop is just a genteel Black Hole that knows how to read."),
        ]);
        Assert.Equal(84.64214891738334, score, 1e-9);
    }

    public static TheoryData<string, string> Pairs => new()
    {
        { "Patient has fever since yesterday", "The patient has had a fever since yesterday." },
        { "His/her abdominal pain is high and morphine does not work?", "Her abdominal pain is severe and morphine is not working." },
        { "Cannot breathe", "He cannot breathe." },
        { "Pain ⟦زرافه⟧ and ⟦گورخر⟧", "pain and giraffe" },
        { "درد شکم", "درد شکم دارد" },
        { "aaaa bbbb", "ab ab ab ab" },
        { "x", "xxxxxxxxxxxx" },
        { "The cat sat on the mat.", "The the the the the the the." },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Sentence_agrees_with_independent_implementation(string hypothesis, string reference) =>
        Assert.Equal(NaiveChrf.Score([(hypothesis, reference)]), Chrf.Sentence(hypothesis, reference), Tolerance);

    [Fact]
    public void Corpus_sums_statistics_before_scoring()
    {
        var pairs = Pairs.Select(p => ((string)p[0], (string)p[1])).ToList();
        var corpus = Chrf.Corpus(pairs);
        Assert.Equal(NaiveChrf.Score(pairs), corpus, Tolerance);
        var meanOfSentences = pairs.Average(p => Chrf.Sentence(p.Item1, p.Item2));
        Assert.NotEqual(meanOfSentences, corpus, 6);
    }

    [Fact]
    public void Running_statistics_equal_corpus_score()
    {
        var pairs = Pairs.Select(p => ((string)p[0], (string)p[1])).ToList();
        var running = new ChrfStatistics();
        foreach (var (h, r) in pairs)
        {
            running.Add(h, r);
        }

        Assert.Equal(pairs.Count, running.Pairs);
        Assert.Equal(Chrf.Corpus(pairs), running.Score, Tolerance);
        Assert.Equal(0.0, new ChrfStatistics().Score);
    }

    /// <summary>Straightforward second implementation (no code shared with Chrf.cs).</summary>
    private static class NaiveChrf
    {
        public static double Score(IEnumerable<(string Hyp, string Ref)> pairs)
        {
            var hyp = new double[6];
            var rf = new double[6];
            var match = new double[6];
            foreach (var (h, r) in pairs)
            {
                var hc = Chars(h);
                var rc = Chars(r);
                for (var n = 1; n <= 6; n++)
                {
                    var hg = Grams(hc, n);
                    var rg = Grams(rc, n);
                    hyp[n - 1] += hg.Values.Sum();
                    rf[n - 1] += rg.Values.Sum();
                    match[n - 1] += hg.Sum(kv => Math.Min(kv.Value, rg.GetValueOrDefault(kv.Key)));
                }
            }

            var orders = Enumerable.Range(0, 6).Where(i => hyp[i] > 0 && rf[i] > 0).ToList();
            if (orders.Count == 0)
            {
                return 0;
            }

            var p = orders.Average(i => match[i] / hyp[i]);
            var rc2 = orders.Average(i => match[i] / rf[i]);
            return p + rc2 == 0 ? 0 : 100 * 5 * p * rc2 / (4 * p + rc2);
        }

        private static List<string> Chars(string s) =>
            s.EnumerateRunes().Where(r => !Rune.IsWhiteSpace(r)).Select(r => r.ToString()).ToList();

        private static Dictionary<string, int> Grams(List<string> chars, int n) =>
            Enumerable.Range(0, Math.Max(0, chars.Count - n + 1))
                .Select(i => string.Concat(chars.Skip(i).Take(n)))
                .GroupBy(g => g)
                .ToDictionary(g => g.Key, g => g.Count());
    }
}
