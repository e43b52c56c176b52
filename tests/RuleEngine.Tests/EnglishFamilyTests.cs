using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Engines.Rules;
using Xunit;

namespace ClinicalAspire.RuleEngine.Tests;

/// <summary>
/// Issue 13, round 2: families of expressions the way English carers and nurses write them, per feature, and the
/// English timeline, hypothetical and experiencer cues of long calls; Persian seizure recency (the episode that prompted
/// the call vs one placed clearly earlier). Synthetic sentences written for these tests, not taken from any data set.
/// </summary>
public sealed class EnglishFamilyTests
{
    private static readonly RuleExtractionEngine Engine = new();

    private static bool Has(string text, string key) => Engine.Extract(text, [key])[0].Value == FeatureValue.True;

    [Theory]
    // Sleep.
    [InlineData("He was up all night again, calling out.", "sleep", true)]
    [InlineData("Mum can't settle at night, keeps getting out of bed.", "sleep", true)]
    [InlineData("She was awake till 4am and then dozed for an hour.", "sleep", true)]
    [InlineData("He's barely slept for three nights.", "sleep", true)]
    [InlineData("Only getting two hours' sleep a night.", "sleep", true)]
    [InlineData("Tossing and turning all night.", "sleep", true)]
    [InlineData("Sleeping most of the day and awake all night.", "sleep", true)]
    [InlineData("Slept well last night.", "sleep", false)]
    [InlineData("He is sleeping fine now.", "sleep", false)]
    // Psychological.
    [InlineData("She's been very tearful since the scan results.", "psychological", true)]
    [InlineData("He seems really low and flat, not himself.", "psychological", true)]
    [InlineData("Very anxious about going back into hospital.", "psychological", true)]
    [InlineData("He's been seeing things, says there are children in the room.", "psychological", true)]
    [InlineData("She keeps picking at the sheets and trying to climb out of bed.", "psychological", true)]
    [InlineData("He's frightened of being left alone at night.", "psychological", true)]
    [InlineData("Mood is fine, he's cheerful.", "psychological", false)]
    [InlineData("He's calm and settled today.", "psychological", false)]
    // Consciousness.
    [InlineData("Very drowsy since lunchtime.", "consciousness", true)]
    [InlineData("He's hard to rouse this morning.", "consciousness", true)]
    [InlineData("She's just not with it today.", "consciousness", true)]
    [InlineData("Doesn't know where he is, thinks he's at work.", "consciousness", true)]
    [InlineData("Keeps drifting off mid-sentence.", "consciousness", true)]
    [InlineData("Not making any sense when he talks.", "consciousness", true)]
    [InlineData("Alert and chatting, knows everyone.", "consciousness", false)]
    [InlineData("Fully alert and orientated.", "consciousness", false)]
    // Seizure.
    [InlineData("He had a fit this morning, about two minutes.", "seizure", true)]
    [InlineData("Another shaking episode last night.", "seizure", true)]
    [InlineData("Her right arm started jerking and wouldn't stop.", "seizure", true)]
    [InlineData("His eyes rolled back and he went stiff.", "seizure", true)]
    [InlineData("She went rigid and her whole body was twitching.", "seizure", true)]
    [InlineData("He had a seizure last month and none since.", "seizure", false)]
    [InlineData("History of seizures, none for six months.", "seizure", false)]
    [InlineData("Had a fit three weeks ago, nothing since.", "seizure", false)]
    [InlineData("She takes levetiracetam for her seizures.", "seizure", false)]
    [InlineData("Call us if he has a fit.", "seizure", false)]
    // Fever.
    [InlineData("He's burning up and sweating.", "fever", true)]
    [InlineData("She's hot to touch tonight.", "fever", true)]
    [InlineData("Temp 38.4 at 6pm.", "fever", true)]
    [InlineData("His temperature keeps spiking in the evenings.", "fever", true)]
    [InlineData("Shivering and feels very hot.", "fever", true)]
    [InlineData("Temp 36.9 this morning, no fever.", "fever", false)]
    [InlineData("Had a temperature on Monday but it settled.", "fever", false)]
    // Pain.
    [InlineData("His back is really sore today.", "pain", true)]
    [InlineData("Aching all over.", "pain", true)]
    [InlineData("She's in agony with her hip.", "pain", true)]
    [InlineData("His tummy is hurting him.", "pain", true)]
    [InlineData("Needed three doses of breakthrough pain relief overnight.", "pain", true)]
    [InlineData("Grimacing when we turn him.", "pain", true)]
    [InlineData("Pain well controlled, 0/10.", "pain", false)]
    [InlineData("She's unrousable since lunch.", "consciousness", true)]
    [InlineData("He broke down sobbing on the phone.", "psychological", true)]
    [InlineData("The wound on her heel is weeping.", "psychological", false)]
    [InlineData("He's hardly eating, a few spoonfuls at most.", "appetite_loss", true)]
    [InlineData("He had jerky movements of both arms this morning.", "seizure", true)]
    [InlineData("No pain at all.", "pain", false)]
    public void English_families(string text, string key, bool expected) => Assert.Equal(expected, Has(text, key));

