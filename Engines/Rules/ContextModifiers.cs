namespace ClinicalAspire.Engines.Rules;

/// <summary>Why a trigger did (not) count: the ConText decision for one trigger occurrence.</summary>
public enum TriggerStatus : byte
{
    Positive,
    Negated,
    Resolved,
    Historical,
    Hypothetical,
    OtherExperiencer,
}

/// <summary>
/// ConText-style scoping (after Chapman et al.) adapted to Persian's verb-final clauses.
/// Works on a token sequence where each token carries a bit mask of the modifier kinds that cover it.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Post-trigger scan (Persian verb-final negation: "درد ندارد", "تب نکرده"): from the end of the trigger forward
/// to the first verb; a negation or resolved cue before (or as) that verb negates; an affirmative verb ends the scan
/// (so "تب داره و درد نداره" negates only the pain); commas are crossed, because Persian lists share the final verb
/// ("تب، سرفه و تنگی نفس ندارد"); sentence ends and contrast conjunctions (ولی، اما، but) stop it. Right after an
/// affirmative verb, a resolved cue that starts with a contrast ("ولی الان نه") still applies.</item>
/// <item>Pre-trigger scan (بدون، هیچ، نه، no, denies, without, no longer): a few tokens back, stopped by verbs,
/// contrasts, sentence ends and (for Persian) commas; English lists after "denies" cross commas.</item>
/// <item>Clause scan for hypothetical (اگر، آیا، ممکنه، if) and historical (قبلاً، سابقه، history of) cues.</item>
/// <item>Sentence scan for the experiencer: the nearest subject cue before the trigger decides (the caller "خودم",
/// a relative "برادرش" = someone else; "بیمار", "مادرم", a speech verb "میگه" = back to the patient).</item>
/// </list>
/// </remarks>
internal static class ContextModifiers
{
    internal const uint NegationPre = 1 << 0;
    internal const uint NegationPost = 1 << 1;
    internal const uint ResolvedPre = 1 << 2;
    internal const uint ResolvedPost = 1 << 3;
    internal const uint Historical = 1 << 4;
    internal const uint Hypothetical = 1 << 5;
    internal const uint OtherExperiencer = 1 << 6;
    internal const uint PatientExperiencer = 1 << 7;
    internal const uint Affirm = 1 << 8;
    internal const uint ClauseBreak = 1 << 9;
    internal const uint PseudoModifier = 1 << 10;
    internal const uint Topic = 1 << 11;
    /// <summary>A negation cue inside a trigger phrase (not used as a cue, but read by the topic rule).</summary>
    internal const uint InnerNegation = 1 << 12;
    internal const uint Adjunct = 1 << 13;
    internal const uint Conjunction = 1 << 14;
    /// <summary>The token belongs to a selected trigger (of any feature).</summary>
    internal const uint InTrigger = 1 << 15;
    /// <summary>An affirmative verb inside a trigger phrase ("تموم شده" in "بیمه‌اش تموم شده").</summary>
    internal const uint InnerAffirm = 1 << 16;
    internal const uint ResolvedAll = 1 << 17;
    internal const uint Now = 1 << 18;
    /// <summary>A whole verb cue lies inside a trigger phrase: the phrase carries its own verb ("حال نداره").</summary>
    internal const uint InnerVerb = 1 << 19;
    internal const uint SignNegative = 1 << 20;
    internal const uint AnswerNo = 1 << 21;
    internal const uint AnswerYes = 1 << 22;
    /// <summary>"آیا", "whether": hypothetical like "اگر", but answered by a yes/no answer.</summary>
    internal const uint QuestionWord = 1 << 23;
    internal const uint ObjectMarker = 1 << 24;
    internal const uint DoubleNegation = 1 << 25;
    internal const uint RemotePast = 1 << 26;
    internal const uint Recent = 1 << 27;
    internal const uint FirstPerson = 1 << 28;
    /// <summary>A first-person verb after a trigger, in a note whose caller is not the patient: someone else's complaint.</summary>
    internal const uint OtherExperiencerAfter = 1 << 29;
    internal const uint SelfCaller = 1 << 30;
    internal const uint FirstPersonVerb = 1u << 31;

