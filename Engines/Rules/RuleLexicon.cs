using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using ClinicalAspire.Domain.Text;

namespace ClinicalAspire.Engines.Rules;

/// <summary>What a lexicon entry is: a feature trigger, a pseudo-trigger or one of the ConText modifiers.</summary>
public enum EntryKind : byte
{
    /// <summary>Asserts the feature (subject to modifiers).</summary>
    Trigger,
    /// <summary>Looks like a trigger but is not one ("ضد تشنج", "قرص خواب"): blocks triggers it overlaps.</summary>
    Pseudo,
    /// <summary>Negation cue before the trigger ("بدون", "هیچ", "no", "denies").</summary>
    NegationPre,
    /// <summary>Negation cue after the trigger, Persian verb-final ("ندارد", "نکرده", "نیست").</summary>
    NegationPost,
    /// <summary>Resolved cue before the trigger ("no longer").</summary>
    ResolvedPre,
    /// <summary>Resolved cue after the trigger ("برطرف شده", "resolved").</summary>
    ResolvedPost,
    /// <summary>Historical cue before the trigger in the clause ("قبلاً", "سابقه", "history of").</summary>
    Historical,
    /// <summary>Hypothetical or question cue before the trigger ("اگر", "آیا", "ممکنه", "if").</summary>
    Hypothetical,
    /// <summary>Someone other than the patient is the subject ("خودم", "برادرش", "the caller").</summary>
    OtherExperiencer,
    /// <summary>The patient is the subject again ("بیمار", "مادرم", "میگه").</summary>
    PatientExperiencer,
    /// <summary>An affirmative verb: ends the scope of a post-trigger negation scan ("دارد", "شده", "has").</summary>
    Affirm,
    /// <summary>A conjunction that starts a new clause ("ولی", "اما", "but").</summary>
    ClauseBreak,
    /// <summary>Looks like a negation cue but is not ("نه تنها", "not only"): blocks cues it overlaps.</summary>
    PseudoModifier,
    /// <summary>Marks a topic ("از نظر ...", "in terms of"): a symptom phrase with a built-in negative verb in its
    /// scope is a negated topic ("از نظر اجابت مزاج مشکلی ندارد"), not the symptom.</summary>
    Topic,
    /// <summary>A word a gap ("...") of an entry may not skip ("مشکلی", "دارد"): keeps "خواب مشکلی ندارد" from
    /// matching "خواب ... ندارد".</summary>
    GapBlocker,
    /// <summary>A word a gap skips for free ("بیمار", "از", "صبح"): "ادرار بیمار از صبح خونی شده" matches
    /// "ادرار ...2 خونی*". Numbers are free too.</summary>
    GapFree,
    /// <summary>A causal or temporal adjunct head ("به دلیل", "بعد از", "because of"): a trigger it governs is the
    /// cause of the clause, so the clause's negative verb does not negate it ("به دلیل ضعف قادر به راه رفتن نیست").</summary>
    Adjunct,
    /// <summary>A coordinating conjunction inside a list ("و", "یا", "and", "or").</summary>
    Conjunction,
    /// <summary>A cue that resolves every symptom listed before it in the sentence ("هر دو برطرف شده").</summary>
    ResolvedAll,
    /// <summary>A present-time cue ("الان", "امروز", "از آن زمان"): a later negated or resolved mention of the same
    /// trigger after it overrides an earlier positive one ("دیروز تب داشت؛ امروز تب ندارد").</summary>
    Now,
    /// <summary>A shorthand sign that denies the item it is attached to ("تب-", "SOB -", "تب/لرز -"): it negates only the
    /// trigger (or the run of triggers) right before it, never an earlier item of a list.</summary>
    SignNegative,
    /// <summary>The first words of an answer that deny what a short question asked ("تب؟ نه", "هیچ‌کدوم", "none of them",
    /// "don't know").</summary>
    AnswerNo,
    /// <summary>The first words of an answer that confirm what a short question asked ("آره", "یه کم", "sometimes").</summary>
    AnswerYes,
    /// <summary>A question word ("آیا", "whether"): hypothetical, unless a yes answer follows the question.</summary>
    QuestionWord,
    /// <summary>An object marker ("رو", "را"): a relative right before it is the object, not the subject.</summary>
    ObjectMarker,
    /// <summary>Opens a double negation ("نه اینکه", "it's not that"): a negated trigger right after it is asserted.</summary>
    DoubleNegation,
    /// <summary>Places an episodic event clearly before the episode that prompted the call ("last month", "هفته پیش",
    /// "none since"): a trigger of an <c>@episodic</c> feature in its clause is historical. Other features ignore it.</summary>
    RemotePast,
    /// <summary>Places an event in the episode that prompted the call ("this morning", "دیشب"): it ends the search for a
    /// <see cref="RemotePast"/> cue.</summary>
    Recent,
    /// <summary>The caller speaking of themselves ("من", "خودم", "I", "myself"): someone else than the patient unless the
    /// note has a <see cref="SelfCaller"/> cue, then the patient.</summary>
    FirstPerson,
    /// <summary>A first-person verb right after a trigger ("اضطراب دارم", "استرس داشتم"): read like <see cref="FirstPerson"/>.</summary>
    FirstPersonVerb,
    /// <summary>The patient is the caller ("خودم هستم، سرطان پستان دارم", "I'm the patient", "calling for myself"): the
    /// note's first person is the patient.</summary>
    SelfCaller,
    /// <summary>A measured value (temperature, oxygen saturation) decided by a threshold: see <see cref="VitalSign"/>.</summary>
    Vital,
}