    [Theory]
    // Timeline: what is true now counts.
    [InlineData("Last week she had a high temperature, it's settled now.", "fever", false)]
    [InlineData("He was vomiting over the weekend, no more since Sunday.", "gastrointestinal", false)]
    [InlineData("The nausea has resolved.", "gastrointestinal", false)]
    [InlineData("The confusion from last week has cleared and he's back to himself.", "consciousness", false)]
    [InlineData("Pain was bad yesterday but settled after the patch was changed.", "pain", false)]
    [InlineData("Pain started last week and is getting worse.", "pain", true)]
    [InlineData("She's had a cough since last week.", "respiratory", true)]
    // Hypothetical advice.
    [InlineData("If the fever comes back, then call the out-of-hours line.", "fever", false)]
    [InlineData("Should he become drowsy or confused, ring an ambulance.", "consciousness", false)]
    [InlineData("Watch out for any fitting and phone us straight away.", "seizure", false)]
    // Experiencer.
    [InlineData("Her husband hasn't slept for days.", "sleep", false)]
    [InlineData("I'm exhausted and in tears most nights.", "psychological", false)]
    [InlineData("My mother, who looks after him every day, is worn out.", "fatigue", false)]
    [InlineData("His daughter is very anxious about him.", "psychological", false)]
    [InlineData("The nurse asked about pain and the wife said there was none.", "pain", false)]
    public void English_timeline_and_experiencer(string text, string key, bool expected) => Assert.Equal(expected, Has(text, key));

    [Theory]
    // The episode that prompted the call counts; one placed clearly earlier, not repeated since, does not.
    [InlineData("امروز صبح تشنج کرد و دست و پاش میلرزید", true)]
    [InlineData("دیشب یه بار تشنج کرد", true)]
    [InlineData("دیروز عصر دوباره تشنج کرد", true)]
    [InlineData("هفته پیش یه بار تشنج کرد و دیگه تکرار نشده", false)]
    [InlineData("ماه گذشته تشنج داشت، از اون موقع نداشته", false)]
    [InlineData("یه ماه پیش تشنج کرده بود ولی الان خوبه", false)]
    [InlineData("از هفته پیش هر روز تشنج میکنه", true)]
    // Paraphrase families.
    [InlineData("یهو بدنش خشک شد و چشماش رفت بالا", true)]
    [InlineData("دستش شروع کرد به پریدن و بند نمیومد", true)]
    [InlineData("کف کرده بود و زبونشو گاز گرفت", true)]
    [InlineData("صورتش یه طرفش میپرید و جواب نمیداد", true)]
    [InlineData("دندوناش قفل شد و بدنش سفت شد", true)]
    [InlineData("تب و لرز داره، مثل بید میلرزه", false)]
    [InlineData("داروی ضد تشنجش تموم شده", false)]
    [InlineData("اگه دوباره تشنج کرد ببریدش اورژانس", false)]
    public void Persian_seizure_recency_and_paraphrase(string text, bool expected) => Assert.Equal(expected, Has(text, "seizure"));
}