    internal const int PostWindow = 12;
    internal const int PreWindow = 6;
    internal const int PersianPreWindow = 3;
    internal const int ClauseWindow = 10;
    internal const int SentenceWindow = 20;

    internal static uint BitOf(EntryKind kind) => kind switch
    {
        EntryKind.NegationPre => NegationPre,
        EntryKind.NegationPost => NegationPost,
        EntryKind.ResolvedPre => ResolvedPre,
        EntryKind.ResolvedPost => ResolvedPost,
        EntryKind.Historical => Historical,
        EntryKind.Hypothetical => Hypothetical,
        EntryKind.OtherExperiencer => OtherExperiencer,
        EntryKind.PatientExperiencer => PatientExperiencer,
        EntryKind.Affirm => Affirm,
        EntryKind.ClauseBreak => ClauseBreak,
        EntryKind.PseudoModifier => PseudoModifier,
        EntryKind.Topic => Topic,
        EntryKind.Adjunct => Adjunct,
        EntryKind.Conjunction => Conjunction,
        EntryKind.ResolvedAll => ResolvedAll,
        EntryKind.Now => Now,
        EntryKind.SignNegative => SignNegative,
        EntryKind.AnswerNo => AnswerNo,
        EntryKind.AnswerYes => AnswerYes,
        EntryKind.QuestionWord => Hypothetical | QuestionWord,
        EntryKind.ObjectMarker => ObjectMarker,
        EntryKind.DoubleNegation => DoubleNegation,
        EntryKind.RemotePast => RemotePast,
        EntryKind.Recent => Recent,
        EntryKind.FirstPerson => FirstPerson,
        EntryKind.FirstPersonVerb => FirstPersonVerb,
        EntryKind.SelfCaller => SelfCaller,
        _ => 0,
    };

    /// <summary>Decides the status of the trigger occupying tokens [start, end).</summary>
    /// <summary>Decides the status of the trigger occupying tokens [start, end); <paramref name="cue"/> is the token that
    /// decided it, or -1.</summary>
    internal static TriggerStatus Resolve(ReadOnlySpan<Token> tokens, ReadOnlySpan<uint> mask, int start, int end, ModifierSet ignored, bool latin, bool episodic, out int cue)
    {
        var status = ResolveCues(tokens, mask, start, end, ignored, latin, out cue);
        if (episodic && status == TriggerStatus.Positive && (ignored & ModifierSet.Historical) == 0 &&
            RemotePastAround(tokens, mask, start, end) is var remote and >= 0)
        {
            cue = remote;
            return TriggerStatus.Historical;
        }
        // "Not that ...": a denied denial asserts ("نه اینکه درد نداشته باشه، داره", "it's not that she has no pain"), a
        // denied complaint denies ("نه اینکه بی‌اشتها باشه", "it's not that she won't eat, she clears her plate"). The
        // trigger is decided again without the cue's own "not", which must not count as the denial it denies.
        if (status is TriggerStatus.Negated or TriggerStatus.Positive)
        {
            for (var j = start - 1; j >= 0 && j >= start - PersianPreWindow - 1 && tokens[j].Kind == TokenKind.Word; j--)
            {
                if ((mask[j] & DoubleNegation) == 0)
                {
                    continue;
                }
                var without = mask.ToArray();
                for (var k = j; k >= 0 && (mask[k] & DoubleNegation) != 0; k--)
                {
                    without[k] = DoubleNegation;
                }
                for (var k = j + 1; k < start && (mask[k] & DoubleNegation) != 0; k++)
                {
                    without[k] = DoubleNegation;
                }
                var inner = ResolveCues(tokens, without, start, end, ignored, latin, out _);
                if (inner == TriggerStatus.Negated)
                {
                    cue = -1;
                    return TriggerStatus.Positive;
                }
                if (inner == TriggerStatus.Positive)
                {
                    cue = j;
                    return TriggerStatus.Negated;
                }
                return status;
            }
        }
        return status;
    }

