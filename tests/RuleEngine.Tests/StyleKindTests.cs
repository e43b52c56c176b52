using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Engines.Rules;
using Xunit;

namespace ClinicalAspire.RuleEngine.Tests;

/// <summary>
/// Issue 13, one family per kind of writing, Persian and English (synthetic sentences, written for these tests, not
/// taken from data/dev/styles): nurse shorthand and vital signs, question and answer, timeline, paraphrase, who and
/// when, spelling noise.
/// </summary>
public sealed class StyleKindTests
{
    private static readonly RuleExtractionEngine Engine = new();
    private static readonly string[] Keys = FeatureCatalogue.Default.Keys.ToArray();

    private static bool Has(string text, string key) => Engine.Extract(text, [key])[0].Value == FeatureValue.True;

    [Theory]
    // A '-' denies the item it is attached to, and nothing else.
    [InlineData("تب- ، سرفه + خلط سفید", "fever", false)]
    [InlineData("تب- ، سرفه + خلط سفید", "respiratory", true)]
    [InlineData("ضعف ++ ، درد-", "fatigue", true)]
    [InlineData("ضعف ++ ، درد-", "pain", false)]
    [InlineData("ضعف، تهوع-", "fatigue", true)]
    [InlineData("تب/لرز - . یبوست ۴ روز", "fever", false)]
    [InlineData("تشنج تونیک-کلونیک امروز", "seizure", true)]
    [InlineData("SOB+ , fever - , cough-", "respiratory", true)]
    [InlineData("fever- cough- . N/V+", "fever", false)]
    [InlineData("fever- cough- . nausea +", "respiratory", false)]
    // Arrows and intensity.
    [InlineData("اشتها ↓↓ از هفته پیش", "appetite_loss", true)]
    [InlineData("خواب ↓ ، شبا بیدار", "sleep", true)]
    [InlineData("LOC↓ از صبح", "consciousness", true)]
    [InlineData("appetite ↓ , intake poor", "appetite_loss", true)]
    // Vital signs: T >= 38 is fever, below is not; a saturation under 92 is respiratory.
    [InlineData("T=۳۸.۴ از دیشب", "fever", true)]
    [InlineData("تب ۳۷.۱ ، درد پهلو", "fever", false)]
    [InlineData("دمای زیر بغل ۳۸/۶", "fever", true)]
    [InlineData("تب٣٩ از ظهر", "fever", true)]
    [InlineData("T 36.9, BP 120/80", "fever", false)]
    [InlineData("temp 38.9 this morning", "fever", true)]
    [InlineData("O2sat ۸۸٪ روی هوای اتاق", "respiratory", true)]
    [InlineData("O2sat ۹۶٪ ، T=۳۶.۸", "respiratory", false)]
    [InlineData("SpO2 86% on room air", "respiratory", true)]
    [InlineData("sats 97%, pain 0/10", "pain", false)]
    [InlineData("اگر دما بالای ۳۸.۵ رفت اورژانس", "fever", false)]
    public void Shorthand_and_vital_signs(string text, string key, bool expected) => Assert.Equal(expected, Has(text, key));

