using System.Globalization;

namespace ClinicalAspire.Engines.Gloss;

/// <summary>
/// Expands one verb line of the glossary ("[preverb ]presentStem/pastStem" and
/// "base/3sg/past/participle/ing") into the inflected written and colloquial forms a caller uses.
/// Explicit glossary phrases always win: forms are added only when not already present.
/// </summary>
internal static class VerbParadigm
{
    private static readonly (string Present, string Past, string Subject)[] Persons =
    [
        ("م", "م", "I"),
        ("ی", "ی", "you"),
        ("د", "", ""), // 3rd singular: the subject is usually the patient, named earlier
        ("یم", "یم", "we"),
        ("ید", "ید", "you"),
        ("ند", "ند", "they"),
    ];

    // Colloquial endings: 3sg -ه, 2pl -ین, 3pl -ن (present); 2pl -ین (past).
    private static readonly (string Present, string Subject)[] ColloquialPresent =
    [
        ("ه", ""),
        ("ین", "you"),
        ("ن", "they"),
    ];

    // Spoken present stems of common irregular verbs, with their colloquial 3rd-singular ending:
    // میشه (شو), میره (رو), میاد (آی), میگه (گوی), میده (ده), میخواد (خواه), میتونه (توان), میاره (آور) ...
    private static readonly Dictionary<string, (string Stem, string ThirdSingular)> SpokenStems = new(StringComparer.Ordinal)
    {
        ["شو"] = ("ش", "ه"),
        ["رو"] = ("ر", "ه"),
        ["ای"] = ("ا", "د"),
        ["گوی"] = ("گ", "ه"),
        ["ده"] = ("د", "ه"),
        ["خواه"] = ("خوا", "د"),
        ["توان"] = ("تون", "ه"),
        ["اور"] = ("ار", "ه"),
        ["گذار"] = ("ذار", "ه"),
        ["مان"] = ("مون", "ه"),
        ["نشین"] = ("شین", "ه"),
    };