/// <summary>
/// A vital sign read as a feature: a cue word ("T", "دمای", "O2sat") followed within a few words by a number. A value on
/// the abnormal side of the threshold is a trigger of the feature (still subject to the modifiers: "اگر بالای ۳۸ رفت");
/// a value on the normal side denies the feature ("تب ۳۷.۲", "T 36.8"). Values outside the plausible range are not read.
/// </summary>
internal sealed class VitalSign
{
    public required int Feature { get; init; }
    /// <summary>The entry id that stands for this vital's matches (for the latest-mention rule and the hit list).</summary>
    public required int EntryId { get; init; }
    public required double Threshold { get; init; }
    /// <summary>True: abnormal at or above the threshold (temperature); false: abnormal below it (saturation).</summary>
    public required bool AtLeast { get; init; }
    public required double Min { get; init; }
    public required double Max { get; init; }

    public bool IsAbnormal(double value) => AtLeast ? value >= Threshold : value < Threshold;
}

/// <summary>Modifiers a feature can opt out of (a request phrased "if possible ..." is still a request).</summary>
[Flags]
public enum ModifierSet : byte
{
    None = 0,
    Negation = 1,
    Resolved = 2,
    Historical = 4,
    Hypothetical = 8,
    Experiencer = 16,
}

/// <summary>One slot of an entry: alternative phrases (each a sequence of term ids), then an optional gap.</summary>
internal sealed class PatternSegment
{
    public PatternSegment(int[][] phrases, int gapAfter)
    {
        Phrases = phrases;
        GapAfter = gapAfter;
    }

    /// <summary>Alternative phrases; each word of a phrase is one term id (an exact word or a prefix).</summary>
    public int[][] Phrases { get; }

    /// <summary>How many words may be skipped before the next segment.</summary>
    public int GapAfter { get; }

    /// <summary>Bit set over term ids: the first terms of <see cref="Phrases"/> (a quick reject before trying each phrase).</summary>
    public ulong[] FirstTermBits { get; private set; } = [];

    internal void BuildFirstTermBits(int termCount)
    {
        var bits = new ulong[(termCount + 63) / 64];
        foreach (var phrase in Phrases)
        {
            bits[phrase[0] >> 6] |= 1UL << (phrase[0] & 63);
        }
        FirstTermBits = bits;
    }
}

internal sealed class LexiconEntry
{
    public required int Id { get; init; }
    /// <summary>Feature index (triggers and pseudo-triggers) or -1 for modifiers.</summary>
    public required int Feature { get; init; }
    public required EntryKind Kind { get; init; }
    public required PatternSegment[] Segments { get; init; }
}

