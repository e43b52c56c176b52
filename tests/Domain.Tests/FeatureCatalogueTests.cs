using System.Text;
using ClinicalAspire.Domain.Features;

namespace ClinicalAspire.Domain.Tests;

public sealed class FeatureCatalogueTests
{
    private static FeatureDefinition Feature(string key, string nameEn, string nameFa, string[]? en = null, string[]? fa = null) => new()
    {
        Key = key, Order = 1, NameEn = nameEn, NameFa = nameFa, DefinitionEn = nameEn + ".",
        Aliases = new FeatureAliases { En = en ?? [], Fa = fa ?? [] },
    };

    private static FeatureCatalogue Load(string json) => FeatureCatalogue.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void The_default_catalogue_holds_every_study_spelling()
    {
        var catalogue = FeatureCatalogue.Default;
        Assert.Equal("study-13.v2", catalogue.Version);
        Assert.Equal(StudyAnswers.Fields.Select(f => f.Key), catalogue.Keys);
        foreach (var (key, en, fa) in StudyAnswers.Fields)
        {
            Assert.Contains(en, catalogue[key].NamesFor("en"));
            Assert.Contains(fa, catalogue[key].NamesFor("fa"));
        }
        Assert.Contains("Patient requested for doctor's visit", catalogue["visit_request"].NamesFor("en"));
    }

    [Fact]
    public void Names_come_name_first_then_aliases_and_all_names_once()
    {
        var cost = FeatureCatalogue.Default["cost"];
        Assert.Equal(cost.NameEn, cost.NamesFor("en").First());
        Assert.Equal(cost.NameFa, cost.NamesFor("fa").First());
        Assert.Equal([.. cost.NamesFor("en"), .. cost.NamesFor("fa")], cost.AllNames);

        var feature = Feature("pain", " Pain ", "درد", en: ["Pain", "Aches"], fa: ["درد"]);
        Assert.Equal(["Pain", "Aches"], feature.NamesFor("en"));
        Assert.Equal(["درد"], feature.NamesFor("fa"));
        Assert.Equal(["Pain", "Aches", "درد"], feature.AllNames);
        Assert.Throws<ArgumentException>(() => feature.NamesFor("de"));
    }

    [Theory]
    [InlineData("Fever", null)]        // another feature's English name
    [InlineData("fever", null)]        // names match ignoring case in the lenient parser
    [InlineData(null, "تب")]           // another feature's Persian name
    [InlineData("Hot", null)]          // another feature's alias
    [InlineData(null, "حرارت")]
    public void An_alias_naming_another_feature_is_rejected_with_the_key(string? en, string? fa)
    {
        var fever = Feature("fever", "Fever", "تب", en: ["Hot"], fa: ["حرارت"]);
        var pain = Feature("pain", "Pain", "درد", en: en is null ? [] : [en], fa: fa is null ? [] : [fa]);
        var error = Assert.Throws<FeatureCatalogueException>(() => new FeatureCatalogue("v", [fever, pain]));
        Assert.Contains("'pain'", error.Message);
        Assert.Contains("'fever'", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void A_blank_alias_is_rejected_with_the_key(string alias)
    {
        var error = Assert.Throws<FeatureCatalogueException>(
            () => new FeatureCatalogue("v", [Feature("pain", "Pain", "درد", fa: [alias])]));
        Assert.Contains("'pain'", error.Message);
    }

    [Fact]
    public void An_alias_repeating_its_own_name_is_fine() =>
        Assert.Equal(["Pain", "pain"], new FeatureCatalogue("v", [Feature("pain", "Pain", "درد", en: ["pain "])])["pain"].NamesFor("en"));

    [Fact]
    public void Aliases_are_optional_in_json_and_compare_by_value()
    {
        const string json = """
            {"version": "v", "features": [
              {"key": "pain", "order": 1, "name_en": "Pain", "name_fa": "درد", "definition_en": "Pain.", "aliases": {"fa": ["دردها"]}},
              {"key": "fever", "order": 2, "name_en": "Fever", "name_fa": "تب", "definition_en": "Fever.", "aliases": null},
              {"key": "sleep", "order": 3, "name_en": "Sleep", "name_fa": "خواب", "definition_en": "Sleep."}
            ]}
            """;
        var catalogue = Load(json);
        Assert.Equal(["درد", "دردها"], catalogue["pain"].NamesFor("fa"));
        Assert.Empty(catalogue["pain"].Aliases.En);
        Assert.Equal(["Fever", "تب"], catalogue["fever"].AllNames);
        Assert.Equal(["Sleep", "خواب"], catalogue["sleep"].AllNames);
        Assert.Equal(catalogue.Features, Load(json).Features); // two reads of one file hold equal features
    }

    [Fact]
    public void A_json_alias_colliding_with_another_feature_is_rejected()
    {
        const string json = """
            {"version": "v", "features": [
              {"key": "pain", "order": 1, "name_en": "Pain", "name_fa": "درد", "definition_en": "Pain.", "aliases": {"en": ["Fever"]}},
              {"key": "fever", "order": 2, "name_en": "Fever", "name_fa": "تب", "definition_en": "Fever."}
            ]}
            """;
        var error = Assert.Throws<FeatureCatalogueException>(() => Load(json));
        Assert.Contains("'pain'", error.Message);
    }
}