    private static TriggerStatus ResolveCues(ReadOnlySpan<Token> tokens, ReadOnlySpan<uint> mask, int start, int end, ModifierSet ignored, bool latin, out int cue)
    {
        cue = -1;
        var useNegation = (ignored & ModifierSet.Negation) == 0;
        var useResolved = (ignored & ModifierSet.Resolved) == 0;

        // Shorthand: a "-" right after the trigger, or after a run of triggers it heads ("تب/لرز -"), denies it; a "-"
        // further on belongs to another item ("ضعف، تب-").
        if (useNegation)
        {
            var k = end;
            while (k < tokens.Length && k < end + PostWindow && tokens[k].Kind == TokenKind.Word &&
                   (mask[k] & (InTrigger | Conjunction)) != 0 && (mask[k] & SignNegative) == 0)
            {
                k++;
            }
            if (k < tokens.Length && tokens[k].Kind == TokenKind.Word && (mask[k] & SignNegative) != 0)
            {
                cue = k;
                return TriggerStatus.Negated;
            }
        }

        // Question and answer: a trigger that ends a short question ("تب؟", "پرستار پرسید تب دارد؟", "any pain?") is
        // decided by the answer's first words ("نه", "هیچ‌کدوم", "آره", "یه کم"); a question with no such answer asserts
        // nothing.
        var question = QuestionAfter(tokens, mask, end);
        if (question >= 0)
        {
            var answer = AnswerTo(tokens, mask, question + 1, out var answerCue);
            if (answer < 0 && useNegation)
            {
                cue = answerCue;
                return TriggerStatus.Negated;
            }
            if (answer > 0)
            {
                // "آیا تشنج داشته؟ بله" asserts it; a conditional question ("اگر تب کرد چه کنیم؟") stays hypothetical.
                if ((ignored & ModifierSet.Hypothetical) == 0 && ConditionalBefore(tokens, mask, start) is var conditional and >= 0)
                {
                    cue = conditional;
                    return TriggerStatus.Hypothetical;
                }
                return TriggerStatus.Positive;
            }
            if (answer == 0 && (ignored & ModifierSet.Hypothetical) == 0)
            {
                cue = question;
                return TriggerStatus.Hypothetical;
            }
        }

        // 0. A symptom phrase with its own negative verb under a topic cue: "از نظر اجابت مزاج مشکلی ندارد" and
        // "از نظر تنفس، ادرار و اجابت مزاج ندارد" list topics without problems, not symptoms.
        if (useNegation && (mask[end - 1] & InnerNegation) != 0)
        {
            var seen = 0;
            for (var j = start - 1; j >= 0 && seen < SentenceWindow; j--)
            {
                if (tokens[j].Kind == TokenKind.Hard || (mask[j] & (ClauseBreak | Affirm)) != 0)
                {
                    break;
                }
                if (tokens[j].Kind == TokenKind.Word)
                {
                    seen++;
                    if ((mask[j] & Topic) != 0)
                    {
                        cue = j;
                        return TriggerStatus.Negated;
                    }
                }
            }
        }

        // 1. Forward to the first verb. A trigger that ends in its own verb ("حال نداره", "بیمه‌اش تموم شده") has no
        // later verb to wait for: only a resolved cue right after it applies ("اشتها نداشت، الان خوبه"). A trigger
        // governed by a causal/temporal adjunct ("به دلیل ضعف ...", "بعد از تشنج ...") is not negated by the verb
        // of the clause it explains.
        var words = 0;
        var ownVerb = (mask[end - 1] & InnerVerb) != 0;
        var adjunct = GovernedByAdjunct(tokens, mask, start);
        if (ownVerb || adjunct)
        {
            if (ownVerb && useResolved)
            {
                var k = end;
                while (k < tokens.Length && tokens[k].Kind == TokenKind.Soft)
                {
                    k++;
                }
                if (k < tokens.Length && tokens[k].Kind == TokenKind.Word && (mask[k] & ResolvedPost) != 0)
                {
                    cue = k;
                    return TriggerStatus.Resolved;
                }
            }
            words = PostWindow;
        }
        for (var j = end; j < tokens.Length && words < PostWindow; j++)
        {
            var t = tokens[j];
            if (t.Kind == TokenKind.Hard)
            {
                break;
            }
            if (t.Kind == TokenKind.Soft)
            {
                // Cross a comma only into a list that shares the final verb ("تب، سرفه و تنگی نفس ندارد"): the next
                // word must be another trigger or the negative verb itself, not a new clause ("خسته‌ست، حال
                // هیچ کاری نداره"; "بی‌قراره، یه جا بند نمیشه").
                var n = j + 1;
                while (n < tokens.Length && tokens[n].Kind == TokenKind.Soft)
                {
                    n++;
                }
                if (n >= tokens.Length || tokens[n].Kind != TokenKind.Word ||
                    (mask[n] & (InTrigger | NegationPost | ResolvedPost | Conjunction)) == 0)
                {
                    break;
                }
                continue;
            }
            words++;
            var m = mask[j];
            if (useNegation && (m & NegationPost) != 0)
            {
                cue = j;
                return TriggerStatus.Negated;
            }
            if (useResolved && (m & ResolvedPost) != 0)
            {
                cue = j;
                return TriggerStatus.Resolved;
            }
            if ((ignored & ModifierSet.Hypothetical) == 0 && (m & Hypothetical) != 0 && !latin)
            {
                cue = j;
                return TriggerStatus.Hypothetical;
            }
            if ((m & ClauseBreak) != 0)
            {
                break;
            }
            if ((m & Affirm) != 0)
            {
                // Skip the rest of the verb group, then allow "ولی الان نه" / "که برطرف شد".
                var k = j + 1;
                while (k < tokens.Length && tokens[k].Kind == TokenKind.Word && (mask[k] & Affirm) != 0)
                {
                    k++;
                }
                while (k < tokens.Length && tokens[k].Kind == TokenKind.Soft)
                {
                    k++;
                }
                if (useResolved && k < tokens.Length && tokens[k].Kind == TokenKind.Word && (mask[k] & ResolvedPost) != 0)
                {
                    cue = k;
                    return TriggerStatus.Resolved;
                }
                break;
            }
        }

        // 1b. "X و Y داشت، امروز هر دو برطرف شده": a cue that resolves everything listed before it in the sentence.
        if (useResolved)
        {
            words = 0;
            for (var j = end; j < tokens.Length && words < SentenceWindow; j++)
            {
                if (tokens[j].Kind == TokenKind.Hard)
                {
                    break;
                }
                if (tokens[j].Kind != TokenKind.Word)
                {
                    continue;
                }
                words++;
                if ((mask[j] & ResolvedAll) != 0)
                {
                    cue = j;
                    return TriggerStatus.Resolved;
                }
            }
        }

        // 2. Backward a few tokens for pre-trigger negation ("هیچ دردی", "بدون تب"; "denies fever, nausea or ...").
        words = 0;
        var preWindow = latin ? PreWindow : PersianPreWindow;
        for (var j = start - 1; j >= 0 && words < preWindow; j--)
        {
            var t = tokens[j];
            if (t.Kind == TokenKind.Hard)
            {
                break;
            }
            if (t.Kind == TokenKind.Soft)
            {
                if (latin)
                {
                    continue;
                }
                break;
            }
            words++;
            var m = mask[j];
            if (useNegation && (m & NegationPre) != 0)
            {
                cue = j;
                return TriggerStatus.Negated;
            }
            if (useResolved && (m & ResolvedPre) != 0)
            {
                cue = j;
                return TriggerStatus.Resolved;
            }
            if ((m & Affirm) != 0)
            {
                // An auxiliary right after a cue: "no longer has", "does not have", "هیچ وقت ... نداشته".
                var seen = 0;
                for (var k = j - 1; k >= 0 && seen < 2 && tokens[k].Kind == TokenKind.Word; k--, seen++)
                {
                    if (useNegation && (mask[k] & NegationPre) != 0)
                    {
                        cue = k;
                        return TriggerStatus.Negated;
                    }
                    if (useResolved && (mask[k] & ResolvedPre) != 0)
                    {
                        cue = k;
                        return TriggerStatus.Resolved;
                    }
                }
                break;
            }
            if ((m & ClauseBreak) != 0)
            {
                break;
            }
        }

        // 3. Backward in the clause for hypothetical and historical cues. A conditional governs its consequent too
        // ("اگه نفسش تنگ شد اکسیژن وصل کنیم؟"), a history cue only up to its verb ("سابقه دیابت دارد و الان تب دارد").
        var useHyp = (ignored & ModifierSet.Hypothetical) == 0;
        var useHist = (ignored & ModifierSet.Historical) == 0;
        if (useHyp || useHist)
        {
            words = 0;
            for (var j = start - 1; j >= 0 && words < ClauseWindow; j--)
            {
                var t = tokens[j];
                if (t.Kind != TokenKind.Word)
                {
                    break;
                }
                words++;
                var m = mask[j];
                if (useHyp && (m & Hypothetical) != 0)
                {
                    cue = j;
                    return TriggerStatus.Hypothetical;
                }
                if (useHist && (m & Historical) != 0)
                {
                    cue = j;
                    return TriggerStatus.Historical;
                }
                if ((m & ClauseBreak) != 0 || (latin && (m & Now) != 0))
                {
                    break;
                }
                if ((m & Affirm) != 0 && !latin)
                {
                    // Persian is verb-final: the cue's own verb ends its scope. English puts the verb first ("used to
                    // have fevers", "previously had pain"): there a present-time cue ends it ("... and now has").
                    useHist = false;
                }
            }
        }

        // 4. Backward in the sentence for the experiencer.
        if ((ignored & ModifierSet.Experiencer) == 0)
        {
            words = 0;
            for (var j = start - 1; j >= 0 && words < SentenceWindow; j--)
            {
                var t = tokens[j];
                if (t.Kind == TokenKind.Hard || t.Colon)
                {
                    break;
                }
                if (t.Kind == TokenKind.Soft)
                {
                    continue;
                }
                words++;
                var m = mask[j];
                if ((m & PatientExperiencer) != 0)
                {
                    break;
                }
                if ((m & OtherExperiencer) != 0)
                {
                    cue = j;
                    return TriggerStatus.OtherExperiencer;
                }
                if ((m & ClauseBreak) != 0)
                {
                    break;
                }
            }
            // "اضطراب دارم، خودم، نه مریض": the caller's own, said with a first-person verb right after.
            for (int j = end, seen = 0; j < tokens.Length && seen < 2 && tokens[j].Kind == TokenKind.Word; j++, seen++)
            {
                if ((mask[j] & OtherExperiencerAfter) != 0)
                {
                    cue = j;
                    return TriggerStatus.OtherExperiencer;
                }
            }
        }

        return TriggerStatus.Positive;
    }

