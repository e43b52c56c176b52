using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.ServiceDefaults.Security;
using static ClinicalAspire.ServiceDefaults.Security.AccessRole;

namespace ClinicalAspire.Evaluator.Security;

/// <summary>
/// The least role of each Evaluator method (README: Security, roles). Readers see results without note text;
/// whatever returns records, evidence or uploads text needs a researcher; deleting, replacing and keys need an
/// admin. Methods not listed (an RPC added later) are admin only.
/// </summary>
public static class EvaluatorAccess
{
    public static RpcAccessMap Map()
    {
        var evaluator = Contracts.Evaluator.V1.Evaluator.Descriptor;
        var keys = ApiKeys.Descriptor;
        return new RpcAccessMap()
            .Require(evaluator, "ValidateDataset", Researcher)
            // Replacing a dataset destroys the one stored under that id.
            .Require<ImportDatasetRequest>(evaluator, "ImportDataset", r => r?.Replace == true ? Admin : Researcher)
            .Require(evaluator, "ListDatasets", Reader)
            // limit 0 returns the info only, no record.
            .Require<GetDatasetRequest>(evaluator, "GetDataset", r => r?.Limit == 0 ? Reader : Researcher)
            .Require(evaluator, "DeleteDataset", Admin)
            .Require(evaluator, "DeleteRun", Admin)
            .Require(evaluator, "StartRun", Researcher)
            .Require(evaluator, "StartMatrix", Researcher)
            .Require(evaluator, "GetMatrix", Reader)
            .Require(evaluator, "GetRun", Reader)
            .Require(evaluator, "ListRuns", Reader)
            .Require(evaluator, "CancelRun", Researcher)
            // Labels on a run: no text, but a change to what others find.
            .Require(evaluator, "UpdateRunTags", Researcher)
            // Run info and record ids only.
            .Require(evaluator, "WatchRun", Reader)
            .Require(evaluator, "ListRunRecords", Researcher)
            .Require(evaluator, "CompareRuns", Reader)
            .Require<ExportRunRequest>(evaluator, "ExportRun", r => string.Equals(r?.Content, "metrics", StringComparison.OrdinalIgnoreCase) ? Reader : Researcher)
            .Require(evaluator, "ScorePredictions", Researcher)
            .Require(evaluator, "Extract", Researcher)
            .Require(evaluator, "GetSystemStatus", Reader)
            .Require(keys, "CreateApiKey", Admin)
            .Require(keys, "ListApiKeys", Admin)
            .Require(keys, "RevokeApiKey", Admin);
    }
}
