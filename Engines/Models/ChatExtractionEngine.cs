using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using ClinicalAspire.Domain.Extraction;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Models.Prompts;
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
public sealed class ChatExtractionEngine : IFeatureExtractionEngine, IWarmUpEngine, IDisposable
{
    private readonly ModelChatBackend _backend;
    private readonly bool _ownsBackend;
    private readonly ModelEngineOptions _options;
    private readonly FeatureCatalogue _catalogue;
    private readonly ILogger _logger;
    private readonly PromptProfile? _prompt;
    private readonly string _mode;

    public ChatExtractionEngine(ModelChatBackend backend, FeatureCatalogue? catalogue = null, ILogger<ChatExtractionEngine>? logger = null, bool ownsBackend = true)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _backend = backend;
        _ownsBackend = ownsBackend;
        _options = backend.Options;
        _catalogue = catalogue ?? FeatureCatalogue.Default;
        _options.ThrowIfInvalid(features: _catalogue.Features);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _mode = _options.PromptMode.Trim().ToLowerInvariant();
        if (_mode == PromptModes.Study)
        {
            _prompt = PromptProfile.Load(_options.PromptProfile is { Length: > 0 } named ? named : PromptProfile.Project, _catalogue);
            if (!string.IsNullOrWhiteSpace(_options.FewShotPath))
            {
                var folder = _options.FewShotPath;
                _prompt = _prompt.WithExamples(language => FewShotLibrary.Load(language, folder) is { Source: "file" } set ? set : null);
            }
        }

        // Everything that shapes the answer: mode, prompt (every file of the profile), decoding, catalogue.
        var promptVersion = $"{_mode}-" + PromptHash.Of(
            _mode,
            _mode == PromptModes.Json ? JsonSystemPrompt(_catalogue.Features, _options.MaxNewTokens) : _prompt!.Version,
            _options.ConstrainedDecoding ? "constrained" : "free",
            _options.DecodingFingerprint, _catalogue.Version);
        var what = _mode == PromptModes.Study
            ? $"the few-shot True/False template prompt (prompt profile '{_prompt!.Name}')"
            : "a JSON-schema prompt with evidence quotes";
        Descriptor = new EngineDescriptor(
            backend.Engine,
            backend.ModelId,
            promptVersion,
            $"Language model {backend.ModelId} ({(backend.Engine == ModelEngineKinds.Onnx ? "local ONNX Runtime GenAI" : "OpenAI-compatible server")}) extracting features with {what}.",
            backend.ExecutionProvider);
    }

    /// <summary>Builds the backend from <paramref name="options"/> and owns it.</summary>
    public static ChatExtractionEngine Create(
        ModelEngineOptions options, FeatureCatalogue? catalogue = null, ILoggerFactory? loggerFactory = null, HttpMessageHandler? httpHandler = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Before the model loads: a json-mode token budget that cannot hold an answer fails here, naming the numbers.
        options.ThrowIfInvalid(features: (catalogue ?? FeatureCatalogue.Default).Features);
        var backend = ModelChatBackend.Create(options, loggerFactory, httpHandler, meterFactory);
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

    public Task WarmUpAsync(CancellationToken cancellationToken) => _backend.WarmUpAsync(cancellationToken);

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
            ? _backend.CreateSettings(jsonSchema: _options.ConstrainedDecoding
                ? JsonAnswers.Schema(features, JsonAnswerBudget.For(features, _options.MaxNewTokens).EvidenceMaxLength, forGuidance: _backend.Engine == ModelEngineKinds.Onnx)
                : null, schemaName: "clinical_features")
            : _backend.CreateSettings();
        var call = await _backend.CallAsync(history, settings, "extract", cancellationToken).ConfigureAwait(false);
        var raw = call.RawOutput;

        IReadOnlyList<FeatureAnswer> answers;
        if (_mode == PromptModes.Json)
        {
            answers = JsonAnswers.Parse(raw, features, input.Text, out bool complete);
            if (!complete || call.IsTruncated)
            {
                // Counts only: the cut answer itself is clinical text. The call record keeps the finish reason for the audit.
                _logger.LogWarning(
                    "The JSON answer of {Engine}/{ModelId} was incomplete (finish {FinishReason}, {CompletionTokens} tokens): {Read} of {Features} features read from it, the rest missing",
                    Descriptor.Engine, Descriptor.ModelId, call.FinishReason, call.CompletionTokens,
                    answers.Count(a => a.Value != FeatureValue.Missing), answers.Count);
            }
        }
        else
        {
            answers = _prompt!.Parse(raw, _prompt.For(NoteLanguage(input)), features, ModelOutputCleaner.StripChatArtefacts);
        }

        _logger.LogInformation(
            "Extracted {Features} features ({Positive} true, {Missing} missing) with {Engine}/{ModelId} in {ElapsedMs} ms",
            answers.Count, answers.Count(a => a.Value == FeatureValue.True), answers.Count(a => a.Value == FeatureValue.Missing),
            Descriptor.Engine, Descriptor.ModelId, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new ExtractionOutput(answers, input.IncludeRawOutput ? raw : null) { Calls = input.IncludeRawOutput ? [call] : [] };
    }

    private static string NoteLanguage(ExtractionInput input) =>
        Languages.IsSupported(input.Language) ? input.Language : Languages.English;

    /// <summary>The chat the model sees (exposed for tests and for prompt inspection tools).</summary>
    public ChatHistory BuildHistory(ExtractionInput input, IReadOnlyList<FeatureDefinition> features)
    {
        var history = new ChatHistory();
        if (_mode == PromptModes.Json)
        {
            history.AddSystemMessage(JsonSystemPrompt(features, _options.MaxNewTokens));
            history.AddUserMessage(input.Text);
            return history;
        }

        // The few-shot chat of the prompt profile, in the note's language: the same example notes in every language.
        var prompt = _prompt!.For(NoteLanguage(input));
        history.AddSystemMessage(_prompt.SystemMessage(prompt, features));
        foreach (var example in prompt.Examples.Examples)
        {
            history.AddUserMessage(PromptProfile.UserTurn(prompt, example.Text));
            history.AddAssistantMessage(_prompt.FilledTemplate(prompt, features, example.Labels));
        }
        history.AddUserMessage(PromptProfile.UserTurn(prompt, input.Text));
        return history;
    }

    /// <summary>The prompt profile of the "study" mode (null in "json" mode).</summary>
    public PromptProfile? PromptProfile => _prompt;

    /// <summary>The "json" mode's system message: feature keys with their definitions and the answer shape.</summary>
    /// <param name="maxNewTokens">The token budget, which bounds each evidence quote (told to the model, so it picks a quote that fits).</param>
    public static string JsonSystemPrompt(IReadOnlyList<FeatureDefinition> features, int maxNewTokens)
    {
        int evidenceChars = JsonAnswerBudget.For(features, maxNewTokens).EvidenceMaxLength;
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
        prompt.AppendLine($"{{\"value\": true or false, \"evidence\": \"the exact words of the text that state it, copied verbatim, at most {evidenceChars} characters\"}}.");
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
