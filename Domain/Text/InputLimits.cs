using System.Text.RegularExpressions;

namespace ClinicalAspire.Domain.Text;

/// <summary>
/// Every bound on what a caller may send, in one place (README "Limits" is this table in words). The checks return
/// a problem that names the field and the rule, or null; they never quote the value, which may be clinical text or
/// an attacker's payload (newlines, bidi overrides, megabytes).
/// </summary>
public static partial class InputLimits
{
    /// <summary>Run, matrix, record and request ids.</summary>
    public const int MaxIdLength = 128;
    /// <summary>Dataset ids: lower case, as the importer derives them from names.</summary>
    public const int MaxDatasetIdLength = 64;
    /// <summary>Engine profile names (the profiles file allows 64).</summary>
    public const int MaxProfileNameLength = 64;
    /// <summary>Feature keys (the catalogue schema allows 64).</summary>
    public const int MaxFeatureKeyLength = 64;
    /// <summary>Entries of an Extract's feature_keys.</summary>
    public const int MaxFeatureKeys = 64;
    /// <summary>Profiles of one StartMatrix.</summary>
    public const int MaxMatrixProfiles = 32;
    /// <summary>Runs of one CompareRuns.</summary>
    public const int MaxComparedRuns = 16;
    /// <summary>Run and matrix labels, dataset names (characters, one line).</summary>
    public const int MaxLabelLength = 200;
    /// <summary>Dataset descriptions (characters, line breaks allowed).</summary>
    public const int MaxDescriptionLength = 2000;
    /// <summary>Codes with a fixed set of values (language, strategy, format, content).</summary>
    public const int MaxCodeLength = 32;
    /// <summary>Default longest note or translation, UTF-8 bytes (Extractor:MaxTextBytes, Translator:MaxTextBytes).</summary>
    public const int DefaultMaxTextBytes = 32 * 1024;
    /// <summary>Default largest dataset or predictions upload, bytes (Evaluator:MaxUploadBytes).</summary>
    public const int DefaultMaxUploadBytes = 48 * 1024 * 1024;
    /// <summary>Records of one dataset.</summary>
    public const int MaxDatasetRecords = 100_000;
    /// <summary>Page sizes (GetDataset, ListRuns, ListRunRecords) are clamped to this.</summary>
    public const int MaxPageSize = 1000;
    /// <summary>Bootstrap resamples of one request.</summary>
    public const int MaxBootstrapResamples = 100_000;
    /// <summary>Longest error detail any service sends (longer ones are cut by the error interceptor).</summary>
    public const int MaxErrorDetailLength = 1024;
    /// <summary>Largest gRPC request of the Extractor and the Translator: a note at the default limit many times over.</summary>
    public const int DefaultMaxRequestBytes = 1024 * 1024;
    /// <summary>What a request may carry besides an upload's content (ids, name, description, framing).</summary>
    public const int RequestOverheadBytes = 64 * 1024;
    /// <summary>Tags of one run (StartRun, StartMatrix, UpdateRunTags).</summary>
    public const int MaxTags = 16;
    /// <summary>One tag (characters of <see cref="TagRule"/>).</summary>
    public const int MaxTagLength = 32;
    /// <summary>A records search (ListRunRecords.query): characters, one line.</summary>
    public const int MaxQueryLength = 200;
    /// <summary>Share of a note's letters that must be in the declared language's script (fa: Arabic, en: Latin).</summary>
    public const double MinScriptShare = 0.5;

