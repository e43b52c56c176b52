using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace ClinicalAspire.Engines.Gloss;

/// <summary>
/// A compiled Persian-to-English glossary: phrases indexed by their first normalised token,
/// longest first, plus verb paradigms expanded into their inflected forms at load time.
/// The file format is documented in data/gloss/README.md.
/// </summary>
public sealed class Glossary
{
    /// <summary>Manifest name of the glossary embedded in the Engines assembly.</summary>
    public const string ResourceName = "ClinicalAspire.Engines.Gloss.fa-en.tsv";

    /// <summary>English text meaning "drop this source word" (e.g. the object marker را).</summary>
    internal const string Drop = "-";

    private static readonly Lazy<Glossary> DefaultGlossary = new(LoadEmbedded, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Dictionary<string, GlossEntry[]> _byFirstToken;

    private Glossary(Dictionary<string, GlossEntry[]> byFirstToken, int sourceLines, string version)
    {
        _byFirstToken = byFirstToken;
        SourceEntries = sourceLines;
        Version = version;
        var forms = 0;
        foreach (var list in byFirstToken.Values)
        {
            forms += list.Length;
        }

        CompiledEntries = forms;
    }

    /// <summary>The glossary shipped inside the Engines assembly.</summary>
    public static Glossary Default => DefaultGlossary.Value;

    /// <summary>Entry lines in the source file (words, phrases and verb paradigms).</summary>
    public int SourceEntries { get; }

    /// <summary>Phrases after verb paradigms were expanded into their inflected forms.</summary>
    public int CompiledEntries { get; }

    /// <summary>Short content hash of the glossary data: "fa-en-" + 10 hex digits of SHA-256.</summary>
    public string Version { get; }

    /// <summary>Parses glossary text in the documented TSV format.</summary>
    /// <exception cref="FormatException">A line is malformed (the message names the line number only).</exception>
    public static Glossary Parse(string tsv)
    {
        ArgumentNullException.ThrowIfNull(tsv);
        tsv = tsv.TrimStart('\uFEFF');
        var builder = new Builder();
        var pendingVerbs = new List<(string Persian, string English, int Line)>();
        var lineNumber = 0;
        var entries = 0;
        foreach (var rawLine in tsv.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#' || string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var parts = line.Split('\t');
            if (parts.Length < 3)
            {
                throw new FormatException($"Glossary line {lineNumber}: expected kind<TAB>persian<TAB>english.");
            }

            var kind = parts[0].Trim();
            var persian = parts[1].Trim();
            var english = parts[2].Trim();
            if (persian.Length == 0 || english.Length == 0)
            {
                throw new FormatException($"Glossary line {lineNumber}: empty field.");
            }

            entries++;
            switch (kind)
            {
                case "w":
                    builder.Add(persian, english, GlossKind.Word, lineNumber);
                    break;
                case "n":
                    builder.Add(persian, english, GlossKind.Noun, lineNumber);
                    break;
                case "p":
                    builder.Add(persian, english, GlossKind.Person, lineNumber);
                    break;
                case "a":
                    builder.Add(persian, english, GlossKind.Adjective, lineNumber);
                    break;
                case "v":
                    pendingVerbs.Add((persian, english, lineNumber));
                    break;
                default:
                    throw new FormatException($"Glossary line {lineNumber}: unknown kind (use w, n, p, a or v).");
            }
        }

        // Explicit words and phrases win over generated verb forms: expand verbs last (TryAdd).
        foreach (var (persian, english, line) in pendingVerbs)
        {
            VerbParadigm.Expand(builder, persian, english, line);
        }

        return builder.Build(entries, ComputeVersion(tsv));
    }

    /// <summary>Reads and parses a glossary file (a deployment's own glossary instead of the embedded one).</summary>
    public static Glossary LoadFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Parse(File.ReadAllText(path, Encoding.UTF8));
    }