/// <summary>
/// The compiled rule lexicon: per-feature trigger phrases and the ConText modifier cues, loaded from the data file
/// data/rules/lexicon.txt (embedded in this assembly) or from any stream in the same format.
/// </summary>
/// <remarks>
/// File format (UTF-8 text):
/// <list type="bullet">
/// <item><c># ...</c> comment; blank lines ignored.</item>
/// <item><c>[feature:KEY]</c> starts the entries of a feature (KEY as in the feature catalogue).
/// <c>[modifier:NAME]</c> starts a modifier list; NAME is one of negation_pre, negation_post, resolved_pre,
/// resolved_post, historical, hypothetical, other_experiencer, patient_experiencer, affirm, clause_break,
/// pseudo_modifier.</item>
/// <item><c>@ignore negation|resolved|historical|hypothetical|experiencer</c> inside a feature section: those
/// modifiers do not apply to the feature.</item>
/// <item>An entry is a sequence of word groups separated by gaps: <c>...</c> (skip 0–3 words) or <c>...N</c>
/// (skip 0–N words); a gap never crosses punctuation or a <c>[modifier:gap_blocker]</c> word ("مشکلی", "دارد").
/// A word group lists alternative phrases separated by <c>|</c>; a phrase is words separated by spaces
/// (<c>|</c> binds looser than the space: <c>تنگی نفس|نفس تنگی</c> is two phrases). A word ending in <c>*</c> is a
/// prefix (<c>درد*</c> matches "دردش", "دردهای"). Example: <c>اشتها*|میل به غذا ...2 ندار*|کم شده</c>.
/// A line starting with <c>-</c> in a feature section is a pseudo-trigger.</item>
/// <item><c>[modifier:topic]</c> ("از نظر") and <c>[modifier:gap_blocker]</c> are also modifier sections.</item>
/// <item>Words are normalised with <see cref="PersianNormalizer"/>, so spelling variants (ZWNJ, Arabic letters,
/// detached می) need not be listed. Persian and English entries live side by side.</item>
/// </list>
/// </remarks>
public sealed class RuleLexicon
{
    internal const string ResourceName = "ClinicalAspire.Engines.Rules.lexicon.txt";

    private readonly int _maxPrefixLength;

