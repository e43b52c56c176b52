using System.Diagnostics;
using System.Text;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Engines.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SemanticKernel.ChatCompletion;

namespace ClinicalAspire.Engines.Models;

/// <summary>
/// Extracts the catalogue's features with a language model through Semantic Kernel, in one of two prompt modes:
/// "study" (the study's 3-shot True/False template protocol) or "json" (a JSON object constrained by a schema,
/// with an evidence quote per positive answer, located in the note as offsets).
/// Never logs note text or model output.
/// </summary>
public sealed class ChatExtractionEngine : IFeatureExtractionEngine, IDisposable
{
    private readonly ModelChatBackend _backend;
    private readonly bool _ownsBackend;
    private readonly ModelEngineOptions _options;
    private readonly FeatureCatalogue _catalogue;
    private readonly ILogger _logger;
    private readonly Dictionary<string, FewShotSet?> _fewShot = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _mode;

    public ChatExtractionEngine(ModelChatBackend backend, FeatureCatalogue? catalogue = null, ILogger<ChatExtractionEngine>? logger = null, bool ownsBackend = true)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _backend = backend;
        _ownsBackend = ownsBackend;
        _options = backend.Options;
        _options.ThrowIfInvalid();
        _catalogue = catalogue ?? FeatureCatalogue.Default;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _mode = _options.PromptMode.Trim().ToLowerInvariant();
        foreach (var language in new[] { Languages.English, Languages.Persian })
        {
            _fewShot[language] = _mode == PromptModes.Study ? FewShotLibrary.Load(language, _options.FewShotPath) : null;
        }