    [Theory]
    [InlineData("تب؟ نه. درد؟ آره، کمرش.", "fever", false)]
    [InlineData("تب؟ نه. درد؟ آره، کمرش.", "pain", true)]
    [InlineData("پرستار: تنگی نفس؟ همراه: یه کم، موقع راه رفتن.", "respiratory", true)]
    [InlineData("«گیجی، خواب‌آلودگی، تشنج؟» «هیچ‌کدوم.»", "consciousness", false)]
    [InlineData("«گیجی، خواب‌آلودگی، تشنج؟» «هیچ‌کدوم.»", "seizure", false)]
    [InlineData("پرستار پرسید تب دارد؟ همسر گفت نه، ۳۶.۷.", "fever", false)]
    [InlineData("آیا تشنج داشته؟ بله، صبح یک بار.", "seizure", true)]
    [InlineData("سرفه داره؟", "respiratory", false)]
    [InlineData("اشتها؟ خیلی کم، دو قاشق.", "appetite_loss", true)]
    [InlineData("اگه تب کرد چکار کنیم؟ به گفته دخترش: خیلی نگرانیم.", "fever", false)]
    [InlineData("Fever? no. Pain? yes, in the hip.", "fever", false)]
    [InlineData("Fever? no. Pain? yes, in the hip.", "pain", true)]
    [InlineData("\"Vomiting, diarrhoea, bloating?\" \"None of them.\"", "gastrointestinal", false)]
    [InlineData("Nurse: any fever? Wife: I don't know, no thermometer at home.", "fever", false)]
    [InlineData("Operator: do you want a doctor to come? Son: no, not now.", "visit_request", false)]
    [InlineData("Eating? Hardly anything.", "appetite_loss", true)]
    public void Question_and_answer(string text, string key, bool expected) => Assert.Equal(expected, Has(text, key));

    [Theory]
    // Resolved vs current; the nurse's advice is hypothetical; a later normal temperature resolves an earlier fever.
    [InlineData("هفته پیش تب ۳۹ داشت و بستری شد؛ امروز دمایش ۳۶.۸ است.", "fever", false)]
    [InlineData("پرستار گفت اگر تب دوباره برگشت به اورژانس بروند.", "fever", false)]
    [InlineData("Last week he had a fever of 38.9; today his temperature is 36.7.", "fever", false)]
    [InlineData("The weakness from last week is gone; now he is lively.", "fatigue", false)]
    [InlineData("She explained that if the fever returns they should go to the emergency department.", "fever", false)]
    public void Timeline(string text, string key, bool expected) => Assert.Equal(expected, Has(text, key));

    [Theory]
    [InlineData("از عصر تنش مثل کوره داغه", "fever", true)]
    [InlineData("پاشویه کردیم ولی فایده نداره", "fever", true)]
    [InlineData("He feels like an oven and wet towels do nothing.", "fever", true)]
    [InlineData("بیمه تکمیلی داروهاش رو قبول نکرد", "cost", true)]
    [InlineData("از پس خرید داروهاش برنمیایم", "cost", true)]
    [InlineData("The insurer refused to pay for the scan.", "cost", true)]
    [InlineData("فقط آب و چای میخوره", "appetite_loss", true)]
    [InlineData("She won't touch her food.", "appetite_loss", true)]
    [InlineData("جواب‌هاش بی‌ربطه و نمیدونه کجاست", "consciousness", true)]
    [InlineData("He doesn't know who we are; eyes shut.", "consciousness", true)]
    [InlineData("جاش رو خیس میکنه", "urinary", true)]
    [InlineData("It burns when she pees.", "urinary", true)]
    [InlineData("It burns when she pees.", "pain", false)]
    [InlineData("خلط بالا میاره", "gastrointestinal", false)]
    [InlineData("قرار شد فردا بیایند و پانسمان را عوض کنند تا پرستار زخم را ببیند", "gastrointestinal", false)]
    public void Paraphrase_families(string text, string key, bool expected) => Assert.Equal(expected, Has(text, key));

    [Theory]
    [InlineData("بچه‌هاش رو هم نمیشناسه", "consciousness", true)]
    [InlineData("برادرش خسته است و شبا نمیخوابه", "fatigue", false)]
    [InlineData("نه اینکه درد نداشته باشه، داره؛ فقط نمیگه.", "pain", true)]
    [InlineData("It's not that she has no pain; she does.", "pain", true)]
    [InlineData("دیگه هذیان نمیگه", "psychological", false)]
    [InlineData("fever gone now, still coughing", "fever", false)]
    [InlineData("fever gone now, still coughing", "respiratory", true)]
    [InlineData("خانواده توان پرداخت ندارن", "fatigue", false)]
    [InlineData("خانواده توان پرداخت ندارن", "cost", true)]
    public void Who_and_when(string text, string key, bool expected) => Assert.Equal(expected, Has(text, key));