    public const string IdRule = "1-128 characters of A-Z a-z 0-9 . _ : - starting with a letter or digit";
    public const string DatasetIdRule = "1-64 characters of a-z 0-9 _ - starting with a letter or digit";
    public const string ProfileRule = "1-64 characters of A-Z a-z 0-9 . _ : -";
    public const string FeatureKeyRule = "1-64 characters of a-z 0-9 _ starting with a letter";
    public const string TagRule = "1-32 characters of A-Z a-z 0-9 . _ : - starting with a letter or digit";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex DatasetIdPattern();

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$")]
    private static partial Regex ProfilePattern();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$")]
    private static partial Regex FeatureKeyPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,31}$")]
    private static partial Regex TagPattern();

    public static bool IsId(string? value) => value is not null && IdPattern().IsMatch(value);

    public static bool IsDatasetId(string? value) => value is not null && DatasetIdPattern().IsMatch(value);

    public static bool IsFeatureKey(string? value) => value is not null && FeatureKeyPattern().IsMatch(value);

    public static bool IsProfileName(string? value) => value is not null && ProfilePattern().IsMatch(value);

    /// <summary>A required id (run_id, matrix_id, record id) or, with <paramref name="optional"/>, an id that may be empty.</summary>
    public static string? Id(string? value, string field, bool optional = false) =>
        string.IsNullOrEmpty(value) ? (optional ? null : $"{field} is required ({IdRule})")
        : IsId(value) ? null : $"{field} must be {IdRule}";

    public static string? DatasetId(string? value, string field = "dataset_id") =>
        string.IsNullOrEmpty(value) ? $"{field} is required ({DatasetIdRule})"
        : IsDatasetId(value) ? null : $"{field} must be {DatasetIdRule}";

    /// <summary>An engine profile name; empty means the default profile.</summary>
    public static string? Profile(string? value, string field) =>
        string.IsNullOrEmpty(value) || IsProfileName(value) ? null : $"{field} must be {ProfileRule}";

    /// <summary>A list of feature keys: at most <see cref="MaxFeatureKeys"/>, each shaped like a key, no repeats.</summary>
    public static string? FeatureKeys(IReadOnlyCollection<string> keys, string field)
    {
        if (keys.Count > MaxFeatureKeys)
        {
            return $"{field} has {keys.Count:N0} entries; at most {MaxFeatureKeys}";
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var key in keys)
        {
            if (!IsFeatureKey(key))
            {
                return $"{field}[{index}] must be {FeatureKeyRule}";
            }
            if (!seen.Add(key))
            {
                return $"{field}[{index}] repeats an earlier entry";
            }
            index++;
        }
        return null;
    }

    /// <summary>
    /// A list of run tags: each shaped by <see cref="TagRule"/>, at most <see cref="MaxTags"/>. Repeats are no problem
    /// (a tag list is a set: <see cref="Tags"/> keeps one of each).
    /// </summary>
    public static string? TagList(IReadOnlyCollection<string> tags, string field)
    {
        if (tags.Count > MaxTags)
        {
            return $"{field} has {tags.Count:N0} entries; at most {MaxTags}";
        }
        return tags.Select((tag, index) => Tag(tag, $"{field}[{index}]")).FirstOrDefault(problem => problem is not null);
    }

    /// <summary>One tag (required).</summary>
    public static string? Tag(string? value, string field) =>
        value is not null && TagPattern().IsMatch(value) ? null : $"{field} must be {TagRule}";

    /// <summary>Tags as a run keeps them: lower case, each once, in first-seen order (checked by <see cref="TagList"/> first).</summary>
    public static IReadOnlyList<string> Tags(IEnumerable<string> tags) =>
        tags.Select(tag => tag.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// A search text: at most <see cref="MaxQueryLength"/> characters of one line (no control characters, no unpaired
    /// surrogates). Direction marks and ZWNJ are allowed: Persian typed or pasted carries them, and matching ignores them.
    /// </summary>
    public static string? Query(string? value, string field) =>
        FreeText(value, field, MaxQueryLength, allowLineBreaks: false, allowBidiControls: true);

    /// <summary>A code from a fixed set (language, strategy, format): only its length is checked here.</summary>
    public static string? Code(string? value, string field, string allowed) =>
        value is { Length: > MaxCodeLength } ? $"{field} must be one of {allowed}" : null;

    /// <summary>
    /// One line of free text a person reads (a label, a name): bounded, no control characters, no bidi overrides (which
    /// make a label display as something else), no unpaired surrogates.
    /// </summary>
    public static string? Label(string? value, string field, int maxLength = MaxLabelLength) =>
        FreeText(value, field, maxLength, allowLineBreaks: false);

    /// <summary>Like <see cref="Label"/>, with line breaks and tabs allowed.</summary>
    public static string? Description(string? value, string field, int maxLength = MaxDescriptionLength) =>
        FreeText(value, field, maxLength, allowLineBreaks: true);

    private static string? FreeText(string? value, string field, int maxLength, bool allowLineBreaks, bool allowBidiControls = false)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        if (value.Length > maxLength)
        {
            return $"{field} is {value.Length:N0} characters; at most {maxLength:N0}";
        }
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
            {
                return $"{field} has an unpaired surrogate (not valid UTF-16 text)";
            }
            if (allowLineBreaks && c is '\n' or '\r' or '\t')
            {
                continue;
            }
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                return $"{field} has a control character or line break (at most one line of text)";
            }
            if (IsBidiControl(c) && !allowBidiControls)
            {
                return $"{field} has a bidirectional control character (U+200E/F, U+202A-202E, U+2066-2069)";
            }
        }
        return null;
    }

    private static bool IsBidiControl(char c) => c is '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    /// <summary>The gRPC request limit of a service whose largest field is a note of <paramref name="maxTextBytes"/>.</summary>
    public static int RequestBytesForText(int maxTextBytes) => Math.Max(DefaultMaxRequestBytes, maxTextBytes + RequestOverheadBytes);

    /// <summary>The gRPC request limit of a service taking uploads of <paramref name="maxUploadBytes"/>.</summary>
    public static int RequestBytesForUpload(int maxUploadBytes) => (int)Math.Min(int.MaxValue - 2048L, (long)maxUploadBytes + RequestOverheadBytes);

    /// <summary>A count or number that must lie in [min, max].</summary>
    public static string? Range(long value, string field, long min, long max) =>
        value < min || value > max ? $"{field} must be between {min:N0} and {max:N0}" : null;

    /// <summary>A page size: 0 or less gives <paramref name="fallback"/>, more than <see cref="MaxPageSize"/> is clamped.</summary>
    public static int PageSize(int requested, int fallback) => requested <= 0 ? fallback : Math.Min(requested, MaxPageSize);

    /// <summary>An error detail cut to <see cref="MaxErrorDetailLength"/> characters (never in the middle of a surrogate pair).</summary>
    public static string BoundDetail(string? detail)
    {
        if (string.IsNullOrEmpty(detail) || detail.Length <= MaxErrorDetailLength)
        {
            return detail ?? "";
        }
        var cut = MaxErrorDetailLength - 1;
        if (char.IsHighSurrogate(detail[cut - 1]))
        {
            cut--;
        }
        return detail[..cut] + "…";
    }
}
