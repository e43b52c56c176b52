using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Engines.Abstractions;

namespace ClinicalAspire.Engines.Rules;

internal enum TokenKind : byte
{
    Word,
    /// <summary>Comma, colon, parenthesis: a list separator that a verb-final negation may reach across.</summary>
    Soft,
    /// <summary>Sentence end: . ; ! ? and line breaks.</summary>
    Hard,
}

internal struct Token
{
    public int Start;
    public int End;
    public TokenKind Kind;
    public bool Latin;
    public bool GapBlock;
    /// <summary>A gap skips this word without counting it ("بیمار", "از", "صبح", numbers).</summary>
    public bool GapFree;
    /// <summary>A colon: "همسر بیمار: ..." introduces reported speech, like "میگه".</summary>
    public bool Colon;
    /// <summary>A question mark ("تب؟ نه"): the sentence before it asks, the one after it answers.</summary>
    public bool Question;
    public int TermStart;
    public int TermCount;
}

/// <summary>
/// One trigger occurrence and its ConText status (offsets into the original text). <see cref="CueStart"/>..<see cref="CueEnd"/>
/// is the word that decided a status other than Positive ("ندارد", "-", "نه" answering "تب؟", the 37.2 of "T 37.2"); -1 when
/// none (Positive, or a status decided by the latest-mention rule).
/// </summary>
public readonly record struct RuleHit(string Key, int Start, int End, TriggerStatus Status, int CueStart = -1, int CueEnd = -1);

/// <summary>
/// The embedded rule engine: Persian normalisation, a per-feature lexicon of trigger phrases matched over
/// normalised tokens, and ConText-style modifiers (negation, resolved, historical, hypothetical, experiencer).
/// No model, no network; thread-safe; Persian and English notes (and mixed ones) alike.
/// </summary>
public sealed class RuleExtractionEngine : IFeatureExtractionEngine
{
    private readonly RuleLexicon _lexicon;

    public RuleExtractionEngine()
        : this(RuleLexicon.Default)
    {
    }

    public RuleExtractionEngine(RuleLexicon lexicon)
    {
        _lexicon = lexicon;
        Descriptor = new EngineDescriptor(
            Engine: "rules",
            ModelId: "clinical-rules-fa-en",
            PromptVersion: lexicon.Version,
            Description: "Embedded rule-based extraction: Persian/English lexicons with negation, resolution, hypothetical and experiencer modifiers (no model).");
    }

    public EngineDescriptor Descriptor { get; }

    public RuleLexicon Lexicon => _lexicon;

    public Task<ExtractionOutput> ExtractAsync(ExtractionInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        cancellationToken.ThrowIfCancellationRequested();
        var keys = new string[input.Features.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = input.Features[i].Key;
        }
        var answers = Extract(input.Text ?? string.Empty, keys);
        string? raw = null;
        if (input.IncludeRawOutput)
        {
            // Never the note text: only the decisions.
            raw = string.Join(", ", answers.Select(a => $"{a.Key}: {(a.Value == FeatureValue.True ? "True" : "False")}"));
        }
        return Task.FromResult(new ExtractionOutput(answers, raw));
    }

