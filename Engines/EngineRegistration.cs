using System.Diagnostics.Metrics;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Gloss;
using ClinicalAspire.Engines.Models;
using ClinicalAspire.Engines.Profiles;
using ClinicalAspire.Engines.Rules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClinicalAspire.Engines;

/// <summary>
/// Hosts a service's engines: one per engine profile. With <c>Profiles:File</c> the profiles come from that file (the
/// Extractor and the Translator read the same one); without it, one profile named "default" from the "Engine" section
/// (<c>Engine__Kind</c>, ...), today's embedded pair unless configured otherwise. Every engine loads at start.
/// </summary>
public static class EngineRegistration
{
    public const string SectionName = "Engine";
    public const string ProfilesFileKey = "Profiles:File";
    public const string ExtractorRole = "extractor";
    public const string TranslatorRole = "translator";

    /// <summary>Extraction engines per profile: "rules" (embedded default), "onnx", "openai".</summary>
    public static TBuilder AddExtractionEngine<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var set = LoadProfiles(builder.Configuration, ExtractorRole);
        builder.Services.AddSingleton(sp => new EngineProfileHost<IFeatureExtractionEngine>(set, ExtractorRole,
            profile => CreateExtractor(profile.Extractor, sp),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("ClinicalAspire.Engines.Profiles")));
        return builder.AddProfileServices<TBuilder, IFeatureExtractionEngine>(set);
    }

    /// <summary>Translation engines per profile: "gloss" (embedded default), "onnx", "openai".</summary>
    public static TBuilder AddTranslationEngine<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var set = LoadProfiles(builder.Configuration, TranslatorRole);
        builder.Services.AddSingleton(sp => new EngineProfileHost<ITranslationEngine>(set, TranslatorRole,
            profile => CreateTranslator(profile.Translator, sp),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("ClinicalAspire.Engines.Profiles")));
        return builder.AddProfileServices<TBuilder, ITranslationEngine>(set);
    }

    private static TBuilder AddProfileServices<TBuilder, TEngine>(this TBuilder builder, EngineProfileSet set)
        where TBuilder : IHostApplicationBuilder where TEngine : class, IEngine
    {
        builder.Services.AddSingleton(set);
        builder.Services.AddSingleton<EngineProfileHealth<TEngine>>();
        builder.Services.AddHostedService<EngineProfileLoader<TEngine>>();
        builder.Services.AddHttpClient(EngineProfileHealth<TEngine>.ProbeClientName);
        builder.Services.AddHealthChecks().AddCheck<EngineProfilesHealthCheck<TEngine>>("engines");
        return builder;
    }

    /// <summary>
    /// The profiles of a service: the file named by <c>Profiles:File</c>, else one "default" profile whose
    /// <paramref name="role"/> comes from the "Engine" section. Throws (the service does not start) when invalid.
    /// API keys are secrets, never in the file: <c>apiKeySecret</c> names <c>Secrets:{name}</c>, else <c>Engine:ApiKey</c>.
    /// </summary>
    public static EngineProfileSet LoadProfiles(IConfiguration configuration, string role)
    {
        if (configuration[ProfilesFileKey] is { Length: > 0 } path)
        {
            return EngineProfilesFile.Load(path, secret => configuration[$"Secrets:{secret}"] is { Length: > 0 } key ? key : configuration[$"{SectionName}:ApiKey"]);
        }
        var section = configuration.GetSection(SectionName);
        var kind = (section["Kind"] is { Length: > 0 } k ? k : role == ExtractorRole ? EngineKinds.Rules : EngineKinds.Gloss).Trim().ToLowerInvariant();
        EngineRole engine = kind switch
        {
            EngineKinds.Rules when role == ExtractorRole => new EngineRole(kind, null),
            EngineKinds.Gloss when role == TranslatorRole => new EngineRole(kind, null),
            ModelEngineKinds.Onnx or ModelEngineKinds.OpenAI => new EngineRole(kind, ValidOptions(ModelEngineOptions.FromConfiguration(section), role)),
            _ => throw new InvalidOperationException(
                $"Engine:Kind '{kind}' is not a {role} engine; use {(role == ExtractorRole ? "rules" : "gloss")}, onnx or openai."),
        };
        return role == ExtractorRole
            ? EngineProfileSet.Single(engine, new EngineRole(EngineKinds.Gloss, null))
            : EngineProfileSet.Single(new EngineRole(EngineKinds.Rules, null), engine);
    }

    private static ModelEngineOptions ValidOptions(ModelEngineOptions options, string role)
    {
        options.ThrowIfInvalid(requirePromptMode: role == ExtractorRole);
        return options;
    }

    private static IFeatureExtractionEngine CreateExtractor(EngineRole role, IServiceProvider services) => role.Kind switch
    {
        EngineKinds.Rules => s_rules.Value,
        _ => ChatExtractionEngine.Create(role.Model!, services.GetService<FeatureCatalogue>(), services.GetService<ILoggerFactory>(),
            meterFactory: services.GetService<IMeterFactory>()),
    };

    private static ITranslationEngine CreateTranslator(EngineRole role, IServiceProvider services) => role.Kind switch
    {
        EngineKinds.Gloss => s_gloss.Value,
        _ => ChatTranslationEngine.Create(role.Model!, services.GetService<ILoggerFactory>(), meterFactory: services.GetService<IMeterFactory>()),
    };

    // The embedded engines hold only read-only tables: one instance serves every profile that names them.
    private static readonly Lazy<RuleExtractionEngine> s_rules = new(() => new RuleExtractionEngine());
    private static readonly Lazy<GlossTranslationEngine> s_gloss = new(() => new GlossTranslationEngine());
}
