using ClinicalAspire.ServiceDefaults.Security;
using static ClinicalAspire.ServiceDefaults.Security.AccessRole;

namespace ClinicalAspire.Translator.Security;

/// <summary>The least role of each Translator method: note text in and out needs a researcher (the Extractor's credential has it).</summary>
public static class TranslatorAccess
{
    public static RpcAccessMap Map()
    {
        var translator = Contracts.Translator.V1.Translator.Descriptor;
        return new RpcAccessMap()
            .Require(translator, "Translate", Researcher)
            .Require(translator, "TranslateStream", Researcher)
            .Require(translator, "GetInfo", Reader);
    }
}
