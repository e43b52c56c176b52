using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Gloss;
using ClinicalAspire.Engines.Models;
using ClinicalAspire.Engines.Rules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClinicalAspire.Engines;

/// <summary>
/// Picks each service's engine from configuration (section "Engine", key "Kind"): one engine per role per
/// service instance. The AppHost passes its parameters here as environment variables (Engine__Kind, ...).
/// </summary>
public static class EngineRegistration
{
    public const string SectionName = "Engine";

    /// <summary>Extraction engines: "rules" (embedded default), "onnx", "openai".</summary>
    public static TBuilder AddExtractionEngine<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        switch (EngineKind(builder.Configuration, "rules"))
        {
            case "rules":
                builder.Services.AddSingleton<IFeatureExtractionEngine>(_ => new RuleExtractionEngine());
                break;
            case ModelEngineKinds.Onnx or ModelEngineKinds.OpenAI:
                builder.Services.AddChatExtractionEngine(builder.Configuration, SectionName);
                break;
            case var other:
                throw new InvalidOperationException($"Engine:Kind '{other}' is not an extraction engine; use rules, onnx or openai.");
        }
        return builder;
    }

    /// <summary>Translation engines: "gloss" (embedded default), "onnx", "openai".</summary>
    public static TBuilder AddTranslationEngine<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        switch (EngineKind(builder.Configuration, "gloss"))
        {
            case "gloss":
                builder.Services.AddSingleton<ITranslationEngine>(_ => new GlossTranslationEngine());
                break;
            case ModelEngineKinds.Onnx or ModelEngineKinds.OpenAI:
                builder.Services.AddChatTranslationEngine(builder.Configuration, SectionName);
                break;
            case var other:
                throw new InvalidOperationException($"Engine:Kind '{other}' is not a translation engine; use gloss, onnx or openai.");
        }
        return builder;
    }

    private static string EngineKind(IConfiguration configuration, string fallback) =>
        (configuration[$"{SectionName}:Kind"] is { Length: > 0 } kind ? kind : fallback).Trim().ToLowerInvariant();
}
