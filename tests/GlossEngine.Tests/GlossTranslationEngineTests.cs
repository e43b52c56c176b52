using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Gloss;
using Xunit;

namespace ClinicalAspire.GlossEngine.Tests;

public sealed class GlossTranslationEngineTests
{
    private static readonly GlossTranslationEngine Engine = new();

    private static string Gloss(string persian) => Engine.Translate(persian).Text;

    /// <summary>A tiny glossary so matching rules are tested apart from the shipped data.</summary>
    private static GlossTranslationEngine Tiny() => new(Glossary.Parse(
        "# test glossary\n" +
        "n\tدرد\tpain\n" +
        "n\tدرد شکم\tabdominal pain\n" +
        "n\tدرد شکم شدید\tsevere abdominal pain\n" +
        "n\tشکم\tabdomen\n" +
        "w\tو\tand\n" +
        "w\tرا\t-\n" +
        "v\tدار/داشت\thave/has/had/had/having\n" +
        "v\tخور/خورد\teat/eats/ate/eaten/eating\n" +
        "v\tاستفراغ کن/کرد\tvomit/vomits/vomited/vomited/vomiting\n"));

    [Fact]
    public void Descriptor_is_honest_about_being_a_gloss()
    {
        var d = Engine.Descriptor;
        Assert.Equal("gloss", d.Engine);
        Assert.Equal("clinical-gloss-fa-en", d.ModelId);
        Assert.Equal(Engine.Glossary.Version + "+" + GlossTranslationEngine.RulesVersion, d.PromptVersion);
        Assert.Matches("^fa-en-[0-9a-f]{10}\\+rules\\.[0-9]+$", d.PromptVersion);
        Assert.Contains("lexical gloss, not a fluent translation", d.Description);
        Assert.Equal(string.Empty, d.ExecutionProvider);
    }

    [Fact]
    public async Task TranslateAsync_marks_output_as_gloss()
    {
        var result = await Engine.TranslateAsync("بیمار تب دارد", "fa", "en", CancellationToken.None);
        Assert.True(result.IsGloss);
        Assert.Equal(1, result.Segments);
        Assert.Equal("Patient has a fever", result.Text);
    }

    [Fact]
    public void Shipped_glossary_has_domain_coverage()
    {
        // Several hundred to ~1,500 source lines was the brief; verbs expand to many more forms.
        Assert.InRange(Engine.Glossary.SourceEntries, 1000, 5000);
        Assert.True(Engine.Glossary.CompiledEntries > Engine.Glossary.SourceEntries * 3);
    }

    [Fact]
    public void Longest_match_wins_over_shorter_phrases_and_single_words()
    {
        var engine = Tiny();
        Assert.Equal("Severe abdominal pain", engine.Translate("درد شکم شدید").Text);
        Assert.Equal("Abdominal pain and pain", engine.Translate("درد شکم و درد").Text);
        Assert.Equal("Abdomen", engine.Translate("شکم").Text);
    }

    [Fact]
    public void Longest_match_in_shipped_glossary_uses_caller_phrases()
    {
        Assert.Equal("Cannot breathe", Gloss("نفسش بالا نمیاد"));
        Assert.Equal("Has no energy", Gloss("جون نداره"));
        Assert.Equal("Does not touch food", Gloss("لب به غذا نمیزنه"));
        Assert.Equal("We call him and he does not respond", Gloss("صداش میکنیم جواب نمیده"));
        Assert.Equal("Cannot sleep", Gloss("خوابش نمیبره"));
        Assert.Equal("Vomits", Gloss("بالا میاره"));
    }

    [Fact]
    public void Noun_phrase_with_possessive_suffix_still_matches()
    {
        Assert.Equal("His/her abdominal pain", Tiny().Translate("درد شکمش").Text);
    }

    [Fact]
    public void Unknown_words_are_kept_marked_and_counted()
    {
        var result = Tiny().Translate("درد زرافه و گورخر");
        Assert.Equal("Pain ⟦زرافه⟧ and ⟦گورخر⟧", result.Text);
        Assert.Equal(2, result.UnknownWords);
        Assert.True(result.IsGloss);
    }

