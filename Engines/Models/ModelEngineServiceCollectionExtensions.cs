using System.Diagnostics.Metrics;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Engines.Abstractions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClinicalAspire.Engines.Models;

/// <summary>
/// Registers the language-model engines, one per role. Settings are validated at registration (a bad "Engine" section
/// fails at startup with every problem listed); the model itself loads when the engine is first resolved (resolve it at
/// startup to warm up). The container disposes the engine, and with it the native model, at shutdown.
/// </summary>
public static class ModelEngineServiceCollectionExtensions
{
    /// <summary>Registers <see cref="ChatExtractionEngine"/> as the <see cref="IFeatureExtractionEngine"/>.</summary>
    /// <param name="catalogue">Feature catalogue for the prompt version; null = a registered <see cref="FeatureCatalogue"/> or the default.</param>
    /// <param name="httpHandler">OpenAI route only: handler for reaching the server (e.g. a resilience handler).</param>
    public static IServiceCollection AddChatExtractionEngine(
        this IServiceCollection services, ModelEngineOptions options, FeatureCatalogue? catalogue = null, HttpMessageHandler? httpHandler = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        services.AddSingleton(sp => ChatExtractionEngine.Create(
            options,
            catalogue ?? sp.GetService<FeatureCatalogue>(),
            sp.GetService<ILoggerFactory>(),
            httpHandler,
            sp.GetService<IMeterFactory>()));
        services.AddSingleton<IFeatureExtractionEngine>(sp => sp.GetRequiredService<ChatExtractionEngine>());
        return services;
    }

    /// <summary>Binds the section (default "Engine") and registers <see cref="ChatExtractionEngine"/>.</summary>
    public static IServiceCollection AddChatExtractionEngine(
        this IServiceCollection services, IConfiguration configuration, string sectionName = ModelEngineOptions.SectionName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddChatExtractionEngine(ModelEngineOptions.FromConfiguration(configuration.GetSection(sectionName)));
    }

    /// <summary>Registers <see cref="ChatTranslationEngine"/> as the <see cref="ITranslationEngine"/>.</summary>
    public static IServiceCollection AddChatTranslationEngine(
        this IServiceCollection services, ModelEngineOptions options, HttpMessageHandler? httpHandler = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid(requirePromptMode: false);
        services.AddSingleton(sp => ChatTranslationEngine.Create(options, sp.GetService<ILoggerFactory>(), httpHandler, sp.GetService<IMeterFactory>()));
        services.AddSingleton<ITranslationEngine>(sp => sp.GetRequiredService<ChatTranslationEngine>());
        return services;
    }

    /// <summary>Binds the section (default "Engine") and registers <see cref="ChatTranslationEngine"/>.</summary>
    public static IServiceCollection AddChatTranslationEngine(
        this IServiceCollection services, IConfiguration configuration, string sectionName = ModelEngineOptions.SectionName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddChatTranslationEngine(ModelEngineOptions.FromConfiguration(configuration.GetSection(sectionName)));
    }
}
