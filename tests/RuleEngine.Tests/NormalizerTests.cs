using ClinicalAspire.Domain.Text;
using Xunit;

namespace ClinicalAspire.RuleEngine.Tests;

public sealed class NormalizerTests
{
    [Theory]
    [InlineData("كيف", "کیف")] // Arabic kaf and yeh
    [InlineData("بيماري", "بیماری")]
    [InlineData("مسئله", "مسیله")]
    [InlineData("خانۀ", "خانه")]
    [InlineData("خانهٔ", "خانه")]
    [InlineData("أبو إسم", "ابو اسم")]
    [InlineData("آب", "اب")]
    [InlineData("مؤمن", "مومن")]
    [InlineData("سلامة", "سلامه")]
    public void Arabic_letters_become_Persian(string input, string expected) =>
        Assert.Equal(expected, PersianNormalizer.NormalizeString(input));

    [Theory]
    [InlineData("می‌کند")]
    [InlineData("میکند")]
    [InlineData("می کند")]
    [InlineData("مي‌كند")]
    [InlineData("مـی‌کـند")]
    public void Zwnj_variants_and_detached_prefix_match(string input) =>
        Assert.Equal("میکند", PersianNormalizer.NormalizeString(input));

    [Theory]
    [InlineData("نمی‌خوابد", "نمیخوابد")]
    [InlineData("نمی خوابد", "نمیخوابد")]
    [InlineData("بی‌حال", "بیحال")]
    [InlineData("بی حال", "بیحال")]
    [InlineData("درد های", "دردهای")]
    [InlineData("درد‌های", "دردهای")]
    [InlineData("بزرگ تر", "بزرگتر")]
    public void Detached_affixes_are_joined(string input, string expected) =>
        Assert.Equal(expected, PersianNormalizer.NormalizeString(input));

    [Theory]
    [InlineData("دَرْدِ شَدید", "درد شدید")]
    [InlineData("قبلاً", "قبلا")]
    [InlineData("خییییلی", "خیلی")]
    [InlineData("خیلـــی", "خیلی")]
    public void Diacritics_tatweel_and_stretching_are_removed(string input, string expected) =>
        Assert.Equal(expected, PersianNormalizer.NormalizeString(input));

    [Theory]
    [InlineData("۳۸.۵", "38.5")]
    [InlineData("٣٩", "39")]
    [InlineData("۸۵٪", "85٪")]
    [InlineData("39", "39")]
    [InlineData("تب ۳۹ درجه", "تب 39 درجه")]
    public void Digits_are_unified(string input, string expected) =>
        Assert.Equal(expected, PersianNormalizer.NormalizeString(input));

    [Fact]
    public void Punctuation_whitespace_and_case()
    {
        Assert.Equal("درد, تب? no fever", PersianNormalizer.NormalizeString("  درد،   تب؟  No\u00A0Fever "));
        Assert.Equal("a\nb", PersianNormalizer.NormalizeString("a \r\n\r\n b"));
    }

    [Fact]
    public void Offset_map_points_back_into_the_original()
    {
        const string original = "بيمار  مي‌كند دَرد ۳۸ بی حال";
        var n = PersianNormalizer.Normalize(original);
        Assert.Equal(n.Text.Length, n.Map.Length);
        for (var i = 0; i < n.Text.Length; i++)
        {
            Assert.InRange(n.Map[i], 0, original.Length - 1);
            if (i > 0)
            {
                Assert.True(n.Map[i] > n.Map[i - 1], "the map is strictly increasing");
            }
        }
        // "درد" in the normalised text maps to "دَرد" (with its diacritic) in the original.
        var at = n.Text.IndexOf("درد", StringComparison.Ordinal);
        var (s, e) = n.ToOriginal(at, at + 3);
        Assert.Equal("دَرد", original[s..e]);
        var k = n.Text.IndexOf("میکند", StringComparison.Ordinal);
        (s, e) = n.ToOriginal(k, k + 5);
        Assert.Equal("مي‌كند", original[s..e]);
        var b = n.Text.IndexOf("بیحال", StringComparison.Ordinal);
        (s, e) = n.ToOriginal(b, b + 5);
        Assert.Equal("بی حال", original[s..e]);
        Assert.Equal((original.Length, original.Length), n.ToOriginal(n.Text.Length, n.Text.Length));
    }

    [Fact]
    public void Empty_and_whitespace()
    {
        Assert.Equal("", PersianNormalizer.NormalizeString(""));
        Assert.Equal("", PersianNormalizer.NormalizeString(" \u200C \n "));
    }

    [Fact]
    public void Presentation_forms_are_decomposed()
    {
        // U+FEF3 U+FEF4: Arabic yeh initial/medial presentation forms.
        var n = PersianNormalizer.Normalize("\uFEEB\uFEE0");
        Assert.Equal(2, n.Text.Length);
        Assert.Equal(new[] { 0, 1 }, n.Map);
    }
}