    [Fact]
    public void Unknown_words_in_shipped_glossary_are_counted()
    {
        var result = Engine.Translate("بیمار قلمبه‌سلمبه دارد");
        Assert.Equal(1, result.UnknownWords);
        Assert.Contains("⟦", result.Text);
    }

    [Fact]
    public void Dropped_words_do_not_appear()
    {
        Assert.Equal("Pain and abdomen", Tiny().Translate("درد را و شکم").Text);
    }

    [Theory]
    [InlineData("بیمار تب ندارد", "Patient has no fever")]
    [InlineData("درد نداره", "Has no pain")]
    [InlineData("حالش خوب نیست", "Is not well")]
    [InlineData("نمی‌تواند راه برود", "Cannot walk")]
    [InlineData("نمیتواند راه برود", "Cannot walk")]
    [InlineData("نمی تواند راه برود", "Cannot walk")]
    [InlineData("غذا نمی‌خورد", "Does not eat")]
    [InlineData("دیشب نخوابید", "Last night did not sleep")]
    [InlineData("اشتها ندارد", "Has no appetite")]
    public void Negation_is_glossed(string persian, string expected) => Assert.Equal(expected, Gloss(persian));

    [Fact]
    public void Verb_paradigm_expands_persons_tenses_and_negation()
    {
        var engine = Tiny();
        Assert.Equal("Eats", engine.Translate("میخورد").Text);
        Assert.Equal("Does not eat", engine.Translate("نمی‌خوره").Text);
        Assert.Equal("They eat", engine.Translate("میخورند").Text);
        Assert.Equal("Ate", engine.Translate("خورد").Text);
        Assert.Equal("Did not eat", engine.Translate("نخورد").Text);
        Assert.Equal("Has not eaten", engine.Translate("نخورده").Text);
        Assert.Equal("Vomits", engine.Translate("استفراغ میکنه").Text);
        Assert.Equal("Has vomited", engine.Translate("استفراغ کرده").Text);
        Assert.Equal("Does not have pain", engine.Translate("درد ندارد").Text);
    }

    [Theory]
    [InlineData("تب ۳۸٫۵", "Fever 38.5")]
    [InlineData("تب ۳۸.۵", "Fever 38.5")]
    [InlineData("تب ٣٨", "Fever 38")]
    [InlineData("تب 39", "Fever 39")]
    [InlineData("تب سی و هشت و نیم", "Fever 38.5")]
    [InlineData("تب ۳۸ و نیم", "Fever 38.5")]
    [InlineData("۶۵ ساله", "65 years old")]
    [InlineData("بیست و پنج میلی‌گرم مورفین", "25 mg morphine")]
    [InlineData("۳-۴ بار", "3-4 times")]
    [InlineData("۱٬۵۰۰ تومان", "1,500 tomans")]
    [InlineData("اکسیژن ۹۰٪", "Oxygen 90%")]
    public void Digits_and_number_words_become_latin_digits(string persian, string expected) =>
        Assert.Equal(expected, Gloss(persian));

    [Fact]
    public void Latin_words_pass_through_unchanged()
    {
        Assert.Equal("CT scan normal", Gloss("CT scan نرمال"));
        Assert.Equal("Morphine 10 mg SC", Gloss("مورفین 10 mg SC"));
    }

    [Fact]
    public void Punctuation_is_mapped_and_sentences_are_capitalised()
    {
        var text = Gloss("تب دارد، سرفه میکند؟ درد ندارد؛ خوب است.");
        Assert.Equal("Has a fever, coughs? Has no pain; is good.", text);
    }

    [Fact]
    public void Line_breaks_are_preserved()
    {
        Assert.Equal("Has a fever\nCoughs", Gloss("تب دارد\nسرفه میکند"));
    }

    [Fact]
    public void Arabic_letter_and_zwnj_variants_normalise_to_the_same_gloss()
    {
        var expected = Gloss("بیماری کلیه");
        Assert.Equal(expected, Gloss("بيماري كليه"));
        Assert.Equal(Gloss("می‌خورد"), Gloss("میخورد"));
        Assert.Equal(Gloss("می‌خورد"), Gloss("می خورد"));
    }

