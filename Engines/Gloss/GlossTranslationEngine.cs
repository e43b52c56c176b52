using System.Globalization;
using System.Text;
using ClinicalAspire.Engines.Abstractions;

namespace ClinicalAspire.Engines.Gloss;

/// <summary>
/// The embedded Persian-to-English translator: a clinical glossary applied longest-match-first
/// over normalised tokens. The output is a lexical gloss (Persian word order apart from a few documented
/// local reorderings, no grammar repair), honestly labelled as such (<see cref="TranslationOutput.IsGloss"/> is true).
/// Unknown Persian words are kept and wrapped as ⟦word⟧; Latin words and numbers pass through.
/// Thread-safe and allocation-light; needs no download.
/// </summary>
public sealed class GlossTranslationEngine : ITranslationEngine
{
    public const string EngineName = "gloss";
    public const string DefaultModelId = "clinical-gloss-fa-en";

    /// <summary>
    /// Version of the matching and reordering rules in this class. Part of <see cref="EngineDescriptor.PromptVersion"/>
    /// (with the glossary's content hash) so cached glosses are invalidated when either changes.
    /// </summary>
    public const string RulesVersion = "rules.1";

    /// <summary>Opening and closing marks around a Persian word the glossary does not know.</summary>
    public const string UnknownOpen = "⟦";
    public const string UnknownClose = "⟧";

    private static readonly Dictionary<string, int> NumberWords = new(StringComparer.Ordinal)
    {
        ["یک"] = 1, ["دو"] = 2, ["سه"] = 3, ["چهار"] = 4, ["پنج"] = 5, ["شش"] = 6, ["شیش"] = 6,
        ["هفت"] = 7, ["هشت"] = 8, ["نه"] = 9, ["ده"] = 10, ["یازده"] = 11, ["دوازده"] = 12,
        ["سیزده"] = 13, ["چهارده"] = 14, ["پانزده"] = 15, ["پونزده"] = 15, ["شانزده"] = 16,
        ["شونزده"] = 16, ["هفده"] = 17, ["هیفده"] = 17, ["هجده"] = 18, ["هیجده"] = 18, ["نوزده"] = 19,
        ["بیست"] = 20, ["سی"] = 30, ["چهل"] = 40, ["پنجاه"] = 50, ["شصت"] = 60, ["هفتاد"] = 70,
        ["هشتاد"] = 80, ["نود"] = 90, ["صد"] = 100, ["یکصد"] = 100, ["دویست"] = 200, ["سیصد"] = 300,
        ["چهارصد"] = 400, ["پانصد"] = 500, ["پونصد"] = 500, ["ششصد"] = 600, ["هفتصد"] = 700,
        ["هشتصد"] = 800, ["نهصد"] = 900, ["هزار"] = 1000,
    };

    // Suffixes tried (longest first) when a word is not in the glossary: pronoun, plural, ezafe, comparative.
    private static readonly (string Suffix, string? Prefix, bool Terminal)[] Suffixes =
    [
        ("هایشان", "their", false), ("هایمان", "our", false), ("هایتان", "your", false),
        ("هاشون", "their", false), ("هامون", "our", false), ("هاتون", "your", false),
        ("هایش", "his/her", false), ("هایم", "my", false), ("هایت", "your", false),
        ("هاش", "his/her", false), ("هام", "my", false),
        ("های", null, false), ("ها", null, false),
        ("ترین", "most", false), ("تر", "more", false),
        ("شان", "their", false), ("مان", "our", false), ("تان", "your", false),
        ("شون", "their", false), ("مون", "our", false), ("تون", "your", false),
        ("اش", "his/her", false), ("یش", "his/her", false), ("ام", "my", false), ("یم", "my", false),
        ("ش", "his/her", false), ("م", "my", false), ("ت", "your", false),
        ("ای", null, false), ("ی", null, false), ("ان", null, false),
        ("است", "is", true), ("ست", "is", true), ("رو", null, true), ("و", null, true), ("ه", "is", true),
    ];