        var fewShotVersions = string.Join(",", _fewShot.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key}={kv.Value?.Version ?? "none"}"));
        var promptVersion = $"{_mode}-" + PromptHash.Of(
            _mode,
            _mode == PromptModes.Json ? JsonSystemPrompt(_catalogue.Features) : SystemPrompt(_catalogue.Features),
            _options.ConstrainedDecoding ? "constrained" : "free",
            fewShotVersions, _catalogue.Version);
        var what = _mode == PromptModes.Study
            ? "the study's 3-shot True/False template prompt"
            : "a JSON-schema prompt with evidence quotes";
        Descriptor = new EngineDescriptor(
            backend.Engine,
            backend.ModelId,
            promptVersion,
            $"Language model {backend.ModelId} ({(backend.Engine == ModelEngineKinds.Onnx ? "local ONNX Runtime GenAI" : "OpenAI-compatible server")}) extracting features with {what}.",
            backend.ExecutionProvider);
    }

    /// <summary>Builds the backend from <paramref name="options"/> and owns it.</summary>
    public static ChatExtractionEngine Create(ModelEngineOptions options, FeatureCatalogue? catalogue = null, ILoggerFactory? loggerFactory = null, HttpMessageHandler? httpHandler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        var backend = ModelChatBackend.Create(options, loggerFactory, httpHandler);
        try
        {
            return new ChatExtractionEngine(backend, catalogue, loggerFactory?.CreateLogger<ChatExtractionEngine>());
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }

    public EngineDescriptor Descriptor { get; }

    public async Task<ExtractionOutput> ExtractAsync(ExtractionInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var features = input.Features.Count > 0 ? input.Features : _catalogue.Features;
        if (string.IsNullOrWhiteSpace(input.Text))
        {
            // An empty note states nothing: every feature is negative, and no model call is made.
            return new ExtractionOutput(features.Select(f => FeatureAnswer.Negative(f.Key)).ToArray(), input.IncludeRawOutput ? string.Empty : null);
        }
        var started = Stopwatch.GetTimestamp();

        var history = BuildHistory(input, features);
        var settings = _mode == PromptModes.Json
            ? _backend.CreateSettings(jsonSchema: _options.ConstrainedDecoding ? JsonAnswers.Schema(features, forGuidance: _backend.Engine == ModelEngineKinds.Onnx) : null, schemaName: "clinical_features")
            : _backend.CreateSettings();
        var raw = await _backend.CompleteAsync(history, settings, "extract", cancellationToken).ConfigureAwait(false);

        var answers = _mode == PromptModes.Json
            ? JsonAnswers.Parse(raw, features, input.Text)
            : StudyTemplate.Parse(raw, features);

        _logger.LogInformation(
            "Extracted {Features} features ({Positive} true, {Missing} missing) with {Engine}/{ModelId} in {ElapsedMs} ms",
            answers.Count, answers.Count(a => a.Value == FeatureValue.True), answers.Count(a => a.Value == FeatureValue.Missing),
            Descriptor.Engine, Descriptor.ModelId, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new ExtractionOutput(answers, input.IncludeRawOutput ? raw : null);
    }

    /// <summary>The chat the model sees (exposed for tests and for prompt inspection tools).</summary>
    public ChatHistory BuildHistory(ExtractionInput input, IReadOnlyList<FeatureDefinition> features)
    {
        var history = new ChatHistory();
        if (_mode == PromptModes.Json)
        {
            history.AddSystemMessage(JsonSystemPrompt(features));
            history.AddUserMessage(input.Text);
            return history;
        }

        history.AddSystemMessage(SystemPrompt(features));
        var language = Languages.IsSupported(input.Language) ? input.Language : Languages.English;
        if ((_fewShot.GetValueOrDefault(language) ?? _fewShot.GetValueOrDefault(Languages.English)) is { } set)
        {
            foreach (var example in set.Examples.Take(3))
            {
                history.AddUserMessage(example.Text);
                history.AddAssistantMessage(StudyTemplate.Filled(features, example.Labels));
            }
        }
        history.AddUserMessage(input.Text);
        return history;
    }

    /// <summary>The study protocol's system message (in this project's words) with the empty template appended.</summary>
    public static string SystemPrompt(IReadOnlyList<FeatureDefinition> features)
    {
        var prompt = new StringBuilder();
        prompt.AppendLine("You are an expert in medical data extraction for cancer patients receiving palliative care.");
        prompt.AppendLine("Read the patient's condition given by the user and extract only the complications listed in the template below.");
        prompt.AppendLine("Rules:");
        prompt.AppendLine("1. Keep the structure of the template and the order of its fields exactly.");
        prompt.AppendLine("2. Fill each field with True or False only.");
        prompt.AppendLine("3. Answer True only when the text states the complication explicitly; infer nothing that is not explicitly stated.");
        prompt.AppendLine("4. Output nothing outside the template.");
        prompt.AppendLine();
        prompt.AppendLine("Template:");
        prompt.Append(StudyTemplate.Empty(features));
        return prompt.ToString();
    }

    /// <summary>The "json" mode's system message: feature keys with their definitions and the answer shape.</summary>
    public static string JsonSystemPrompt(IReadOnlyList<FeatureDefinition> features)
    {
        var prompt = new StringBuilder();
        prompt.AppendLine("You are an expert in medical data extraction for cancer patients receiving palliative care.");
        prompt.AppendLine("Read the patient's condition given by the user and decide, for each feature below, whether the text states it explicitly.");
        prompt.AppendLine("Infer nothing that is not explicitly stated; a negated, resolved or hypothetical complaint, or one about another person, is false.");
        prompt.AppendLine();
        prompt.AppendLine("Features:");
        foreach (var feature in features)
        {
            prompt.AppendLine($"- {feature.Key}: {feature.NameEn}. {feature.DefinitionEn}");
        }
        prompt.AppendLine();
        prompt.AppendLine("Answer with one JSON object and nothing else. It has one property per feature key, in the order above, each");
        prompt.AppendLine("{\"value\": true or false, \"evidence\": \"the exact words of the text that state it, copied verbatim\"}.");
        prompt.Append("Use an empty evidence string when the value is false.");
        return prompt.ToString();
    }

    public void Dispose()
    {
        if (_ownsBackend)
        {
            _backend.Dispose();
        }
    }
}