    [Fact]
    public void Empty_and_whitespace_input_gives_empty_gloss()
    {
        var result = Engine.Translate("   \n ");
        Assert.Equal(string.Empty, result.Text);
        Assert.Equal(0, result.UnknownWords);
        Assert.Equal(0, result.Segments);
        Assert.True(result.IsGloss);
    }

    [Theory]
    [InlineData("en", "fa")]
    [InlineData("fa", "de")]
    [InlineData("ar", "en")]
    [InlineData("", "en")]
    public async Task Only_persian_to_english_is_supported(string source, string target)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            Engine.TranslateAsync("بیمار تب دارد", source, target, CancellationToken.None));
        Assert.Contains("Persian (fa) to English (en) only", ex.Message);
        Assert.DoesNotContain("بیمار", ex.Message); // PHI never in messages
    }

    [Fact]
    public async Task Language_codes_are_case_insensitive()
    {
        var result = await Engine.TranslateAsync("تب", "FA", "En", CancellationToken.None);
        Assert.Equal("Fever", result.Text);
    }

    [Fact]
    public async Task Cancelled_token_is_honoured()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Engine.TranslateAsync("تب", "fa", "en", cts.Token));
    }

    [Fact]
    public void Malformed_glossary_names_the_line_only()
    {
        var ex = Assert.Throws<FormatException>(() => Glossary.Parse("w\tدرد\tpain\nx\tتب\tfever\n"));
        Assert.Contains("line 2", ex.Message);
        Assert.DoesNotContain("تب", ex.Message);
        Assert.Throws<FormatException>(() => Glossary.Parse("v\tخور\teat/eats\n"));
        Assert.Throws<FormatException>(() => Glossary.Parse("w\tتب 39\tfever\n"));
    }

    [Fact]
    public void Glossary_file_with_bom_parses_and_loads_from_disk()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gloss-{Guid.NewGuid():N}.tsv");
        File.WriteAllText(path, "\uFEFFw\tدرد\tpain\n", new System.Text.UTF8Encoding(true));
        try
        {
            var engine = new GlossTranslationEngine(Glossary.LoadFile(path));
            Assert.Equal("Pain", engine.Translate("درد").Text);
            Assert.Equal(1, engine.Glossary.SourceEntries);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Gloss_reorders_only_what_it_documents()
    {
        Assert.Equal("Patient has lung cancer", Gloss("بیمار سرطان ریه داره"));
        Assert.Equal("Has severe pain", Gloss("درد شدید دارد"));
        Assert.Equal("Patient is lethargic", Gloss("بیمار بی‌حال است"));
        Assert.Equal("Has become very lethargic", Gloss("خیلی بی‌حال شده"));
        Assert.Equal("Has developed constipation", Gloss("دچار یبوست شده"));
        Assert.Equal("The patient's urine", Gloss("ادرار بیمار"));
        Assert.Equal("Has diarrhea also", Gloss("اسهال هم دارد"));
    }

    [Fact]
    public void Glossary_version_is_a_content_hash()
    {
        var a = Glossary.Parse("w\tدرد\tpain\n");
        var b = Glossary.Parse("w\tدرد\tpain\n");
        var c = Glossary.Parse("w\tدرد\tache\n");
        Assert.Equal(a.Version, b.Version);
        Assert.NotEqual(a.Version, c.Version);
    }

    [Fact]
    public void Engine_is_safe_to_share_between_threads()
    {
        var inputs = new[] { "بیمار تب دارد", "نفسش بالا نمیاد", "درد شکم دارد و استفراغ میکند" };
        var expected = inputs.Select(Gloss).ToArray();
        Parallel.For(0, 2000, i =>
        {
            var k = i % inputs.Length;
            Assert.Equal(expected[k], Engine.Translate(inputs[k]).Text);
        });
    }

    [Fact]
    public void Engine_implements_the_translation_contract()
    {
        ITranslationEngine engine = Engine;
        Assert.Equal("gloss", engine.Descriptor.Engine);
    }
}
