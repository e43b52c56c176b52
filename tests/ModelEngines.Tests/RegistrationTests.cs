using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicalAspire.ModelEngines.Tests;

public sealed class RegistrationTests : IClassFixture<TempFolder>
{
    private readonly TempFolder _temp;

    public RegistrationTests(TempFolder temp) => _temp = temp;

    [Fact]
    public async Task Extraction_engine_is_registered_from_the_Engine_section_and_disposed_with_the_container()
    {
        var features = FeatureCatalogue.Default.Features;
        var folder = _temp.Model(StudyTemplate.Filled(features, new Dictionary<string, bool> { ["seizure"] = true }), name: "tiny-di");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Engine:Kind"] = "onnx", ["Engine:ModelPath"] = folder })
            .Build();

        var services = new ServiceCollection();
        services.AddChatExtractionEngine(configuration);
        ChatExtractionEngine concrete;
        await using (var provider = services.BuildServiceProvider())
        {
            var engine = provider.GetRequiredService<IFeatureExtractionEngine>();
            concrete = provider.GetRequiredService<ChatExtractionEngine>();
            Assert.Same(concrete, engine);
            var output = await engine.ExtractAsync(new ExtractionInput("Patient had a seizure.", Languages.English, features), CancellationToken.None);
            Assert.Equal(FeatureValue.True, output.Answers.Single(a => a.Key == "seizure").Value);
        }
        await Assert.ThrowsAsync<ObjectDisposedException>(
            () => concrete.ExtractAsync(new ExtractionInput("x", Languages.English, features), CancellationToken.None));
    }

    [Fact]
    public void Translation_engine_registration_validates_at_startup()
    {
        var services = new ServiceCollection();
        var error = Assert.Throws<ModelEngineConfigurationException>(
            () => services.AddChatTranslationEngine(new ModelEngineOptions { Kind = "openai" }));
        Assert.Contains("Engine:Endpoint", error.Message);
    }

    [Fact]
    public async Task Translation_engine_resolves_as_ITranslationEngine()
    {
        var folder = _temp.Model("The patient is calm.", name: "tiny-di-translate");
        var services = new ServiceCollection();
        services.AddChatTranslationEngine(new ModelEngineOptions { Kind = "onnx", ModelPath = folder });
        await using var provider = services.BuildServiceProvider();
        var engine = provider.GetRequiredService<ITranslationEngine>();
        var output = await engine.TranslateAsync("بیمار آرام است.", Languages.Persian, Languages.English, CancellationToken.None);
        Assert.Equal("The patient is calm.", output.Text);
    }
}
