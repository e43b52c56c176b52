using ClinicalAspire.Domain.Features;
using ClinicalAspire.Domain.Text;

namespace ClinicalAspire.Extractor;

public sealed class ExtractorOptions
{
    public const string SectionName = "Extractor";

    /// <summary>Largest note accepted, in UTF-8 bytes.</summary>
    public int MaxTextBytes { get; set; } = TextInput.DefaultMaxBytes;

    /// <summary>Notes extracted at once in an ExtractStream call.</summary>
    public int StreamConcurrency { get; set; } = 4;

    /// <summary>A deployment's own feature catalogue (JSON, data/catalogue/features.schema.json); empty: the study's 13.</summary>
    public string CataloguePath { get; set; } = "";

    /// <summary>The largest gRPC request: a note at <see cref="MaxTextBytes"/> and the other fields.</summary>
    public static int MaxRequestBytes(IConfiguration configuration) =>
        InputLimits.RequestBytesForText(configuration.GetValue($"{SectionName}:{nameof(MaxTextBytes)}", TextInput.DefaultMaxBytes));

    public static FeatureCatalogue LoadCatalogue(IConfiguration configuration)
    {
        var path = configuration[$"{SectionName}:{nameof(CataloguePath)}"];
        return string.IsNullOrWhiteSpace(path) ? FeatureCatalogue.Default : FeatureCatalogue.Load(path);
    }
}