    /// <summary>
    /// A remote-past cue in the trigger's sentence ("He had a seizure last month", "هفته پیش تشنج کرد", "..., none
    /// since"), searched back to the clause start and forward to the sentence end; a recent-time cue ("this morning",
    /// "دیشب") or a present-time cue between them ends the search. Returns the cue's token, or -1. Bounded windows.
    /// </summary>
    private static int RemotePastAround(ReadOnlySpan<Token> tokens, ReadOnlySpan<uint> mask, int start, int end)
    {
        for (var j = start - 1; j >= 0 && j >= start - ClauseWindow; j--)
        {
            if (tokens[j].Kind == TokenKind.Hard || (mask[j] & (ClauseBreak | Recent | Now)) != 0)
            {
                break;
            }
            if ((mask[j] & RemotePast) != 0)
            {
                return j;
            }
        }
        for (var j = end; j < tokens.Length && j < end + SentenceWindow; j++)
        {
            if (tokens[j].Kind == TokenKind.Hard || (mask[j] & (Recent | Now)) != 0)
            {
                break;
            }
            if ((mask[j] & RemotePast) != 0)
            {
                return j;
            }
        }
        return -1;
    }

    /// <summary>A conditional cue ("اگر", "if"; not a question word) in the trigger's clause, or -1.</summary>
    private static int ConditionalBefore(ReadOnlySpan<Token> tokens, ReadOnlySpan<uint> mask, int start)
    {
        for (var j = start - 1; j >= 0 && j >= start - ClauseWindow; j--)
        {
            if (tokens[j].Kind != TokenKind.Word)
            {
                return -1;
            }
            if ((mask[j] & (Hypothetical | QuestionWord)) == Hypothetical)
            {
                return j;
            }
        }
        return -1;
    }

