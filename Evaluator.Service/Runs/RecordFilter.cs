using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Domain.Metrics;
using ClinicalAspire.Domain.Text;
using Microsoft.Extensions.Hosting;

namespace ClinicalAspire.Evaluator.Runs;

/// <summary>
/// Which records of a run a <see cref="ListRunRecordsRequest"/> asks for: disagreements, a feature's positives or its
/// confusion-matrix outcomes, and a search of record ids and note text. Every condition given must hold. The search
/// text is clinical text: it is matched here and never logged, traced or quoted in an error.
/// </summary>
public sealed class RecordFilter
{
    private readonly bool _onlyErrors;
    private readonly string _featureKey;
    private readonly bool _excludeMissing;
    private readonly HashSet<Outcome> _outcomes;
    private readonly string _query;
    private readonly string _normalizedQuery;

    private RecordFilter(ListRunRecordsRequest request, bool excludeMissing)
    {
        _onlyErrors = request.OnlyErrors;
        _featureKey = request.FeatureKey;
        _excludeMissing = excludeMissing;
        _outcomes = [.. request.Outcomes];
        _query = request.Query.Trim();
        _normalizedQuery = _query.Length == 0 ? "" : PersianNormalizer.NormalizeString(_query);
    }

    /// <summary>
    /// The filter of <paramref name="request"/> for a run that <paramref name="excludeMissing"/> or not; a malformed
    /// request is INVALID_ARGUMENT naming the field (never quoting it).
    /// </summary>
    public static RecordFilter From(ListRunRecordsRequest request, bool excludeMissing)
    {
        RequestErrors.ThrowIfInvalid(Validate(request));
        return new RecordFilter(request, excludeMissing);
    }

    /// <summary>The first problem of the request's filter fields, or null.</summary>
    public static string? Validate(ListRunRecordsRequest request)
    {
        if (!string.IsNullOrEmpty(request.FeatureKey) && !InputLimits.IsFeatureKey(request.FeatureKey))
        {
            return $"feature_key must be {InputLimits.FeatureKeyRule}";
        }
        var seen = new HashSet<Outcome>();
        for (var i = 0; i < request.Outcomes.Count; i++)
        {
            if (request.Outcomes[i] is not (Outcome.TruePositive or Outcome.FalsePositive or Outcome.FalseNegative or Outcome.TrueNegative))
            {
                return $"outcomes[{i}] must be OUTCOME_TRUE_POSITIVE, OUTCOME_FALSE_POSITIVE, OUTCOME_FALSE_NEGATIVE or OUTCOME_TRUE_NEGATIVE";
            }
            if (!seen.Add(request.Outcomes[i]))
            {
                return $"outcomes[{i}] repeats an earlier entry";
            }
        }
        if (request.Outcomes.Count > 0 && string.IsNullOrEmpty(request.FeatureKey))
        {
            return "feature_key is required with outcomes (the feature whose outcomes are asked for)";
        }
        return InputLimits.Query(request.Query, "query");
    }

    public bool Matches(RecordPrediction prediction)
    {
        if (_onlyErrors && !RunQueries.IsError(prediction, _featureKey, _excludeMissing))
        {
            return false;
        }
        if (_outcomes.Count > 0)
        {
            if (OutcomeOf(prediction, _featureKey, _excludeMissing) is not { } outcome || !_outcomes.Contains(outcome))
            {
                return false;
            }
        }
        else if (!_onlyErrors && !string.IsNullOrEmpty(_featureKey) && !IsPositive(prediction, _featureKey))
        {
            return false;
        }
        return _query.Length == 0 || MatchesQuery(prediction);
    }

    /// <summary>Predicted or labelled yes on the feature (a feature alone, without only_errors or outcomes).</summary>
    private static bool IsPositive(RecordPrediction prediction, string featureKey) =>
        prediction.Features.Any(f => f.Key == featureKey && f.Value == "true")
        || prediction.Labels.TryGetValue(featureKey, out var label) && label == Label.True;

    /// <summary>
    /// The id contains the query (ignoring case), or the note does once both are normalised as the engines read Persian
    /// (Arabic letters as Persian, ZWNJ, spacing and case alike). A query that normalises to nothing matches every note.
    /// </summary>
    private bool MatchesQuery(RecordPrediction prediction) =>
        prediction.RecordId.Contains(_query, StringComparison.OrdinalIgnoreCase)
        || PersianNormalizer.NormalizeString(prediction.Text).Contains(_normalizedQuery, StringComparison.Ordinal);

    /// <summary>
    /// Where the record's prediction for <paramref name="featureKey"/> falls in the feature's confusion matrix, counted as
    /// the run's metrics count it (a failed record or an unreadable answer is missing: negative, or excluded when the run
    /// excludes missing); null when it is in no cell (no known label, or excluded).
    /// </summary>
    public static Outcome? OutcomeOf(RecordPrediction prediction, string featureKey, bool excludeMissing)
    {
        bool? label = prediction.Labels.TryGetValue(featureKey, out var l) && l is Label.True or Label.False ? l == Label.True : null;
        var value = string.IsNullOrEmpty(prediction.Error)
            ? prediction.Features.FirstOrDefault(f => f.Key == featureKey)?.Value ?? "missing"
            : "missing";
        var code = EvaluationTable.Encode(label, RunScoring.ToDomain(value), excludeMissing ? MissingPolicy.Exclude : MissingPolicy.ScoreAsNegative);
        return (code & EvaluationTable.CellMask) switch
        {
            EvaluationTable.TruePositive => Outcome.TruePositive,
            EvaluationTable.FalsePositive => Outcome.FalsePositive,
            EvaluationTable.FalseNegative => Outcome.FalseNegative,
            EvaluationTable.TrueNegative => Outcome.TrueNegative,
            _ => null,
        };
    }
}
