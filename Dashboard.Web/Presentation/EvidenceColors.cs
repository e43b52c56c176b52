namespace ClinicalAspire.Dashboard.Presentation;

/// <summary>
/// One colour per feature for evidence marks and their legend: light fills under dark text (contrast above 10:1
/// for every one), told apart by hue; app.css defines .ev-1 .. .ev-13 in the study's feature order.
/// </summary>
public static class EvidenceColors
{
    /// <summary>"ev-8" for fever (the study's order), "ev-0" (neutral) for a feature the dashboard does not know.</summary>
    public static string CssClass(string featureKey)
    {
        var order = Features.Order(featureKey);
        return order is >= 1 and <= 13 ? $"ev-{order}" : "ev-0";
    }
}
