using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Rules;
using Xunit;

namespace ClinicalAspire.RuleEngine.Tests;

/// <summary>ConText traps: each note is checked for one feature (synthetic sentences).</summary>
public sealed class ModifierTests
{
    private static readonly RuleExtractionEngine Engine = new();

    private static bool Has(string text, string key) => Engine.Extract(text, [key])[0].Value == FeatureValue.True;

    [Theory]
    // Plain positives, formal and colloquial.
    [InlineData("بیمار از درد شدید در ناحیه کمر شکایت دارد.", "pain", true)]
    [InlineData("میگه مامانم از دیشب نفسش بالا نمیاد", "respiratory", true)]
    [InlineData("جون نداره", "fatigue", true)]
    [InlineData("لب به غذا نمیزنه", "appetite_loss", true)]
    [InlineData("صداش میکنیم جواب نمیده", "consciousness", true)]
    [InlineData("خوابش نمیبره", "sleep", true)]
    [InlineData("شبا بیداره", "sleep", true)]
    [InlineData("حالت تهوع داره", "gastrointestinal", true)]
    [InlineData("بالا میاره", "gastrointestinal", true)]
    [InlineData("دفع نداره", "gastrointestinal", true)]
    [InlineData("تب و لرز داره", "fever", true)]
    [InlineData("داغ کرده", "fever", true)]
    [InlineData("سوزش ادرار داره", "urinary", true)]
    [InlineData("سوند داره", "urinary", true)]
    [InlineData("پول دارو نداریم", "cost", true)]
    [InlineData("بیمه پوشش نمیده", "cost", true)]
    [InlineData("میخوایم دکتر بیاد خونه", "visit_request", true)]
    [InlineData("درخواست ویزیت دارند", "visit_request", true)]
    [InlineData("گیج میزنه", "consciousness", true)]
    [InlineData("هوشیاریش اومده پایین", "consciousness", true)]
    [InlineData("تشنج کرد", "seizure", true)]
    [InlineData("دست و پاش میلرزید و کف کرد", "seizure", true)]
    // Verb-final negation.
    [InlineData("درد ندارد", "pain", false)]
    [InlineData("تب نکرده", "fever", false)]
    [InlineData("هیچ دردی ندارد", "pain", false)]
    [InlineData("بدون تب", "fever", false)]
    [InlineData("نه تب داره نه سرفه", "fever", false)]
    [InlineData("نه تب داره نه سرفه", "respiratory", false)]
    [InlineData("تب، سرفه و تنگی نفس ندارد", "respiratory", false)]
    [InlineData("تب، سرفه و تنگی نفس ندارد", "fever", false)]
    [InlineData("درد داره ولی تب نداره", "pain", true)]
    [InlineData("درد داره ولی تب نداره", "fever", false)]
    [InlineData("تب داره و درد نداره", "fever", true)]
    [InlineData("تب داره و درد نداره", "pain", false)]
    [InlineData("مشکل خواب نداره", "sleep", false)]
    [InlineData("خواب نداره", "sleep", true)]
    [InlineData("اشتها نداره", "appetite_loss", true)]
    [InlineData("اشتهاش خوبه", "appetite_loss", false)]
    [InlineData("مشکل تنفسی ندارد", "respiratory", false)]
    [InlineData("از نظر مالی مشکلی ندارند", "cost", false)]
    [InlineData("تبش با استامینوفن پایین نمیاد", "fever", true)]
    [InlineData("دردش با مسکن خوب نمیشه", "pain", true)]
    // Symptoms that are themselves negative verbs.
    [InlineData("از درد خوابش نمیبره", "sleep", true)]
    [InlineData("از درد خوابش نمیبره", "pain", true)]
    [InlineData("غذا نمیخوره", "appetite_loss", true)]
    [InlineData("ادرار نمیکنه", "urinary", true)]
    // Resolved / past.
    [InlineData("دیگه استفراغ نمیکنه", "gastrointestinal", false)]
    [InlineData("قبلاً تب داشت ولی الان نه", "fever", false)]
    [InlineData("تب داشت ولی الان نه", "fever", false)]
    [InlineData("تهوعش برطرف شده", "gastrointestinal", false)]
    [InlineData("اسهالش خوب شده", "gastrointestinal", false)]
    [InlineData("سابقه تشنج دارد", "seizure", false)]
    [InlineData("Nausea has resolved.", "gastrointestinal", false)]
    [InlineData("He no longer has diarrhea.", "gastrointestinal", false)]
    // Hypothetical and questions.
    [InlineData("اگر تب کرد چه کنیم؟", "fever", false)]
    [InlineData("اگه تب کرد چی بدیم", "fever", false)]
    [InlineData("آیا ممکنه تشنج کنه؟", "seizure", false)]
    [InlineData("ممکنه دردش بیشتر بشه؟", "pain", false)]
    [InlineData("If he gets a fever, what should we do?", "fever", false)]
    [InlineData("اگه امکانش هست یه دکتر بفرستید خونه", "visit_request", true)]
    [InlineData("برای جلوگیری از تشنج دارو میخوره", "seizure", false)]
    // Experiencer.
    [InlineData("خودم خوابم نمیبره", "sleep", false)]
    [InlineData("من از استرس خوابم نمیبره", "psychological", false)]
    [InlineData("برادرش تب داره", "fever", false)]
    [InlineData("مادرم تب داره", "fever", true)]
    [InlineData("برادرش سرما خورده ولی خود بیمار تب داره", "fever", true)]
    [InlineData("خانواده نگران وضعیت بیمار هستند", "psychological", false)]
    [InlineData("همسر بیمار تماس گرفت و گفت بیمار تب دارد", "fever", true)]
    [InlineData("His brother has a fever.", "fever", false)]
    [InlineData("The caller herself has insomnia.", "sleep", false)]
    // Pseudo-triggers.
    [InlineData("داروی ضد تشنج مصرف میکند", "seizure", false)]
    [InlineData("قرص خواب میخوره", "sleep", false)]
    [InlineData("مسکن میخوره", "pain", false)]
    [InlineData("جواب آزمایشش نیومده", "consciousness", false)]
    [InlineData("سرگیجه داره", "consciousness", false)]
    // English.
    [InlineData("Patient denies pain.", "pain", false)]
    [InlineData("Patient denies fever, nausea or vomiting.", "gastrointestinal", false)]
    [InlineData("No shortness of breath.", "respiratory", false)]
    [InlineData("He is short of breath.", "respiratory", true)]
    [InlineData("She has not been eating.", "appetite_loss", true)]
    [InlineData("No fever but he has a cough.", "respiratory", true)]
    [InlineData("They cannot afford the medication.", "cost", true)]
    [InlineData("The family requests a home visit.", "visit_request", true)]
    // "Not that": a denied complaint denies, a denied denial asserts.
    [InlineData("نه اینکه بی‌اشتها باشه، اشتهاش خوبه", "appetite_loss", false)]
    [InlineData("It's not that she won't eat, she clears her plate.", "appetite_loss", false)]
    [InlineData("نه اینکه درد نداشته باشه، داره", "pain", true)]
    // The caller's "I" is not the patient, unless the patient is the caller.
    [InlineData("اضطراب دارم، خودم، نه مریض. بابام آرومه", "psychological", false)]
    [InlineData("Son: I'm the one who's anxious, not her.", "psychological", false)]
    [InlineData("Patient: Hello, I'm calling for myself. I feel so anxious all the time.", "psychological", true)]
    [InlineData("بیمار: سلام، خودم هستم. خیلی اضطراب دارم.", "psychological", true)]
    // A series of temperatures: the latest decides; a saturation is not continued into a heart rate.
    [InlineData("تب ۳۸/۳ دیروز، امروز ۳۶/۸", "fever", false)]
    [InlineData("T 38.2 yesterday, today 36.7", "fever", false)]
    [InlineData("T 36.9 this morning, now 38.4", "fever", true)]
    [InlineData("SpO2 95%, HR 88", "respiratory", false)]
    // Money problems without the word, and solved ones.
    [InlineData("مشکل بیمه داشتیم ولی حل شد", "cost", false)]
    [InlineData("The insurance problem is fixed, we're not paying anything now.", "cost", false)]
    [InlineData("Q: Bills? A: All covered.", "cost", false)]
    [InlineData("ماشینمونو فروختیم که پول بیمارستان رو بدیم", "cost", true)]
    [InlineData("مرکز خصوصی هر بار چهار میلیون میگیره، از پسش برنمیایم", "cost", true)]
    // Mistaking people.
    [InlineData("منو با خواهرش اشتباه میگیره", "consciousness", true)]
    [InlineData("Every time she wakes she thinks I'm her sister.", "consciousness", true)]
    public void Trap(string text, string key, bool expected) => Assert.Equal(expected, Has(text, key));

