using System.Text;
using System.Text.Json;
using ClinicalAspire.Domain.Features;

namespace ClinicalAspire.Engines.Models;

/// <summary>
/// The token budget of a "json" mode answer: how long each evidence quote may be so that the whole answer fits in
/// <see cref="ModelEngineOptions.MaxNewTokens"/>, and whether a budget can hold an answer at all.
/// <para>
/// Worst case assumed, per answer:
/// <list type="bullet">
/// <item>Structure (braces, quotes, colons, commas, the feature keys, "value", "evidence", <c>false</c>): at most one
/// token per <see cref="StructureCharsPerToken"/> characters of the compact answer with every value <c>false</c>
/// (the longer literal). Real tokenizers do 3-4 characters a token on ASCII JSON; the slack also covers the blanks a
/// server may put between JSON tokens when its grammar is not compact.</item>
/// <item>Evidence quotes: one token per character. Persian text is 2-4 characters a token on current multilingual
/// tokenizers; \u escapes or a byte-level tokenizer without Persian merges can exceed this (then the answer is cut,
/// and the parser keeps the features written before the cut).</item>
/// <item><see cref="MarginTokens"/> more for an end-of-turn token and what a server adds.</item>
/// </list>
/// The tokens left after structure and margin are shared equally among the quotes, then bounded to
/// [<see cref="MinEvidenceChars"/>, <see cref="MaxEvidenceChars"/>]; a budget that cannot give every quote the floor
/// is a configuration error at start.
/// </para>
/// </summary>
public sealed record JsonAnswerBudget(int MaxNewTokens, int Features, int StructureChars)
{
    public const int StructureCharsPerToken = 2;
    public const int MarginTokens = 16;

    /// <summary>Shorter quotes rarely pin a statement down in the note (a word or two).</summary>
    public const int MinEvidenceChars = 16;

    /// <summary>A sentence or two; longer budgets buy nothing but room to ramble.</summary>
    public const int MaxEvidenceChars = 300;

    /// <summary>Upper bound on the tokens of the answer's fixed text.</summary>
    public int StructureTokens => (StructureChars + StructureCharsPerToken - 1) / StructureCharsPerToken;

    /// <summary>Tokens left for the evidence quotes.</summary>
    public int EvidenceTokens => MaxNewTokens - StructureTokens - MarginTokens;

    /// <summary>The fewest tokens that hold an answer with every quote at the floor.</summary>
    public int RequiredTokens => StructureTokens + MarginTokens + Features * MinEvidenceChars;

    public bool Fits => MaxNewTokens >= RequiredTokens;

    /// <summary>The schema's maxLength for every evidence quote.</summary>
    public int EvidenceMaxLength => Math.Clamp(Features == 0 ? MaxEvidenceChars : EvidenceTokens / Features, MinEvidenceChars, MaxEvidenceChars);

    /// <summary>Tokens of the longest answer the schema admits, under the assumptions above.</summary>
    public int WorstCaseTokens => StructureTokens + MarginTokens + Features * EvidenceMaxLength;

    /// <summary>What is wrong, with the numbers, for an operator; null when the budget fits.</summary>
    public string? Problem => Fits
        ? null
        : $"Engine:MaxNewTokens {MaxNewTokens} cannot hold a json-mode answer for {Features} features: its keys and punctuation " +
          $"take up to {StructureTokens} tokens ({StructureChars} characters at {StructureCharsPerToken} a token), the margin {MarginTokens}, " +
          $"and {Features} evidence quotes of at least {MinEvidenceChars} characters (a token each) {Features * MinEvidenceChars}: " +
          $"at least {RequiredTokens} tokens are needed.";

    public static JsonAnswerBudget For(IReadOnlyList<FeatureDefinition> features, int maxNewTokens)
    {
        ArgumentNullException.ThrowIfNull(features);
        return new JsonAnswerBudget(maxNewTokens, features.Count, Skeleton(features).Length);
    }

    /// <summary>The compact answer with every value false and every quote empty: the fixed text of any answer.</summary>
    public static string Skeleton(IReadOnlyList<FeatureDefinition> features)
    {
        var text = new StringBuilder("{");
        foreach (var feature in features)
        {
            if (text.Length > 1)
            {
                text.Append(',');
            }
            text.Append(JsonSerializer.Serialize(feature.Key)).Append(":{\"value\":false,\"evidence\":\"\"}");
        }
        return text.Append('}').ToString();
    }
}
