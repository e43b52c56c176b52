using ClinicalAspire.ServiceDefaults.Security;
using static ClinicalAspire.ServiceDefaults.Security.AccessRole;

namespace ClinicalAspire.Extractor.Security;

/// <summary>The least role of each Extractor method: notes in, evidence out need a researcher (the Evaluator's credential has it).</summary>
public static class ExtractorAccess
{
    public static RpcAccessMap Map()
    {
        var extractor = Contracts.Extractor.V1.Extractor.Descriptor;
        return new RpcAccessMap()
            .Require(extractor, "Extract", Researcher)
            .Require(extractor, "ExtractStream", Researcher)
            .Require(extractor, "ListFeatures", Reader)
            .Require(extractor, "GetInfo", Reader);
    }
}
