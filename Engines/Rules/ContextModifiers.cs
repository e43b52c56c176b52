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
        _ => 0,
    };

    /// <summary>Decides the status of the trigger occupying tokens [start, end).</summary>
    internal static TriggerStatus Resolve(ReadOnlySpan<Token> tokens, ReadOnlySpan<uint> mask, int start, int end, ModifierSet ignored, bool latin)
    {
        var useNegation = (ignored & ModifierSet.Negation) == 0;
        var useResolved = (ignored & ModifierSet.Resolved) == 0;

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
                return TriggerStatus.Negated;
            }
            if (useResolved && (m & ResolvedPost) != 0)
            {
                return TriggerStatus.Resolved;
            }
            if ((ignored & ModifierSet.Hypothetical) == 0 && (m & Hypothetical) != 0 && !latin)
            {
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
                return TriggerStatus.Negated;
            }
            if (useResolved && (m & ResolvedPre) != 0)
            {
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
                        return TriggerStatus.Negated;
                    }
                    if (useResolved && (mask[k] & ResolvedPre) != 0)
                    {
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
                    return TriggerStatus.Hypothetical;
                }
                if (useHist && (m & Historical) != 0)
                {
                    return TriggerStatus.Historical;
                }
                if ((m & ClauseBreak) != 0)
                {
                    break;
                }
                if ((m & Affirm) != 0)
                {
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
                    return TriggerStatus.OtherExperiencer;
                }
                if ((m & ClauseBreak) != 0)
                {
                    break;
                }
            }
        }

        return TriggerStatus.Positive;
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