    /// <summary>Candidate phrases starting with <paramref name="firstToken"/>, longest first; null if none.</summary>
    internal GlossEntry[]? Candidates(string firstToken) =>
        _byFirstToken.TryGetValue(firstToken, out var list) ? list : null;

    /// <summary>The single-token gloss of <paramref name="token"/>, or null.</summary>
    internal GlossEntry? Single(string token)
    {
        if (!_byFirstToken.TryGetValue(token, out var list))
        {
            return null;
        }

        // Longest first: the single-token entry, if any, is last.
        var last = list[^1];
        return last.Tokens.Length == 1 ? last : null;
    }

    private static Glossary LoadEmbedded()
    {
        using var stream = typeof(Glossary).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded glossary '{ResourceName}' is missing from {typeof(Glossary).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader.ReadToEnd());
    }

    private static string ComputeVersion(string tsv)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(tsv.Replace("\r\n", "\n", StringComparison.Ordinal)));
        return "fa-en-" + Convert.ToHexString(hash, 0, 5).ToLowerInvariant();
    }

    internal sealed class Builder
    {
        private readonly Dictionary<string, List<GlossEntry>> _map = new(StringComparer.Ordinal);
        private readonly HashSet<string> _keys = new(StringComparer.Ordinal);

        /// <summary>Adds a phrase unless the same normalised phrase is already present (first wins).</summary>
        public bool Add(string persian, string english, GlossKind kind, int line)
        {
            var tokens = TokenizeKey(persian);
            if (tokens.Length == 0)
            {
                throw new FormatException($"Glossary line {line.ToString(CultureInfo.InvariantCulture)}: the Persian side must be Persian words only.");
            }

            var key = string.Join(' ', tokens);
            if (!_keys.Add(key))
            {
                return false;
            }

            if (!_map.TryGetValue(tokens[0], out var list))
            {
                list = [];
                _map[tokens[0]] = list;
            }

            list.Add(new GlossEntry(tokens, english, kind));
            return true;
        }

        public Glossary Build(int sourceEntries, string version)
        {
            var compiled = new Dictionary<string, GlossEntry[]>(_map.Count, StringComparer.Ordinal);
            foreach (var (first, list) in _map)
            {
                // Longest first; stable for equal lengths (file order).
                var array = list.ToArray();
                var ordered = array.Select((e, i) => (e, i))
                    .OrderByDescending(x => x.e.Tokens.Length)
                    .ThenBy(x => x.i)
                    .Select(x => x.e)
                    .ToArray();
                compiled[first] = ordered;
            }

            return new Glossary(compiled, sourceEntries, version);
        }

        private static string[] TokenizeKey(string persian)
        {
            var tokens = GlossTokenizer.Tokenize(persian);
            var result = new List<string>(tokens.Count);
            foreach (var t in tokens)
            {
                if (t.Kind != TokenKind.Persian)
                {
                    // Keys are Persian words only: a digit or Latin letter would never match the way it reads.
                    return [];
                }

                result.Add(t.Text);
            }

            return [.. result];
        }
    }
}

internal enum GlossKind
{
    /// <summary>Function word, phrase, adjective: emitted in place.</summary>
    Word,

    /// <summary>Noun (symptom, body part, drug): a following form of "to have" moves in front of it.</summary>
    Noun,

    /// <summary>Person (patient, relative, staff): a noun that is usually the subject, so "to have" does not move in front of it.</summary>
    Person,

    /// <summary>Adjective: a following copula moves in front of it; part of a noun phrase before "to have".</summary>
    Adjective,

    /// <summary>Generated verb form.</summary>
    Verb,

    /// <summary>Generated form of داشتن "to have" (the swap target).</summary>
    Have,
}

/// <summary>One glossary phrase: normalised Persian tokens and their English gloss ("-" = drop).</summary>
internal sealed record GlossEntry(string[] Tokens, string English, GlossKind Kind);