    [Theory]
    [InlineData("درد دارد", "درد دارد")]
    [InlineData("درد داره", "درد داره")]
    [InlineData("درد خیییلی زیاد داره", "درد خیلی زیاد داره")]
    [InlineData("تب ۳۸.۵", "تب 38.5")]
    [InlineData("تب ٣٨.٥", "تب 38.5")]
    [InlineData("مي‌خوابه ولي تبش بالاست كه", "میخوابه ولی تبش بالاست که")]
    public void Spelling_noise_reads_like_the_clean_spelling(string noisy, string clean)
    {
        var a = Engine.Extract(noisy, Keys).Select(x => x.Value);
        var b = Engine.Extract(clean, Keys).Select(x => x.Value);
        Assert.Equal(b, a);
    }

    [Fact]
    public void A_false_decision_shows_the_mention_its_status_and_cue()
    {
        const string text = "تب؟ نه. درد- . T 37.1";
        var answers = Engine.Extract(text, ["fever", "pain"]);
        var fever = answers[0];
        Assert.Equal(FeatureValue.False, fever.Value);
        Assert.Empty(fever.Evidence);
        Assert.Contains(fever.Discounted, d => d.Quote == "تب" && d.Status == MentionStatus.Negated && d.Cue?.Quote == "نه");
        Assert.Contains(fever.Discounted, d => d.Quote == "T 37.1" && d.Status == MentionStatus.Negated && d.Cue?.Quote == "37.1");
        var pain = answers[1];
        Assert.Contains(pain.Discounted, d => d.Quote == "درد" && d.Cue?.Quote == "-");
        foreach (var d in fever.Discounted.Concat(pain.Discounted))
        {
            Assert.Equal(d.Quote, text[d.Start..d.End]);
            Assert.Equal(d.Cue!.Quote, text[d.Cue.Start..d.Cue.End]);
        }
        var hit = Engine.Explain("Fever? no.").Single();
        Assert.Equal(TriggerStatus.Negated, hit.Status);
        Assert.Equal("no", "Fever? no."[hit.CueStart..hit.CueEnd]);
    }

    [Fact]
    public void A_positive_decision_keeps_its_evidence_and_no_cue()
    {
        var answer = Engine.Extract("SOB+ , O2sat 87%", ["respiratory"])[0];
        Assert.Equal(FeatureValue.True, answer.Value);
        Assert.All(answer.Evidence, e => Assert.Null(e.Status));
        Assert.Contains(answer.Evidence, e => e.Quote == "O2sat 87");
    }

    /// <summary>
    /// Signs, questions and vitals scan bounded windows: a 16x longer run of them allocates in proportion (no timing, the
    /// note-length benchmark measures time; a per-mention window that grew with the note would allocate ~256x).
    /// </summary>
    [Fact]
    public void Runs_of_signs_questions_and_vitals_stay_linear()
    {
        foreach (var unit in new[] { "تب درد سرفه ", "تب؟ ", "درد- ", "T 38.5 ", "تب درد سرفه تهوع ضعف " })
        {
            var small = string.Concat(Enumerable.Repeat(unit, 200));
            var large = string.Concat(Enumerable.Repeat(unit, 3200));
            Engine.Extract(small, Keys);
            var before = GC.GetAllocatedBytesForCurrentThread();
            Engine.Extract(small, Keys);
            var aSmall = GC.GetAllocatedBytesForCurrentThread() - before;
            before = GC.GetAllocatedBytesForCurrentThread();
            var answers = Engine.Extract(large, Keys);
            var aLarge = GC.GetAllocatedBytesForCurrentThread() - before;
            // Growing buffers (lists doubling, large-object arrays) cost a constant factor; quadratic would be ~256x.
            Assert.True(aLarge < aSmall * 16 * 4, $"'{unit}': {aSmall:N0} bytes for 200 repeats, {aLarge:N0} for 3200");
            Assert.Equal(Keys.Length, answers.Length);
        }
    }
}