    private RuleLexicon(
        string version,
        string[] features,
        ModifierSet[] ignored,
        Dictionary<string, int> exact,
        Dictionary<string, int> prefix,
        LexiconEntry[] entries,
        int termCount)
    {
        Version = version;
        FeatureKeys = features;
        Ignored = ignored;
        _trie = BuildTrie(exact, prefix);
        foreach (var p in prefix.Keys)
        {
            _maxPrefixLength = Math.Max(_maxPrefixLength, p.Length);
        }
        Entries = entries;
        TermCount = termCount;
        foreach (var entry in entries)
        {
            foreach (var segment in entry.Segments)
            {
                segment.BuildFirstTermBits(termCount);
            }
        }
        var byFirst = new List<(int Entry, int Phrase)>[termCount];
        foreach (var entry in entries)
        {
            if (entry.Segments.Length == 0)
            {
                continue; // a vital sign: found by the engine's number scan, not by phrase
            }
            var phrases = entry.Segments[0].Phrases;
            for (var p = 0; p < phrases.Length; p++)
            {
                (byFirst[phrases[p][0]] ??= []).Add((entry.Id, p));
            }
        }
        EntriesByFirstTerm = byFirst.Select(l => l?.ToArray() ?? []).ToArray();
        FeatureIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < features.Length; i++)
        {
            FeatureIndex[features[i]] = i;
        }
    }

    /// <summary>"rules-" plus the first 12 hex digits of the SHA-256 of the lexicon data.</summary>
    public string Version { get; }

    /// <summary>Feature keys the lexicon knows, in file order.</summary>
    public IReadOnlyList<string> FeatureKeys { get; }

    internal Dictionary<string, int> FeatureIndex { get; }

    internal ModifierSet[] Ignored { get; }

    internal LexiconEntry[] Entries { get; }

    /// <summary>For each term id: the entries (and which phrase of their first segment) that start with it.</summary>
    internal (int Entry, int Phrase)[][] EntriesByFirstTerm { get; }

    internal int TermCount { get; }

    /// <summary>Indexed by term id: true for words a gap may not skip.</summary>
    internal bool[] GapBlockerTerms { get; private init; } = [];

    /// <summary>Indexed by term id: true for words a gap skips without counting them.</summary>
    internal bool[] GapFreeTerms { get; private init; } = [];

    /// <summary>Indexed by term id: the vital signs (index into <see cref="Vitals"/>) the word is a cue of, as a bit set.</summary>
    internal uint[] VitalCueTerms { get; private init; } = [];

    /// <summary>The vital signs of the <c>[vital:KEY]</c> sections.</summary>
    internal VitalSign[] Vitals { get; private init; } = [];

    /// <summary>Per feature: <c>@state</c> — one state of the whole patient (fever): the latest word on it wins whichever
    /// entry says it ("تب ۳۹ داشت ... امروز دمایش ۳۶.۸").</summary>
    internal bool[] StateFeatures { get; private init; } = [];

    /// <summary>Per feature: <c>@episodic</c> — an event (a seizure) counts when it belongs to the episode that prompted the
    /// call, not when a <c>[modifier:remote_past]</c> cue places it clearly earlier ("last month", "هفته پیش").</summary>
    internal bool[] EpisodicFeatures { get; private init; } = [];

    /// <summary>Number of entries (triggers, pseudo-triggers and modifier cues).</summary>
    public int EntryCount => Entries.Length;

    /// <summary>Number of distinct words and prefixes.</summary>
    public int TermCountPublic => TermCount;

    /// <summary>Longest prefix term.</summary>
    public int MaxPrefixLength => _maxPrefixLength;

    /// <summary>The lexicon shipped in this assembly.</summary>
    public static RuleLexicon Default => DefaultLazy.Value;

    private static readonly Lazy<RuleLexicon> DefaultLazy = new(LoadEmbedded);

    private static RuleLexicon LoadEmbedded()
    {
        using var stream = typeof(RuleLexicon).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException("the rule lexicon is not embedded in " + Assembly.GetExecutingAssembly().GetName().Name);
        return Load(stream);
    }

    public static RuleLexicon Load(Stream stream)
    {
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return Parse(ms.ToArray());
    }

    /// <summary>Fills <paramref name="terms"/> with the ids of the terms a (normalised) word carries: one walk down a trie.</summary>
    internal void TermsOf(ReadOnlySpan<char> word, List<int> terms)
    {
        var nodes = _trie;
        var node = 0;
        for (var i = 0; i < word.Length; i++)
        {
            node = nodes[node].Child(word[i]);
            if (node < 0)
            {
                return;
            }
            if (nodes[node].PrefixTerm >= 0)
            {
                terms.Add(nodes[node].PrefixTerm);
            }
        }
        if (nodes[node].ExactTerm >= 0)
        {
            terms.Add(nodes[node].ExactTerm);
        }
    }

    private sealed class TrieNode
    {
        public char[] Keys = [];
        public int[] Children = [];
        public int PrefixTerm = -1;
        public int ExactTerm = -1;

        public int Child(char c)
        {
            var keys = Keys;
            if (keys.Length <= 8)
            {
                for (var i = 0; i < keys.Length; i++)
                {
                    if (keys[i] == c)
                    {
                        return Children[i];
                    }
                }
                return -1;
            }
            var at = Array.BinarySearch(keys, c);
            return at >= 0 ? Children[at] : -1;
        }
    }

    private readonly TrieNode[] _trie;

    private static TrieNode[] BuildTrie(Dictionary<string, int> exact, Dictionary<string, int> prefix)
    {
        var nodes = new List<TrieNode> { new() };
        var children = new List<SortedDictionary<char, int>> { new() };
        int Walk(string word)
        {
            var node = 0;
            foreach (var c in word)
            {
                if (!children[node].TryGetValue(c, out var next))
                {
                    next = nodes.Count;
                    nodes.Add(new TrieNode());
                    children.Add(new SortedDictionary<char, int>());
                    children[node][c] = next;
                }
                node = next;
            }
            return node;
        }
        foreach (var (word, id) in exact)
        {
            nodes[Walk(word)].ExactTerm = id;
        }
        foreach (var (word, id) in prefix)
        {
            nodes[Walk(word)].PrefixTerm = id;
        }
        for (var i = 0; i < nodes.Count; i++)
        {
            nodes[i].Keys = [.. children[i].Keys];
            nodes[i].Children = [.. children[i].Values];
        }
        return [.. nodes];
    }

    private static RuleLexicon Parse(byte[] data)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(data))[..12];
        var text = Encoding.UTF8.GetString(data);
        var features = new List<string>();
        var ignored = new List<ModifierSet>();
        var exact = new Dictionary<string, int>(StringComparer.Ordinal);
        var prefix = new Dictionary<string, int>(StringComparer.Ordinal);
        var termCount = 0;
        var entries = new List<LexiconEntry>();
        var seen = new HashSet<(int, EntryKind, string)>();
        var gapBlockers = new HashSet<int>();
        var gapFree = new HashSet<int>();

        var currentFeature = -1;
        EntryKind? currentModifier = null;
        var vitalSpecs = new List<(int Feature, List<int> Cues, double Threshold, bool AtLeast, double Min, double Max)>();
        var currentVital = -1;
        var stateFeatures = new HashSet<int>();
        var episodicFeatures = new HashSet<int>();
        var lineNo = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNo++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            if (line[0] == '[')
            {
                if (!line.EndsWith(']'))
                {
                    throw new FormatException($"lexicon line {lineNo}: unterminated section header");
                }
                var header = line[1..^1].Trim();
                if (header.StartsWith("feature:", StringComparison.Ordinal))
                {
                    var key = header["feature:".Length..].Trim();
                    currentFeature = features.IndexOf(key);
                    if (currentFeature < 0)
                    {
                        features.Add(key);
                        ignored.Add(ModifierSet.None);
                        currentFeature = features.Count - 1;
                    }
                    currentModifier = null;
                    currentVital = -1;
                }
                else if (header.StartsWith("modifier:", StringComparison.Ordinal))
                {
                    currentModifier = ParseModifier(header["modifier:".Length..].Trim(), lineNo);
                    currentFeature = -1;
                    currentVital = -1;
                }
                else if (header.StartsWith("vital:", StringComparison.Ordinal))
                {
                    var feature = features.IndexOf(header["vital:".Length..].Trim());
                    if (feature < 0)
                    {
                        throw new FormatException($"lexicon line {lineNo}: a vital sign needs its feature section first");
                    }
                    vitalSpecs.Add((feature, [], double.NaN, true, double.NegativeInfinity, double.PositiveInfinity));
                    currentVital = vitalSpecs.Count - 1;
                    currentFeature = -1;
                    currentModifier = null;
                }
                else
                {
                    throw new FormatException($"lexicon line {lineNo}: unknown section kind");
                }
                continue;
            }
            if (currentVital >= 0)
            {
                var spec = vitalSpecs[currentVital];
                var parts = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var inv = System.Globalization.CultureInfo.InvariantCulture;
                switch (parts[0])
                {
                    case "cue" when parts.Length == 2:
                        foreach (var raw in parts[1].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        {
                            var isPrefix = raw.EndsWith('*');
                            var word = PersianNormalizer.NormalizeString(isPrefix ? raw[..^1] : raw);
                            if (word.Contains(' ', StringComparison.Ordinal))
                            {
                                throw new FormatException($"lexicon line {lineNo}: a vital cue is one word");
                            }
                            var dict = isPrefix ? prefix : exact;
                            if (!dict.TryGetValue(word, out var termId))
                            {
                                termId = termCount++;
                                dict[word] = termId;
                            }
                            spec.Cues.Add(termId);
                        }
                        break;
                    case "at_least" or "below" when parts.Length == 2:
                        spec = spec with { Threshold = double.Parse(parts[1], inv), AtLeast = parts[0] == "at_least" };
                        break;
                    case "range" when parts.Length == 2 && parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var lo, var hi]:
                        spec = spec with { Min = double.Parse(lo, inv), Max = double.Parse(hi, inv) };
                        break;
                    default:
                        throw new FormatException($"lexicon line {lineNo}: a vital section has 'cue', 'at_least'/'below' and 'range' lines");
                }
                vitalSpecs[currentVital] = spec;
                continue;
            }
            if (line == "@state" && currentFeature >= 0)
            {
                stateFeatures.Add(currentFeature);
                continue;
            }
            if (line == "@episodic" && currentFeature >= 0)
            {
                episodicFeatures.Add(currentFeature);
                continue;
            }
            if (line[0] == '@')
            {
                if (currentFeature < 0 || !line.StartsWith("@ignore", StringComparison.Ordinal))
                {
                    throw new FormatException($"lexicon line {lineNo}: '@ignore' is only valid in a feature section");
                }
                foreach (var part in line["@ignore".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    ignored[currentFeature] |= part switch
                    {
                        "negation" => ModifierSet.Negation,
                        "resolved" => ModifierSet.Resolved,
                        "historical" => ModifierSet.Historical,
                        "hypothetical" => ModifierSet.Hypothetical,
                        "experiencer" => ModifierSet.Experiencer,
                        _ => throw new FormatException($"lexicon line {lineNo}: unknown modifier in @ignore"),
                    };
                }
                continue;
            }
            if (currentFeature < 0 && currentModifier is null)
            {
                throw new FormatException($"lexicon line {lineNo}: entry outside a section");
            }

            var kind = currentModifier ?? EntryKind.Trigger;
            if (currentFeature >= 0 && line[0] == '-')
            {
                kind = EntryKind.Pseudo;
                line = line[1..].Trim();
            }

            var segments = new List<PatternSegment>();
            var pending = new List<string>();
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var w = 0; w <= words.Length; w++)
            {
                var isGap = w < words.Length && words[w].StartsWith("...", StringComparison.Ordinal);
                if (w < words.Length && !isGap)
                {
                    pending.Add(words[w]);
                    continue;
                }
                if (pending.Count == 0)
                {
                    throw new FormatException($"lexicon line {lineNo}: a gap must stand between two word groups");
                }
                var gap = 0;
                if (isGap)
                {
                    gap = words[w].Length == 3 ? 3 : int.Parse(words[w].AsSpan(3), System.Globalization.CultureInfo.InvariantCulture);
                    if (w == words.Length - 1)
                    {
                        throw new FormatException($"lexicon line {lineNo}: an entry cannot end with a gap");
                    }
                }
                // "a b|c d e|f" = alternatives "a b", "c d e", "f": '|' binds looser than the space.
                var phrases = new List<int[]>();
                foreach (var phraseText in string.Join(' ', pending).Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).SelectMany(SpellingVariants))
                {
                    var ids = new List<int>();
                    foreach (var raw in JoinDetached(phraseText.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
                    {
                        var isPrefix = raw.EndsWith('*');
                        var normalised = PersianNormalizer.NormalizeString(isPrefix ? raw[..^1] : raw);
                        // Normalisation may join words ("می کند"); each resulting word is one term.
                        var parts = normalised.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                        for (var p = 0; p < parts.Length; p++)
                        {
                            var word = parts[p];
                            // A shorthand sign ("+", "-", "↓") is a token of its own in the notes.
                            if (!IsSignWord(word))
                            {
                                foreach (var ch in word)
                                {
                                    if (!IsTokenChar(ch) && !(ch is '.' or '/'))
                                    {
                                        throw new FormatException($"lexicon line {lineNo}: a word contains a separator; write it as two words");
                                    }
                                }
                            }
                            var dict = isPrefix && p == parts.Length - 1 ? prefix : exact;
                            if (!dict.TryGetValue(word, out var termId))
                            {
                                termId = termCount++;
                                dict[word] = termId;
                            }
                            ids.Add(termId);
                        }
                    }
                    if (ids.Count > 0)
                    {
                        phrases.Add([.. ids]);
                    }
                }
                if (phrases.Count == 0)
                {
                    throw new FormatException($"lexicon line {lineNo}: empty word group");
                }
                segments.Add(new PatternSegment([.. phrases], gap));
                pending.Clear();
            }
            if (!seen.Add((currentFeature, kind, string.Join(' ', line))))
            {
                continue;
            }
            if (kind is EntryKind.GapBlocker or EntryKind.GapFree)
            {
                foreach (var segment in segments)
                {
                    foreach (var phrase in segment.Phrases)
                    {
                        if (phrase.Length != 1 || segments.Count != 1)
                        {
                            throw new FormatException($"lexicon line {lineNo}: gap blockers are single words");
                        }
                        (kind == EntryKind.GapBlocker ? gapBlockers : gapFree).Add(phrase[0]);
                    }
                }
                continue;
            }
            entries.Add(new LexiconEntry
            {
                Id = entries.Count,
                Feature = kind is EntryKind.Trigger or EntryKind.Pseudo ? currentFeature : -1,
                Kind = kind,
                Segments = [.. segments],
            });
        }

        var vitals = new VitalSign[vitalSpecs.Count];
        var vitalCues = new uint[termCount];
        for (var v = 0; v < vitalSpecs.Count; v++)
        {
            var spec = vitalSpecs[v];
            if (double.IsNaN(spec.Threshold) || spec.Cues.Count == 0 || v >= 32)
            {
                throw new FormatException($"vital sign {features[spec.Feature]}: needs cues and a threshold (at most 32 vital signs)");
            }
            vitals[v] = new VitalSign
            {
                Feature = spec.Feature, EntryId = entries.Count, Threshold = spec.Threshold, AtLeast = spec.AtLeast, Min = spec.Min, Max = spec.Max,
            };
            entries.Add(new LexiconEntry { Id = entries.Count, Feature = spec.Feature, Kind = EntryKind.Vital, Segments = [] });
            foreach (var t in spec.Cues)
            {
                vitalCues[t] |= 1u << v;
            }
        }
        var states = new bool[features.Count];
        foreach (var f in stateFeatures)
        {
            states[f] = true;
        }
        var episodic = new bool[features.Count];
        foreach (var f in episodicFeatures)
        {
            episodic[f] = true;
        }

        var blockers = new bool[termCount];
        foreach (var t in gapBlockers)
        {
            blockers[t] = true;
        }
        var free = new bool[termCount];
        foreach (var t in gapFree)
        {
            free[t] = true;
        }
        return new RuleLexicon("rules-" + hash, [.. features], [.. ignored], exact, prefix, [.. entries], termCount) 
        {
            GapBlockerTerms = blockers, GapFreeTerms = free, VitalCueTerms = vitalCues, Vitals = vitals, StateFeatures = states,
            EpisodicFeatures = episodic,
        };
    }

    /// <summary>
    /// Formal and colloquial spellings of the same verb stems, so an entry written once matches both
    /// ("نمیتونه" / "نمی‌تواند", "میخواد" / "میخاد" / "می‌خواهد").
    /// </summary>
    private static readonly (string From, string To)[] StemVariants =
    [
        ("نمیتون", "نمیتوان"),
        ("میتون", "میتوان"),
        ("نتونست", "نتوانست"),
        ("بتون", "بتوان"),
        ("میخوا", "میخا"),
        ("نمیخوا", "نمیخا"),
        ("میخوا", "میخواه"),
        ("نمیخوا", "نمیخواه"),
    ];

    private static IEnumerable<string> SpellingVariants(string phrase)
    {
        var results = new List<string> { phrase };
        foreach (var (from, to) in StemVariants)
        {
            var count = results.Count;
            for (var r = 0; r < count; r++)
            {
                var words = results[r].Split(' ');
                var changed = false;
                for (var w = 0; w < words.Length; w++)
                {
                    if (words[w].StartsWith(from, StringComparison.Ordinal) && !words[w].StartsWith(to, StringComparison.Ordinal))
                    {
                        words[w] = to + words[w][from.Length..];
                        changed = true;
                    }
                }
                if (changed)
                {
                    results.Add(string.Join(' ', words));
                }
            }
        }
        return results;
    }

    /// <summary>As in <see cref="PersianNormalizer"/>: suffixes written apart that the notes' normalisation joins to the previous word.</summary>
    private static readonly HashSet<string> DetachedSuffixes = new(StringComparer.Ordinal)
    {
        "ها", "های", "هایی", "هایش", "هاش", "هاشون", "هایشان", "هامون", "هاتون", "اش", "ام", "ات", "ای", "ایی",
        "تر", "ترین", "شان", "مان", "تان", "شون", "مون", "تون",
    };

    /// <summary>
    /// Joins the words of an entry phrase the way the notes are normalised ("بی اختیار*" → "بی‌اختیار*", "نوه اش" →
    /// "نوه‌اش", "می کند" → "میکند"): the normaliser joins them in the notes, so a phrase written with the space must
    /// be one word too, or it could never match.
    /// </summary>
    private static List<string> JoinDetached(string[] raws)
    {
        var result = new List<string>(raws.Length);
        foreach (var raw in raws)
        {
            var word = raw.EndsWith('*') ? raw[..^1] : raw;
            if (result.Count > 0 && word.Length > 0 && IsPersian(word[0]))
            {
                var prev = result[^1];
                if (!prev.EndsWith('*') && prev.Length > 0 && IsPersian(prev[0]) &&
                    (prev is "می" or "نمی" or "بی" || DetachedSuffixes.Contains(word)))
                {
                    result[^1] = prev + raw;
                    continue;
                }
            }
            result.Add(raw);
        }
        return result;
    }

    /// <summary>Shorthand signs that stand as words of their own: present ("+"), absent ("-"), down/up ("↓", "↑"),
    /// unchanged ("↔"). A run of one sign ("+++", "↓↓") is one token and reads as the sign.</summary>
    internal static bool IsSignChar(char c) => c is '+' or '-' or '↓' or '↑' or '↔';

    private static bool IsSignWord(string word) => word.Length == 1 && IsSignChar(word[0]);

    private static bool IsPersian(char c) => c >= '\u0600' && c <= '\u06FF' && char.IsLetter(c);

    /// <summary>Characters a token of the normalised text is made of (see <see cref="RuleExtractionEngine"/>).</summary>
    internal static bool IsTokenChar(char c) => PersianNormalizer.IsWordChar(c) || c == '\'';

    private static EntryKind ParseModifier(string name, int lineNo) => name switch
    {
        "negation_pre" => EntryKind.NegationPre,
        "negation_post" => EntryKind.NegationPost,
        "resolved_pre" => EntryKind.ResolvedPre,
        "resolved_post" => EntryKind.ResolvedPost,
        "historical" => EntryKind.Historical,
        "hypothetical" => EntryKind.Hypothetical,
        "other_experiencer" => EntryKind.OtherExperiencer,
        "patient_experiencer" => EntryKind.PatientExperiencer,
        "affirm" => EntryKind.Affirm,
        "clause_break" => EntryKind.ClauseBreak,
        "pseudo_modifier" => EntryKind.PseudoModifier,
        "topic" => EntryKind.Topic,
        "gap_blocker" => EntryKind.GapBlocker,
        "gap_free" => EntryKind.GapFree,
        "adjunct" => EntryKind.Adjunct,
        "conjunction" => EntryKind.Conjunction,
        "resolved_all" => EntryKind.ResolvedAll,
        "now" => EntryKind.Now,
        "sign_negative" => EntryKind.SignNegative,
        "answer_no" => EntryKind.AnswerNo,
        "answer_yes" => EntryKind.AnswerYes,
        "question_word" => EntryKind.QuestionWord,
        "object_marker" => EntryKind.ObjectMarker,
        "double_negation" => EntryKind.DoubleNegation,
        "remote_past" => EntryKind.RemotePast,
        "recent" => EntryKind.Recent,
        "first_person" => EntryKind.FirstPerson,
        "first_person_verb" => EntryKind.FirstPersonVerb,
        "self_caller" => EntryKind.SelfCaller,
        _ => throw new FormatException($"lexicon line {lineNo}: unknown modifier section"),
    };
}