    /// <summary>Synchronous core: one answer per key, in order.</summary>
    public FeatureAnswer[] Extract(string text, IReadOnlyList<string> keys)
    {
        var result = new FeatureAnswer[keys.Count];
        var analysis = Analyse(text, explain: false);
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            if (!_lexicon.FeatureIndex.TryGetValue(key, out var f))
            {
                result[i] = FeatureAnswer.Negative(key);
                continue;
            }
            EvidenceSpan[] discounted = [];
            if (analysis.Denied[f] is { Count: > 0 } denied)
            {
                discounted = new EvidenceSpan[denied.Count];
                for (var k = 0; k < denied.Count; k++)
                {
                    var (s, e, status, cs, ce) = denied[k];
                    discounted[k] = new EvidenceSpan(s, e, text[s..e], EvidenceSource.Text)
                    {
                        Status = StatusName(status),
                        Cue = cs >= 0 ? new EvidenceSpan(cs, ce, text[cs..ce], EvidenceSource.Text) : null,
                    };
                }
            }
            if (analysis.Positive[f] is not { Count: > 0 } spans)
            {
                result[i] = discounted.Length == 0 ? FeatureAnswer.Negative(key) : FeatureAnswer.Negative(key) with { Discounted = discounted };
                continue;
            }
            var evidence = new EvidenceSpan[spans.Count];
            for (var k = 0; k < spans.Count; k++)
            {
                var (s, e) = spans[k];
                evidence[k] = new EvidenceSpan(s, e, text[s..e], EvidenceSource.Text);
            }
            result[i] = new FeatureAnswer(key, FeatureValue.True, evidence) { Discounted = discounted };
        }
        return result;
    }

    private static string StatusName(TriggerStatus status) => status switch
    {
        TriggerStatus.Negated => MentionStatus.Negated,
        TriggerStatus.Resolved => MentionStatus.Resolved,
        TriggerStatus.Historical => MentionStatus.Historical,
        TriggerStatus.Hypothetical => MentionStatus.Hypothetical,
        TriggerStatus.OtherExperiencer => MentionStatus.OtherExperiencer,
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>Every trigger occurrence with its ConText status (for tests and error analysis; offsets into the original text).</summary>
    public IReadOnlyList<RuleHit> Explain(string text)
    {
        var analysis = Analyse(text, explain: true);
        return analysis.Hits;
    }

    private sealed class Analysis
    {
        public required List<(int Start, int End)>?[] Positive { get; init; }
        /// <summary>Per feature: the mentions that did not count, with their status and cue span (-1 when none).</summary>
        public required List<(int Start, int End, TriggerStatus Status, int CueStart, int CueEnd)>?[] Denied { get; init; }
        public required List<RuleHit> Hits { get; init; }
    }

    /// <summary>An entry occurrence; <paramref name="Vital"/> is +1 / -1 for a vital sign read as abnormal / normal.</summary>
    private readonly record struct Match(int Entry, int Start, int End, int Weight, sbyte Vital = 0);

    private Analysis Analyse(string text, bool explain)
    {
        var featureCount = _lexicon.FeatureKeys.Count;
        var positive = new List<(int, int)>?[featureCount];
        var denied = new List<(int, int, TriggerStatus, int, int)>?[featureCount];
        var hits = new List<RuleHit>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return new Analysis { Positive = positive, Denied = denied, Hits = hits };
        }

        var norm = PersianNormalizer.Normalize(text);
        var scratch = t_scratch ??= new Scratch();
        var terms = scratch.Terms;
        terms.Clear();
        Tokenize(norm.Text, terms, scratch.Tokens);
        var tokenSpan = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(scratch.Tokens);

        // Find every entry occurrence.
        var matches = scratch.Matches;
        matches.Clear();
        var entries = _lexicon.Entries;
        var termsArray = terms;
        for (var i = 0; i < tokenSpan.Length; i++)
        {
            ref readonly var tok = ref tokenSpan[i];
            if (tok.Kind != TokenKind.Word)
            {
                continue;
            }
            var firstMatch = matches.Count;
            for (var t = 0; t < tok.TermCount; t++)
            {
                foreach (var (entryId, phrase) in _lexicon.EntriesByFirstTerm[termsArray[tok.TermStart + t]])
                {
                    var end = MatchFrom(entries[entryId].Segments, 0, i, tokenSpan, termsArray, phrase);
                    if (end > i)
                    {
                        var duplicate = false;
                        for (var k = firstMatch; k < matches.Count; k++)
                        {
                            if (matches[k].Entry == entryId)
                            {
                                duplicate = true;
                                if (end > matches[k].End)
                                {
                                    matches[k] = matches[k] with { End = end };
                                }
                                break;
                            }
                        }
                        if (!duplicate)
                        {
                            matches.Add(new Match(entryId, i, end, entries[entryId].Kind == EntryKind.Pseudo ? 1 : 0));
                        }
                    }
                }
            }
        }

        if (_lexicon.Vitals.Length > 0)
        {
            FindVitals(norm.Text, tokenSpan, termsArray, matches);
        }

        // Triggers: per feature, leftmost-longest without overlap (pseudo-triggers compete and block).
        matches.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start)
            : a.End != b.End ? b.End.CompareTo(a.End) : b.Weight.CompareTo(a.Weight));
        var lastEnd = new int[featureCount];
        var protectedTokens = scratch.Protected(tokenSpan.Length);
        var selected = scratch.Selected;
        selected.Clear();
        foreach (var m in matches)
        {
            var entry = entries[m.Entry];
            if (entry.Feature < 0)
            {
                continue;
            }
            if (m.Start < lastEnd[entry.Feature])
            {
                continue;
            }
            lastEnd[entry.Feature] = m.End;
            for (var k = m.Start; k < m.End; k++)
            {
                protectedTokens[k] = true;
            }
            if (entry.Kind is EntryKind.Trigger or EntryKind.Vital)
            {
                selected.Add(m);
            }
        }

        // Modifiers: a cue inside a trigger phrase is part of the phrase ("خوابش نمیبره"), not a cue.
        var mask = scratch.Mask(tokenSpan.Length);
        foreach (var m in selected)
        {
            for (var k = m.Start; k < m.End; k++)
            {
                mask[k] |= ContextModifiers.InTrigger;
            }
        }
        var lastSubjectEnd = 0;
        // Who "I" is: the caller, someone else than the patient, unless the note says the patient is the caller.
        var selfCall = false;
        foreach (var m in matches)
        {
            var entry = entries[m.Entry];
            if (entry.Feature >= 0)
            {
                continue;
            }
            var overlaps = false;
            for (var k = m.Start; k < m.End; k++)
            {
                if (protectedTokens[k])
                {
                    overlaps = true;
                    break;
                }
            }
            if (overlaps)
            {
                if (entry.Kind is EntryKind.NegationPost or EntryKind.Affirm)
                {
                    // A verb inside a symptom phrase ("اجابت مزاج ندارد", "بیمه‌اش تموم شده"): a negative one is remembered
                    // for the topic rule; a verb wholly inside the phrase means the phrase carries its own verb.
                    var inside = true;
                    for (var k = m.Start; k < m.End; k++)
                    {
                        inside &= protectedTokens[k];
                    }
                    var inner = (entry.Kind == EntryKind.NegationPost ? ContextModifiers.InnerNegation : 0u) |
                                (inside ? ContextModifiers.InnerVerb : 0u);
                    for (var k = m.Start; k < m.End; k++)
                    {
                        mask[k] |= inner;
                    }
                }
                continue;
            }
            if (entry.Kind is EntryKind.OtherExperiencer or EntryKind.PatientExperiencer or EntryKind.FirstPerson)
            {
                // Subjects compete: "همسر بیمار" (someone else) beats "بیمار"; "مریض ما" (the patient) beats "ما".
                if (m.Start < lastSubjectEnd)
                {
                    continue;
                }
                lastSubjectEnd = m.End;
            }
            selfCall |= entry.Kind == EntryKind.SelfCaller;
            var bit = ContextModifiers.BitOf(entry.Kind);
            for (var k = m.Start; k < m.End; k++)
            {
                mask[k] |= bit;
            }
        }
        for (var k = 0; k < tokenSpan.Length; k++)
        {
            if ((mask[k] & ContextModifiers.FirstPerson) != 0)
            {
                mask[k] |= selfCall ? ContextModifiers.PatientExperiencer : ContextModifiers.OtherExperiencer;
            }
            if (!selfCall && (mask[k] & ContextModifiers.FirstPersonVerb) != 0)
            {
                mask[k] |= ContextModifiers.OtherExperiencerAfter;
            }
            if ((mask[k] & ContextModifiers.ObjectMarker) != 0)
            {
                // "بچه‌هاش رو نمیشناسه", "ما رو نمیشناسه": a relative marked as the object is not the subject.
                for (var j = k - 1; j >= 0 && (mask[j] & ContextModifiers.OtherExperiencer) != 0; j--)
                {
                    mask[j] &= ~ContextModifiers.OtherExperiencer;
                }
            }
            if ((mask[k] & ContextModifiers.PseudoModifier) != 0)
            {
                mask[k] = ContextModifiers.PseudoModifier | (mask[k] & (ContextModifiers.InnerNegation | ContextModifiers.InnerVerb | ContextModifiers.InTrigger));
            }
        }

        var statuses = scratch.Statuses;
        statuses.Clear();
        var cues = scratch.Cues;
        cues.Clear();
        foreach (var m in selected)
        {
            var entry = entries[m.Entry];
            if (m.Vital < 0)
            {
                // A normal value denies the feature ("تب ۳۷.۲", "T 36.8"); the number is the cue.
                statuses.Add(TriggerStatus.Negated);
                cues.Add(m.End - 1);
                continue;
            }
            statuses.Add(ContextModifiers.Resolve(tokenSpan, mask, m.Start, m.End, _lexicon.Ignored[entry.Feature], tokenSpan[m.Start].Latin, _lexicon.EpisodicFeatures[entry.Feature], out var cue));
            cues.Add(cue);
        }

        // The latest word on the patient's present state wins: a positive mention followed, after a present-time cue,
        // by a negated or resolved mention of the same trigger ("دیروز تب داشت؛ امروز تب ندارد", "یک بار تشنج کرده
        // ولی از آن زمان تشنجی نداشته") is resolved. One backward pass: the last negated/resolved mention of an entry
        // leaves the widest gap to look for a cue in, so it alone decides (pairwise checks were quadratic in the
        // number of mentions).
        if (selected.Count > 1)
        {
            var nowBefore = scratch.NowPrefix(tokenSpan.Length);
            for (var k = 0; k < tokenSpan.Length; k++)
            {
                nowBefore[k + 1] = nowBefore[k] + ((mask[k] & ContextModifiers.Now) != 0 ? 1 : 0);
            }
            // A state feature (fever) is one fact about the patient: every entry of it shares one key.
            var states = _lexicon.StateFeatures;
            var lastDenial = scratch.LastDenial(entries.Length + featureCount);
            for (var a = selected.Count - 1; a >= 0; a--)
            {
                var feature = entries[selected[a].Entry].Feature;
                var entryId = states[feature] ? entries.Length + feature : selected[a].Entry;
                var status = statuses[a];
                if (status is TriggerStatus.Negated or TriggerStatus.Resolved)
                {
                    if (lastDenial[entryId] < 0)
                    {
                        lastDenial[entryId] = selected[a].Start;
                    }
                }
                else if (status == TriggerStatus.Positive && lastDenial[entryId] >= 0 &&
                         nowBefore[lastDenial[entryId]] > nowBefore[selected[a].End])
                {
                    statuses[a] = TriggerStatus.Resolved;
                    cues[a] = -1;
                }
            }
            for (var a = 0; a < selected.Count; a++)
            {
                lastDenial[selected[a].Entry] = -1;
                lastDenial[entries.Length + entries[selected[a].Entry].Feature] = -1;
            }
        }

        for (var si = 0; si < selected.Count; si++)
        {
            var m = selected[si];
            var entry = entries[m.Entry];
            var status = statuses[si];
            var (os, oe) = norm.ToOriginal(tokenSpan[m.Start].Start, tokenSpan[m.End - 1].End);
            var (cs, ce) = cues[si] >= 0 ? norm.ToOriginal(tokenSpan[cues[si]].Start, tokenSpan[cues[si]].End) : (-1, -1);
            if (explain)
            {
                hits.Add(new RuleHit(_lexicon.FeatureKeys[entry.Feature], os, oe, status, cs, ce));
            }
            if (status == TriggerStatus.Positive)
            {
                (positive[entry.Feature] ??= []).Add((os, oe));
            }
            else
            {
                (denied[entry.Feature] ??= []).Add((os, oe, status, cs, ce));
            }
        }

        return new Analysis { Positive = positive, Denied = denied, Hits = hits };
    }


    /// <summary>The end (exclusive) of the longest match of segments[index..] starting at tokenIndex, or -1.</summary>
    private static int MatchFrom(PatternSegment[] segments, int index, int tokenIndex, ReadOnlySpan<Token> tokens, List<int> terms, int onlyPhrase = -1)
    {
        var best = -1;
        var segment = segments[index];
        var last = index == segments.Length - 1;
        if (onlyPhrase < 0)
        {
            // Quick reject: no phrase of this segment can start at a token that carries none of their first terms.
            ref readonly var first = ref tokens[tokenIndex];
            if (first.Kind != TokenKind.Word)
            {
                return -1;
            }
            var bits = segment.FirstTermBits;
            var any = false;
            for (var t = 0; t < first.TermCount && !any; t++)
            {
                var term = terms[first.TermStart + t];
                any = (bits[term >> 6] & (1UL << (term & 63))) != 0;
            }
            if (!any)
            {
                return -1;
            }
        }
        for (var p = onlyPhrase < 0 ? 0 : onlyPhrase; p < segment.Phrases.Length; p++)
        {
            if (onlyPhrase >= 0 && p != onlyPhrase)
            {
                break;
            }
            var phrase = segment.Phrases[p];
            var end = MatchPhrase(phrase, tokenIndex, tokens, terms);
            if (end < 0)
            {
                continue;
            }
            if (last)
            {
                if (end > best)
                {
                    best = end;
                }
                continue;
            }
            // Skip up to GapAfter words (plus up to MaxFreeSkips gap-free words), never punctuation or a gap blocker.
            var next = end;
            var counted = 0;
            var free = 0;
            var crossedQuestion = false;
            while (next < tokens.Length)
            {
                var r = MatchFrom(segments, index + 1, next, tokens, terms);
                if (r >= 0)
                {
                    if (r > best)
                    {
                        best = r;
                    }
                    break;
                }
                ref readonly var skipped = ref tokens[next];
                if (skipped.Question && !crossedQuestion && segment.GapAfter > 0)
                {
                    // A short question and its answer read as one clause: "اشتها؟ خیلی کم", "Eating? Hardly anything".
                    crossedQuestion = true;
                    next++;
                    continue;
                }
                if (skipped.Kind != TokenKind.Word || skipped.GapBlock)
                {
                    break;
                }
                if (skipped.GapFree && free < MaxFreeSkips)
                {
                    free++;
                }
                else if (++counted > segment.GapAfter)
                {
                    break;
                }
                next++;
            }
        }
        return best;
    }

    private const int MaxFreeSkips = 4;

    private static int MatchPhrase(int[] phrase, int tokenIndex, ReadOnlySpan<Token> tokens, List<int> terms)
    {
        if (tokenIndex + phrase.Length > tokens.Length)
        {
            return -1;
        }
        for (var k = 0; k < phrase.Length; k++)
        {
            ref readonly var tok = ref tokens[tokenIndex + k];
            if (tok.Kind != TokenKind.Word)
            {
                return -1;
            }
            var wanted = phrase[k];
            var found = false;
            for (var t = 0; t < tok.TermCount; t++)
            {
                if (terms[tok.TermStart + t] == wanted)
                {
                    found = true;
                    break;
                }
            }
            if (!found)
            {
                return -1;
            }
        }
        return tokenIndex + phrase.Length;
    }

    private sealed class Scratch
    {
        public readonly List<int> Terms = new(256);
        public readonly List<Token> Tokens = new(256);
        public readonly List<Match> Matches = new(64);
        public readonly List<Match> Selected = new(32);
        public readonly List<TriggerStatus> Statuses = new(32);
        /// <summary>Per selected trigger: the token of the cue that decided its status, or -1.</summary>
        public readonly List<int> Cues = new(32);
        private bool[] _protected = new bool[256];
        private uint[] _mask = new uint[256];

        public bool[] Protected(int n)
        {
            if (_protected.Length < n)
            {
                _protected = new bool[n * 2];
            }
            Array.Clear(_protected, 0, n);
            return _protected;
        }

        private int[] _nowPrefix = new int[257];
        private int[] _lastDenial = [];

        /// <summary>n + 1 counters; the caller fills every one from index 1 on.</summary>
        public int[] NowPrefix(int n)
        {
            if (_nowPrefix.Length < n + 1)
            {
                _nowPrefix = new int[(n + 1) * 2];
            }
            _nowPrefix[0] = 0;
            return _nowPrefix;
        }

        /// <summary>Per lexicon entry, -1; the caller puts back -1 wherever it wrote.</summary>
        public int[] LastDenial(int entries)
        {
            if (_lastDenial.Length < entries)
            {
                _lastDenial = new int[entries];
                Array.Fill(_lastDenial, -1);
            }
            return _lastDenial;
        }

        public uint[] Mask(int n)
        {
            if (_mask.Length < n)
            {
                _mask = new uint[n * 2];
            }
            Array.Clear(_mask, 0, n);
            return _mask;
        }
    }

    [ThreadStatic]
    private static Scratch? t_scratch;

    /// <summary>
    /// Whether the sign character at <paramref name="i"/> is shorthand. "+", "↓", "↑", "↔" always are; "-" only when it
    /// follows a word and no word follows it ("تب-", "SOB - ،"), so hyphens ("تونیک-کلونیک"), ranges ("۲-۳") and
    /// dialogue dashes ("تب؟ - نه") are not.
    /// </summary>
    private static bool IsSign(string s, int i, List<Token> tokens)
    {
        if (s[i] != '-')
        {
            return true;
        }
        var j = i;
        while (j < s.Length && s[j] == '-')
        {
            j++;
        }
        if (j < s.Length && PersianNormalizer.IsWordChar(s[j]))
        {
            return false;
        }
        return tokens.Count > 0 && tokens[^1].Kind == TokenKind.Word && tokens[^1].End >= i - 1;
    }

    /// <summary>
    /// Vital signs: a number within a few words after a cue of a <c>[vital:KEY]</c> section ("T=۳۸.۵", "دمای زیر بغل ۳۸.۱",
    /// "Temperature? - 38.2", "O2sat ۸۷٪") becomes a match of the vital's entry from the cue to the number, marked abnormal
    /// or normal. One backward look of at most <see cref="VitalGap"/> words per number: linear.
    /// </summary>
    private void FindVitals(string text, ReadOnlySpan<Token> tokens, List<int> terms, List<Match> matches)
    {
        var cueTerms = _lexicon.VitalCueTerms;
        var vitals = _lexicon.Vitals;
        // The last number read as a vital: a series ("تب ۳۸/۳ دیروز، امروز ۳۶/۸", "T 38.2 yesterday, today 36.7") goes on
        // with the next number when only time words stand between them.
        int lastToken = -1, lastVital = -1;
        for (var i = 0; i < tokens.Length; i++)
        {
            if (tokens[i].Kind != TokenKind.Word || !TryNumber(text, tokens[i], out var value))
            {
                continue;
            }
            var words = 0;
            var questions = 0;
            for (var j = i - 1; j >= 0 && words <= VitalGap; j--)
            {
                ref readonly var t = ref tokens[j];
                if (t.Kind == TokenKind.Hard && !(t.Question && questions++ == 0))
                {
                    break;
                }
                if (t.Kind != TokenKind.Word)
                {
                    continue;
                }
                uint cue = 0;
                for (var k = 0; k < t.TermCount; k++)
                {
                    cue |= cueTerms[terms[t.TermStart + k]];
                }
                if (cue != 0)
                {
                    for (var v = 0; v < vitals.Length; v++)
                    {
                        var vital = vitals[v];
                        if ((cue & (1u << v)) != 0 && value >= vital.Min && value <= vital.Max)
                        {
                            matches.Add(new Match(vital.EntryId, j, i + 1, 0, vital.IsAbnormal(value) ? (sbyte)1 : (sbyte)-1));
                            (lastToken, lastVital) = (i, v);
                            break;
                        }
                    }
                    break;
                }
                if (TryNumber(text, t, out _))
                {
                    if (j == lastToken && value >= vitals[lastVital].Min && value <= vitals[lastVital].Max)
                    {
                        var vital = vitals[lastVital];
                        matches.Add(new Match(vital.EntryId, i, i + 1, 0, vital.IsAbnormal(value) ? (sbyte)1 : (sbyte)-1));
                        lastToken = i;
                    }
                    break; // the nearer number has its own cue
                }
                if (!IsTimeWord(text.AsSpan(t.Start, t.End - t.Start)))
                {
                    lastToken = -1;
                }
                words++;
            }
        }

    }

    private static bool TryNumber(string text, in Token t, out double value)
    {
        value = 0;
        if (!char.IsAsciiDigit(text[t.Start]))
        {
            return false;
        }
        var span = text.AsSpan(t.Start, t.End - t.Start);
            // "38/5" is how a decimal is often written in Persian; "7/10" (a score) and "110/70" are not decimals.
        var slash = span.IndexOf('/');
        if (slash >= 0)
        {
            span = span.Length - slash == 2 ? string.Concat(span[..slash], ".", span[(slash + 1)..]) : span[..slash];
        }
        return double.TryParse(span, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out value);
    }

    private const int VitalGap = 4;

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> TimeWords = new HashSet<string>(
        ["today", "now", "yesterday", "tonight", "morning", "evening", "afternoon", "this", "last", "night", "and", "then",
         "امروز", "الان", "دیروز", "دیشب", "صبح", "عصر", "ظهر", "امشب", "شب", "و", "حالا", "بعد"],
        StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    private static bool IsTimeWord(ReadOnlySpan<char> word) => TimeWords.Contains(word);

    private static bool IsPersianLetter(char c) => c >= '\u0600' && c <= '\u06FF' && char.IsLetter(c);

    private void Tokenize(string s, List<int> terms, List<Token> tokens)
    {
        tokens.Clear();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (RuleLexicon.IsTokenChar(c) && c != '\'')
            {
                var start = i;
                i++;
                while (i < s.Length)
                {
                    var d = s[i];
                    if (PersianNormalizer.IsWordChar(d))
                    {
                        // Spelling noise: a Persian word glued to a number ("تب39", "۳۹درجه") is two words.
                        if ((char.IsAsciiDigit(d) && IsPersianLetter(s[i - 1])) || (IsPersianLetter(d) && char.IsAsciiDigit(s[i - 1])))
                        {
                            break;
                        }
                        i++;
                        continue;
                    }
                    // Keep "38.5", "38/5" and "doesn't" whole.
                    if (i + 1 < s.Length && ((d is '.' or '/' && char.IsDigit(s[i - 1]) && char.IsDigit(s[i + 1])) ||
                                             (d == '\'' && char.IsLetter(s[i - 1]) && char.IsLetter(s[i + 1]))))
                    {
                        i++;
                        continue;
                    }
                    break;
                }
                var termStart = terms.Count;
                _lexicon.TermsOf(s.AsSpan(start, i - start), terms);
                var gapBlock = false;
                var gapFree = char.IsAsciiDigit(c);
                var blockers = _lexicon.GapBlockerTerms;
                var freeTerms = _lexicon.GapFreeTerms;
                for (var t = termStart; t < terms.Count; t++)
                {
                    gapBlock |= blockers[terms[t]];
                    gapFree |= freeTerms[terms[t]];
                }
                tokens.Add(new Token
                {
                    Start = start,
                    End = i,
                    Kind = TokenKind.Word,
                    Latin = c < 0x0250,
                    TermStart = termStart,
                    TermCount = terms.Count - termStart,
                    GapBlock = gapBlock,
                    GapFree = gapFree && !gapBlock,
                });
                continue;
            }
            if (RuleLexicon.IsSignChar(c) && IsSign(s, i, tokens))
            {
                // A shorthand sign ("+++", "↓↓", "تب-"): one word token for the run, read as the sign.
                var start = i;
                while (i < s.Length && s[i] == c)
                {
                    i++;
                }
                var termStart = terms.Count;
                _lexicon.TermsOf(s.AsSpan(start, 1), terms);
                tokens.Add(new Token { Start = start, End = i, Kind = TokenKind.Word, TermStart = termStart, TermCount = terms.Count - termStart });
                continue;
            }
            var kind = c switch
            {
                '.' or ';' or '!' or '?' or '\n' or '…' => TokenKind.Hard,
                ',' or ':' or '(' or ')' or '[' or ']' => TokenKind.Soft,
                _ => (TokenKind)255,
            };
            if (kind != (TokenKind)255)
            {
                // Collapse runs ("...", "?!").
                if (tokens.Count > 0 && tokens[^1].Kind != TokenKind.Word)
                {
                    var prev = tokens[^1];
                    if (kind == TokenKind.Hard && prev.Kind == TokenKind.Soft)
                    {
                        prev.Kind = TokenKind.Hard;
                    }
                    prev.Question |= c == '?';
                    prev.End = i + 1;
                    tokens[^1] = prev;
                }
                else
                {
                    tokens.Add(new Token { Start = i, End = i + 1, Kind = kind, Colon = c == ':', Question = c == '?' });
                }
            }
            i++;
        }
    }
}