    private readonly Glossary _glossary;

    /// <summary>The engine over the glossary embedded in the Engines assembly.</summary>
    public GlossTranslationEngine()
        : this(Glossary.Default)
    {
    }

    /// <summary>The engine over a given glossary (tests, or a deployment's own file via <see cref="Glossary.Parse"/>).</summary>
    public GlossTranslationEngine(Glossary glossary, string modelId = DefaultModelId)
    {
        ArgumentNullException.ThrowIfNull(glossary);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        _glossary = glossary;
        Descriptor = new EngineDescriptor(
            Engine: EngineName,
            ModelId: modelId,
            PromptVersion: glossary.Version + "+" + RulesVersion,
            Description: "Embedded Persian-to-English clinical glossary: a lexical gloss, not a fluent translation " +
                         "(mostly Persian word order; unknown Persian words kept as ⟦word⟧).");
    }

    public EngineDescriptor Descriptor { get; }

    public Glossary Glossary => _glossary;

    public Task<TranslationOutput> TranslateAsync(string text, string sourceLanguage, string targetLanguage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!IsLanguage(sourceLanguage, "fa") || !IsLanguage(targetLanguage, "en"))
        {
            throw new ArgumentException(
                $"The gloss engine translates Persian (fa) to English (en) only; got '{Describe(sourceLanguage)}' -> '{Describe(targetLanguage)}'.",
                IsLanguage(sourceLanguage, "fa") ? nameof(targetLanguage) : nameof(sourceLanguage));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Translate(text));
    }

    /// <summary>
    /// Synchronous gloss of Persian text (no language check): the hot path. <see cref="TranslationOutput.Segments"/>
    /// is 1 (the whole note is glossed in one pass; there is no context window to split for) or 0 for empty input.
    /// </summary>
    public TranslationOutput Translate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = GlossTokenizer.Tokenize(text);
        if (tokens.Count == 0)
        {
            return new TranslationOutput(string.Empty, IsGloss: true, UnknownWords: 0, Segments: 0);
        }

        var writer = new Writer(text.Length + text.Length / 2);
        var unknown = 0;
        var i = 0;
        while (i < tokens.Count)
        {
            var token = tokens[i];
            switch (token.Kind)
            {
                case TokenKind.Newline:
                    writer.Newline();
                    i++;
                    break;
                case TokenKind.Punctuation:
                    writer.Punctuation(token.Text);
                    i++;
                    break;
                case TokenKind.Latin:
                    writer.Word(token.Text, capitalise: false);
                    i++;
                    break;
                case TokenKind.Number:
                    i += EmitNumber(tokens, i, writer);
                    break;
                default:
                    i += EmitPersian(tokens, i, writer, ref unknown);
                    break;
            }
        }

        return new TranslationOutput(writer.ToString(), IsGloss: true, UnknownWords: unknown, Segments: 1);
    }

    private int EmitPersian(List<GlossToken> tokens, int i, Writer writer, ref int unknown)
    {
        var numberLength = TryNumberWords(tokens, i, out var number);
        var (entry, length, possessive) = MatchPhrase(tokens, i);
        if (numberLength > length)
        {
            writer.Word(number, capitalise: false);
            return numberLength;
        }

        string? gloss;
        GlossKind kind;
        if (entry is not null)
        {
            gloss = possessive is null ? entry.English : possessive + " " + entry.English;
            kind = entry.Kind;
        }
        else if (TryMorphology(tokens[i].Text, 0, out gloss, out kind))
        {
            length = 1;
        }
        else
        {
            unknown++;
            writer.Word(UnknownOpen + tokens[i].Text + UnknownClose, capitalise: false);
            return 1;
        }

        if (gloss != Glossary.Drop)
        {
            writer.Gloss(gloss, kind);
        }

        return length;
    }

    /// <summary>
    /// The longest glossary phrase starting at token <paramref name="i"/>. A noun phrase of two or more
    /// words also matches when its last word carries a possessive or plural suffix ("درد شکمش"):
    /// the suffix's English comes back in <c>Prefix</c> ("his/her").
    /// </summary>
    private (GlossEntry? Entry, int Length, string? Prefix) MatchPhrase(List<GlossToken> tokens, int i)
    {
        var candidates = _glossary.Candidates(tokens[i].Text);
        if (candidates is null)
        {
            return (null, 0, null);
        }

        foreach (var candidate in candidates)
        {
            var phrase = candidate.Tokens;
            if (i + phrase.Length > tokens.Count)
            {
                continue;
            }

            var matches = true;
            string? prefix = null;
            for (var k = 1; k < phrase.Length; k++)
            {
                var t = tokens[i + k];
                if (t.Kind == TokenKind.Persian && string.Equals(t.Text, phrase[k], StringComparison.Ordinal))
                {
                    continue;
                }

                if (k == phrase.Length - 1 && candidate.Kind is GlossKind.Noun or GlossKind.Person && t.Kind == TokenKind.Persian &&
                    TrySuffixOf(t.Text, phrase[k], out prefix))
                {
                    continue;
                }

                matches = false;
                break;
            }

            if (matches)
            {
                return (candidate, phrase.Length, prefix);
            }
        }

        return (null, 0, null);
    }

    private static bool TrySuffixOf(string word, string stem, out string? prefix)
    {
        prefix = null;
        if (word.Length <= stem.Length || !word.StartsWith(stem, StringComparison.Ordinal))
        {
            return false;
        }

        var suffix = word.AsSpan(stem.Length);
        foreach (var (candidate, english, terminal) in Suffixes)
        {
            if (!terminal && suffix.SequenceEqual(candidate) && english is not "more" and not "most")
            {
                prefix = english;
                return true;
            }
        }

        return false;
    }

    /// <summary>Strips one suffix (two at most, recursively) and glosses the stem.</summary>
    private bool TryMorphology(string word, int depth, out string gloss, out GlossKind kind)
    {
        foreach (var (suffix, prefix, terminal) in Suffixes)
        {
            if (word.Length - suffix.Length < 2 || !word.EndsWith(suffix, StringComparison.Ordinal))
            {
                continue;
            }

            if (terminal && depth > 0)
            {
                continue;
            }

            var stem = word[..^suffix.Length];
            var entry = _glossary.Single(stem);
            string stemGloss;
            GlossKind stemKind;
            if (entry is not null && entry.English != Glossary.Drop)
            {
                stemGloss = entry.English;
                stemKind = entry.Kind;
            }
            else if (depth == 0 && TryMorphology(stem, depth + 1, out var inner, out var innerKind))
            {
                stemGloss = inner;
                stemKind = innerKind;
            }
            else
            {
                continue;
            }

            kind = stemKind;
            gloss = prefix is null || stemKind is GlossKind.Verb or GlossKind.Have
                ? stemGloss
                : prefix + " " + stemGloss;
            return true;
        }

        // بی + noun: "without ..."
        if (depth == 0 && word.Length > 3 && word.StartsWith("بی", StringComparison.Ordinal))
        {
            var rest = _glossary.Single(word[2..]);
            if (rest is not null && rest.Kind is GlossKind.Noun or GlossKind.Person or GlossKind.Word or GlossKind.Adjective && rest.English != Glossary.Drop)
            {
                gloss = "without " + rest.English;
                kind = GlossKind.Adjective;
                return true;
            }
        }

        gloss = string.Empty;
        kind = GlossKind.Word;
        return false;
    }

    /// <summary>"سی و هشت و نیم" -> "38.5": two or more number words joined by و; returns tokens consumed.</summary>
    private static int TryNumberWords(List<GlossToken> tokens, int i, out string number)
    {
        number = string.Empty;
        if (!NumberWords.TryGetValue(tokens[i].Text, out var first))
        {
            return 0;
        }

        long total = 0;
        long current = first;
        var words = 1;
        var j = i + 1;
        var half = false;
        while (j < tokens.Count && tokens[j].Kind == TokenKind.Persian)
        {
            var text = tokens[j].Text;
            if (text == "هزار")
            {
                current = (current == 0 ? 1 : current) * 1000;
                total += current;
                current = 0;
                words++;
                j++;
                continue;
            }

            if (text != "و" || j + 1 >= tokens.Count || tokens[j + 1].Kind != TokenKind.Persian)
            {
                break;
            }

            var after = tokens[j + 1].Text;
            if (after == "نیم")
            {
                half = true;
                words++;
                j += 2;
                break;
            }

            if (!NumberWords.TryGetValue(after, out var value) || value == 1000)
            {
                break;
            }

            current += value;
            words++;
            j += 2;
        }

        if (words < 2)
        {
            return 0;
        }

        total += current;
        number = total.ToString(CultureInfo.InvariantCulture) + (half ? ".5" : string.Empty);
        return j - i;
    }

    /// <summary>A number passes through; "38 و نیم" becomes "38.5".</summary>
    private static int EmitNumber(List<GlossToken> tokens, int i, Writer writer)
    {
        var text = tokens[i].Text;
        if (i + 2 < tokens.Count && tokens[i + 1].Text == "و" && tokens[i + 2].Text == "نیم" && !text.Contains('.'))
        {
            writer.Word(text + ".5", capitalise: false);
            return 3;
        }

        writer.Word(text, capitalise: false);
        return 1;
    }

    private static bool IsLanguage(string? code, string expected) =>
        code is not null && string.Equals(code.Trim(), expected, StringComparison.OrdinalIgnoreCase);

    private static string Describe(string? code) =>
        code is null ? "(null)" : code.Length > 12 ? code[..12] + "…" : code;

    /// <summary>
    /// Collects the output items, applies the one reordering the gloss makes (a copula after its
    /// predicate: "بی‌حال است" -> "is lethargic"), then renders: spaces between words, punctuation
    /// attached, sentence-initial capitals on glossed words.
    /// </summary>
    private sealed class Writer(int capacity)
    {
        private static readonly HashSet<string> Copulas = new(StringComparer.Ordinal)
        {
            "is", "is not", "was", "was not", "are", "are not", "were", "were not", "has been", "has not been",
            "has become", "has not become", "became", "did not become", "becomes", "does not become",
            "I am", "I am not", "we are", "we are not", "they are", "they are not", "you are",
        };

        private static readonly string[] CopulaPrefixes =
        [
            "is ", "was ", "has become ", "has gotten ", "became ", "got ", "has been ",
        ];

        private static readonly HashSet<string> Intensifiers = new(StringComparer.Ordinal)
        {
            "very", "a little", "too", "more", "less", "really", "completely", "very much", "a lot", "relatively",
            "quite", "extremely", "severely", "so",
        };

        private static readonly HashSet<string> Prepositions = new(StringComparer.Ordinal)
        {
            "in", "to", "from", "with", "for", "on", "at", "under", "beside", "inside", "until", "without",
        };

        private readonly List<Item> _items = new(32);
        private readonly int _capacity = capacity;

        private enum ItemType
        {
            Gloss,
            Raw,
            Punctuation,
            Newline,
        }

        public void Word(string word, bool capitalise)
        {
            if (word.Length > 0)
            {
                _items.Add(new Item(word, capitalise ? ItemType.Gloss : ItemType.Raw, GlossKind.Word));
            }
        }

        public void Gloss(string word, GlossKind kind)
        {
            if (word.Length == 0)
            {
                return;
            }

            if (_items.Count > 0)
            {
                var previous = _items[^1];

                // "خیلی زیاده": "very" + "is a lot" -> "is very a lot"; "خیلی بی‌حال شده" -> "has become very lethargic".
                if (previous.Type == ItemType.Gloss && Intensifiers.Contains(previous.Text))
                {
                    foreach (var copula in CopulaPrefixes)
                    {
                        if (word.Length > copula.Length && word.StartsWith(copula, StringComparison.Ordinal))
                        {
                            _items[^1] = new Item(copula.TrimEnd(), ItemType.Gloss, GlossKind.Verb);
                            _items.Add(previous);
                            _items.Add(new Item(word[copula.Length..], ItemType.Gloss, kind));
                            return;
                        }
                    }
                }

                // A copula after an adjective moves in front of it (and of an intensifier before it):
                // "بی‌حال است" -> "is lethargic", "خیلی بی‌حال شده" -> "has become very lethargic".
                if (Copulas.Contains(word) && previous.Type == ItemType.Gloss && previous.Kind == GlossKind.Adjective)
                {
                    var at = _items.Count - 1;
                    while (true)
                    {
                        if (at > 0 && _items[at - 1].Type == ItemType.Gloss && Intensifiers.Contains(_items[at - 1].Text))
                        {
                            at--;
                        }
                        else if (at > 1 && _items[at - 1].Text == "and" && _items[at - 2].Kind == GlossKind.Adjective)
                        {
                            at -= 2; // "کدر و بدبو است" -> "is cloudy and foul-smelling"
                        }
                        else
                        {
                            break;
                        }
                    }

                    _items.Insert(at, new Item(word, ItemType.Gloss, GlossKind.Verb));
                    return;
                }

                // "دچار یبوست شده" -> "has developed constipation".
                if (word is "has become" or "became")
                {
                    var start = NounPhraseStart();
                    if (start < _items.Count && start > 0 && _items[start - 1].Text == "suffering from")
                    {
                        _items[start - 1] = new Item(word == "became" ? "developed" : "has developed", ItemType.Gloss, GlossKind.Verb);
                        return;
                    }
                }

                // "ادرار بیمار" -> "the patient's urine".
                if (word == "patient" && kind == GlossKind.Person && previous.Type == ItemType.Gloss &&
                    previous.Kind == GlossKind.Noun && !StartsWithPossessive(previous.Text) &&
                    !previous.Text.StartsWith("the ", StringComparison.Ordinal))
                {
                    _items[^1] = new Item("the patient's " + previous.Text, ItemType.Gloss, GlossKind.Noun);
                    return;
                }

                // "to have" moves in front of the noun phrase it follows: "تب دارد" -> "has fever",
                // "درد شدید شکم دارد" -> "has pain severe abdomen", "ویزیت در منزل دارند" -> "they have visit in home".
                if (kind == GlossKind.Have)
                {
                    var at = NounPhraseStart();
                    if (at < _items.Count)
                    {
                        _items.Insert(at, new Item(word, ItemType.Gloss, GlossKind.Verb));
                        return;
                    }
                }
            }

            _items.Add(new Item(word, ItemType.Gloss, kind));
        }

        /// <summary>
        /// Start of the noun phrase at the end of the output: nouns, adjectives and "also", plus one
        /// prepositional phrase inside it ("visit in home"); _items.Count when the output does not end in one.
        /// </summary>
        private int NounPhraseStart()
        {
            var k = _items.Count;
            var steps = 0;
            var crossedPreposition = false;
            while (k > 0 && steps < 6)
            {
                var item = _items[k - 1];
                // A person noun belongs to the phrase only inside it ("visit request doctor"), not as its
                // first word, where it is usually the subject ("بیمار سرطان دارد" -> "patient has cancer").
                var before = k >= 2 ? _items[k - 2] : default;
                var afterNoun = k >= 2 && before.Type == ItemType.Gloss && before.Kind == GlossKind.Noun;
                if (item.Type == ItemType.Gloss && (item.Kind is GlossKind.Noun or GlossKind.Adjective ||
                    (item.Kind == GlossKind.Person && afterNoun) ||
                    (item.Text == "also" && k >= 2 && before.Kind is GlossKind.Noun or GlossKind.Adjective)))
                {
                    // A possessive suffix ends a Persian noun phrase: "تهیه داروهایش مشکل دارد" ->
                    // "obtaining his/her medications has problem", not "has obtaining his/her medications problem".
                    if (steps > 0 && StartsWithPossessive(item.Text))
                    {
                        break;
                    }

                    k--;
                    steps++;
                    continue;
                }

                if (!crossedPreposition && k < _items.Count && k >= 2 && item.Type == ItemType.Gloss &&
                    Prepositions.Contains(item.Text) && _items[k - 2].Type == ItemType.Gloss && _items[k - 2].Kind is GlossKind.Noun or GlossKind.Person)
                {
                    crossedPreposition = true;
                    k--;
                    steps++;
                    continue;
                }

                break;
            }

            // Never start the phrase on a preposition.
            while (k < _items.Count && Prepositions.Contains(_items[k].Text))
            {
                k++;
            }

            return k;
        }

        public void Punctuation(string p) => _items.Add(new Item(p, ItemType.Punctuation, GlossKind.Word));

        public void Newline() => _items.Add(new Item("\n", ItemType.Newline, GlossKind.Word));

        public override string ToString()
        {
            // Attributive adjectives go before their noun: "درد شدید" -> "severe pain". A predicate adjective
            // has its copula in front of it by now ("pain is severe"), so it is never adjacent to the noun.
            for (var k = 0; k + 1 < _items.Count; k++)
            {
                var noun = _items[k];
                var adjective = _items[k + 1];
                if (noun.Type == ItemType.Gloss && noun.Kind == GlossKind.Noun && !StartsWithPossessive(noun.Text) &&
                    adjective.Type == ItemType.Gloss && adjective.Kind == GlossKind.Adjective)
                {
                    _items[k] = adjective;
                    _items[k + 1] = noun;
                    k++;
                }
            }

            var sb = new StringBuilder(_capacity);
            var sentenceStart = true;
            var noSpace = true;
            var quoteOpen = false;
            foreach (var item in _items)
            {
                var text = item.Text;
                switch (item.Type)
                {
                    case ItemType.Newline:
                        sb.Append('\n');
                        noSpace = true;
                        sentenceStart = true;
                        continue;
                    case ItemType.Punctuation:
                        switch (text)
                        {
                            case "," or ";" or ":" or ")" or "]" or "%":
                                sb.Append(text);
                                noSpace = false;
                                continue;
                            case "." or "?" or "!" or "...":
                                sb.Append(text);
                                noSpace = false;
                                sentenceStart = true;
                                continue;
                            case "-" or "/" when noSpace is false && sb.Length > 0 && char.IsAsciiDigit(sb[^1]):
                                sb.Append(text); // "3-4", "1/2": joins the numbers on both sides
                                noSpace = true;
                                continue;
                            case "(" or "[":
                                if (!noSpace)
                                {
                                    sb.Append(' ');
                                }

                                sb.Append(text);
                                noSpace = true;
                                continue;
                            case "\"":
                                // Opening quote hugs the next word, closing quote the previous one.
                                if (!quoteOpen && !noSpace)
                                {
                                    sb.Append(' ');
                                }

                                sb.Append(text);
                                noSpace = !quoteOpen;
                                quoteOpen = !quoteOpen;
                                continue;
                            default:
                                if (!noSpace)
                                {
                                    sb.Append(' ');
                                }

                                sb.Append(text);
                                noSpace = false;
                                continue;
                        }
                }

                if (!noSpace)
                {
                    sb.Append(' ');
                }

                if (sentenceStart && item.Type == ItemType.Gloss && char.IsLower(text[0]))
                {
                    sb.Append(char.ToUpperInvariant(text[0])).Append(text, 1, text.Length - 1);
                }
                else
                {
                    sb.Append(text);
                }

                sentenceStart = false;
                noSpace = false;
            }

            return sb.ToString();
        }

        private static bool StartsWithPossessive(string text) =>
            text.StartsWith("his/her ", StringComparison.Ordinal) || text.StartsWith("my ", StringComparison.Ordinal) ||
            text.StartsWith("your ", StringComparison.Ordinal) || text.StartsWith("our ", StringComparison.Ordinal) ||
            text.StartsWith("their ", StringComparison.Ordinal);

        private readonly record struct Item(string Text, ItemType Type, GlossKind Kind);
    }
}