    private const int QuestionWindow = 3;
    private const int AnswerWindow = 3;

    /// <summary>The question mark that ends the trigger's sentence within <see cref="QuestionWindow"/> words (other triggers
    /// of a listed question and conjunctions are free: "تب، سرفه یا تنگی نفس دارد؟"), or -1.</summary>
    private static int QuestionAfter(ReadOnlySpan<Token> tokens, ReadOnlySpan<uint> mask, int end)
    {
        // Bounded in tokens too, so that a long run of triggers stays linear.
        var words = 0;
        for (var j = end; j < tokens.Length && j < end + SentenceWindow; j++)
        {
            var t = tokens[j];
            if (t.Kind == TokenKind.Hard)
            {
                return t.Question ? j : -1;
            }
            if (t.Kind == TokenKind.Soft || (mask[j] & (InTrigger | Conjunction)) != 0)
            {
                continue;
            }
            if (++words > QuestionWindow)
            {
                return -1;
            }
        }
        return -1;
    }

    /// <summary>
    /// Reads the answer after a question mark: -1 (a no word among its first <see cref="AnswerWindow"/> words: no, none,
    /// don't know), +1 (a yes word first: yes, a little, sometimes) or 0 (the answer's own words decide for themselves).
    /// The speaker ("همسر گفت نه", "Son: no") is skipped; a sentence end or a trigger ends the look.
    /// </summary>
    private static int AnswerTo(ReadOnlySpan<Token> tokens, ReadOnlySpan<uint> mask, int from, out int cue)
    {
        cue = -1;
        var words = 0;
        for (var j = from; j < tokens.Length && j < from + SentenceWindow && words < AnswerWindow; j++)
        {
            var t = tokens[j];
            if (t.Kind == TokenKind.Hard)
            {
                return 0;
            }
            if (t.Kind == TokenKind.Soft)
            {
                continue;
            }
            var m = mask[j];
            var speaker = (m & (PatientExperiencer | OtherExperiencer)) != 0 ||
                          (j + 1 < tokens.Length && tokens[j + 1].Colon);
            if (speaker && (m & (AnswerNo | AnswerYes)) == 0)
            {
                continue; // the speaker: "همسر گفت نه", "Son: no", "ج: بله"
            }
            words++;
            if ((m & AnswerNo) != 0)
            {
                cue = j;
                return -1;
            }
            if ((m & AnswerYes) != 0 && words == 1)
            {
                // A "yes" word opens the answer; further on ("به گفته دختر: «خیلی بی‌قراره»") it is about something else.
                cue = j;
                return 1;
            }
            if ((m & InTrigger) != 0)
            {
                return 0;
            }
        }
        return 0;
    }

    /// <summary>True when the trigger at <paramref name="start"/> is (part of a list) right after an adjunct head
    /// ("به دلیل ضعف و تنگی نفس", "بعد از تشنج").</summary>
    private static bool GovernedByAdjunct(ReadOnlySpan<Token> tokens, ReadOnlySpan<uint> mask, int start)
    {
        for (var j = start - 1; j >= 0 && j >= start - 12; j--)
        {
            var t = tokens[j];
            if (t.Kind == TokenKind.Hard)
            {
                return false;
            }
            if (t.Kind == TokenKind.Soft)
            {
                continue;
            }
            var m = mask[j];
            if ((m & Adjunct) != 0)
            {
                return true;
            }
            if ((m & (InTrigger | Conjunction)) == 0)
            {
                return false;
            }
        }
        return false;
    }
}