    [Fact]
    public void Evidence_quotes_the_original_text()
    {
        const string text = "مادرم از ديشب  تب   دارد و نفسش بالا نمي‌آيد؛ سوزش ادرار هم داره.";
        var keys = FeatureCatalogue.Default.Keys.ToArray();
        var answers = Engine.Extract(text, keys);
        var positives = answers.Where(a => a.Value == FeatureValue.True).ToDictionary(a => a.Key);
        Assert.Equal(new[] { "fever", "respiratory", "urinary" }.OrderBy(k => k), positives.Keys.OrderBy(k => k));
        foreach (var answer in positives.Values)
        {
            Assert.NotEmpty(answer.Evidence);
            foreach (var span in answer.Evidence)
            {
                Assert.Equal(EvidenceSource.Text, span.Source);
                Assert.InRange(span.Start, 0, text.Length);
                Assert.InRange(span.End, span.Start + 1, text.Length);
                Assert.Equal(text[span.Start..span.End], span.Quote);
            }
        }
        Assert.Equal("تب", positives["fever"].Evidence[0].Quote);
        Assert.Equal("نفسش بالا نمي‌آيد", positives["respiratory"].Evidence[0].Quote);
    }

    [Fact]
    public async Task ExtractAsync_answers_in_request_order_and_handles_unknown_keys()
    {
        var catalogue = FeatureCatalogue.Default;
        var features = catalogue.Features.Reverse().Append(new FeatureDefinition
        {
            Key = "lymphedema", Order = 99, NameEn = "Lymphedema", NameFa = "لنف ادم", DefinitionEn = "Lymphedema.",
        }).ToArray();
        var output = await Engine.ExtractAsync(new ExtractionInput("بیمار درد دارد و پایش ورم کرده", "fa", features), CancellationToken.None);
        Assert.Equal(features.Select(f => f.Key), output.Answers.Select(a => a.Key));
        Assert.Equal(FeatureValue.False, output.Answers[^1].Value);
        Assert.Empty(output.Answers[^1].Evidence);
        Assert.Equal(FeatureValue.True, output.Answers.Single(a => a.Key == "pain").Value);
        Assert.Null(output.RawOutput);
    }

    [Fact]
    public void A_new_feature_needs_only_lexicon_data()
    {
        const string data = "[feature:lymphedema]\nلنف ادم|ورم* ...1 دست*|پا*\n[modifier:negation_post]\nندار*\n";
        var engine = new RuleExtractionEngine(RuleLexicon.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(data))));
        Assert.Equal(FeatureValue.True, engine.Extract("ورم پا داره", ["lymphedema"])[0].Value);
        Assert.Equal(FeatureValue.False, engine.Extract("ورم پا نداره", ["lymphedema"])[0].Value);
        Assert.Equal(FeatureValue.False, engine.Extract("ورم پا داره", ["pain"])[0].Value);
    }

    [Fact]
    public void Descriptor_names_the_rule_set()
    {
        Assert.Equal("rules", Engine.Descriptor.Engine);
        Assert.Equal("clinical-rules-fa-en", Engine.Descriptor.ModelId);
        Assert.StartsWith("rules-", Engine.Descriptor.PromptVersion);
    }

    [Fact]
    public void Empty_text_is_all_negative()
    {
        var answers = Engine.Extract("", FeatureCatalogue.Default.Keys.ToArray());
        Assert.All(answers, a => Assert.Equal(FeatureValue.False, a.Value));
    }
}