    public static void Expand(Glossary.Builder builder, string persian, string english, int line)
    {
        var en = english.Split('/');
        if (en.Length != 5)
        {
            throw new FormatException($"Glossary line {line.ToString(CultureInfo.InvariantCulture)}: a verb needs base/3sg/past/participle/ing.");
        }

        var (baseForm, thirdSg, past, participle, ing) = (en[0].Trim(), en[1].Trim(), en[2].Trim(), en[3].Trim(), en[4].Trim());

        var lastSpace = persian.LastIndexOf(' ');
        var preverb = lastSpace < 0 ? string.Empty : persian[..(lastSpace + 1)];
        var stems = (lastSpace < 0 ? persian : persian[(lastSpace + 1)..]).Split('/');
        if (stems.Length != 2 || stems[0].Length == 0 || stems[1].Length == 0)
        {
            throw new FormatException($"Glossary line {line.ToString(CultureInfo.InvariantCulture)}: a verb needs presentStem/pastStem.");
        }

        var present = GlossNormalization.Normalize(stems[0]).Text;
        var pastStem = GlossNormalization.Normalize(stems[1]).Text;
        // داشتن ("to have") and its compounds (نیاز دارد "needs") take the present without می.
        var isHave = present == "دار";
        var kind = isHave && preverb.Length == 0 ? GlossKind.Have : GlossKind.Verb;

        void Add(string form, string gloss) => builder.Add(preverb + form, gloss, kind, line);

        // Infinitive first, so "خوردن" is "eating" rather than a colloquial 3rd plural past.
        Add(pastStem + "ن", ing);

        foreach (var (pres, pastEnd, subject) in Persons)
        {
            var s = subject.Length == 0 ? string.Empty : subject + " ";
            var third = subject.Length == 0;

            // Present: می + stem + ending (داشتن also without می: دارد "has").
            var presentGloss = third ? thirdSg : s + baseForm;
            if (isHave)
            {
                Add(present + pres, presentGloss);
            }

            Add("می" + present + pres, presentGloss);
            Add("نمی" + present + pres, third ? "does not " + baseForm : s + "do not " + baseForm);
            if (isHave)
            {
                Add(Neg(present) + pres, third ? "does not " + baseForm : s + "do not " + baseForm);
            }

            // Simple past.
            Add(pastStem + pastEnd, s + past);
            Add(Neg(pastStem) + pastEnd, s + "did not " + baseForm);

            // Past continuous.
            var was = third || subject == "I" ? "was " : "were ";
            Add("می" + pastStem + pastEnd, s + was + ing);
            Add("نمی" + pastStem + pastEnd, s + was.TrimEnd() + " not " + ing);

            // Subjunctive (after "wants to", "cannot", "should").
            // (The subject is left out: it repeats the main verb's, "نمی‌تونیم بخریم" -> "we cannot buy".)
            Add(Subj(present) + pres, baseForm);
            Add(Neg(present) + pres, "not " + baseForm);
            if (preverb.Length > 0)
            {
                // Compound verbs take the subjunctive without ب: "استفراغ کند".
                Add(present + pres, baseForm);
            }
        }

        foreach (var (pres, subject) in ColloquialPresent)
        {
            var s = subject.Length == 0 ? string.Empty : subject + " ";
            var third = subject.Length == 0;
            var presentGloss = third ? thirdSg : s + baseForm;
            if (isHave)
            {
                Add(present + pres, presentGloss);
                Add(Neg(present) + pres, third ? "does not " + baseForm : s + "do not " + baseForm);
            }

            Add("می" + present + pres, presentGloss);
            Add("نمی" + present + pres, third ? "does not " + baseForm : s + "do not " + baseForm);
            Add(Subj(present) + pres, baseForm);
            if (preverb.Length > 0)
            {
                Add(present + pres, baseForm);
            }
        }

        // Spoken forms of irregular stems: میشه, نمیشه, بشه, میشن, میشم ...
        if (SpokenStems.TryGetValue(present, out var spoken))
        {
            foreach (var (ending, subject) in new[] { ("م", "I"), ("ی", "you"), (spoken.ThirdSingular, ""), ("یم", "we"), ("ین", "you"), ("ن", "they") })
            {
                var s = subject.Length == 0 ? string.Empty : subject + " ";
                var third = subject.Length == 0;
                Add("می" + spoken.Stem + ending, third ? thirdSg : s + baseForm);
                Add("نمی" + spoken.Stem + ending, third ? "does not " + baseForm : s + "do not " + baseForm);
                Add(Subj(spoken.Stem) + ending, baseForm);
                Add(Neg(spoken.Stem) + ending, "not " + baseForm);
                if (preverb.Length > 0)
                {
                    Add(spoken.Stem + ending, baseForm);
                }
            }
        }

        // Present perfect, written and colloquial: خورده / خورده است / خوردهاست; نخورده.
        Add(pastStem + "ه", "has " + participle);
        Add(pastStem + "ه است", "has " + participle);
        Add(pastStem + "هاست", "has " + participle);
        Add(pastStem + "ه بود", "had " + participle);
        Add(pastStem + "هام", "I have " + participle);
        Add(pastStem + "هاند", "they have " + participle);
        Add(pastStem + "هایم", "we have " + participle);
        Add(pastStem + "هاید", "you have " + participle);
        Add(pastStem + "های", "you have " + participle);
        Add(Neg(pastStem) + "هام", "I have not " + participle);
        Add(Neg(pastStem) + "هایم", "we have not " + participle);
        Add(Neg(pastStem) + "هاند", "they have not " + participle);
        Add(Neg(pastStem) + "ه", "has not " + participle);
        Add(Neg(pastStem) + "ه است", "has not " + participle);
        Add(Neg(pastStem) + "هاست", "has not " + participle);
        Add(Neg(pastStem) + "ه بود", "had not " + participle);
        Add("می" + pastStem + "ه", "has been " + ing);
    }

    /// <summary>Negative prefix: ن, or نی before آ/ا ("نیامد").</summary>
    private static string Neg(string stem) =>
        stem.StartsWith('آ') ? "نیا" + stem[1..] : stem.StartsWith('ا') ? "نی" + stem : "ن" + stem;

    /// <summary>Subjunctive prefix: ب, or بی before آ/ا ("بیاید").</summary>
    private static string Subj(string stem) =>
        stem.StartsWith('آ') ? "بیا" + stem[1..] : stem.StartsWith('ا') ? "بی" + stem : "ب" + stem;
}
