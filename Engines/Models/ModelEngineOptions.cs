using System.Globalization;
using ClinicalAspire.Domain.Features;
using Microsoft.Extensions.Configuration;

namespace ClinicalAspire.Engines.Models;

/// <summary>Which backend runs the language model.</summary>
public static class ModelEngineKinds
{
    /// <summary>A local ONNX Runtime GenAI model folder.</summary>
    public const string Onnx = "onnx";

    /// <summary>An OpenAI-compatible chat completions server (vLLM, Ollama, llama.cpp server).</summary>
    public const string OpenAI = "openai";
}

/// <summary>How the extraction prompt is built and read.</summary>
public static class PromptModes
{
    /// <summary>The study's protocol: 3-shot chat, brace-wrapped True/False template.</summary>
    public const string Study = "study";

    /// <summary>A JSON object constrained by a JSON schema, with an evidence quote per feature.</summary>
    public const string Json = "json";
}

/// <summary>
/// Settings of a language-model engine, bound from the configuration section "Engine" of a service
/// (e.g. <c>Engine__Kind=onnx</c>, <c>Engine__ModelPath=/models/qwen2.5-7b</c>).
/// </summary>
public sealed class ModelEngineOptions
{
    public const string SectionName = "Engine";

    /// <summary>"onnx" (local ONNX Runtime GenAI folder) or "openai" (OpenAI-compatible server).</summary>
    public string Kind { get; set; } = ModelEngineKinds.Onnx;

    /// <summary>ONNX Runtime GenAI model folder (genai_config.json, model.onnx, tokenizer files).</summary>
    public string? ModelPath { get; set; }

    /// <summary>"cpu" (default) or "cuda" (needs an image built with -p:OnnxRuntimeFlavor=Cuda).</summary>
    public string ExecutionProvider { get; set; } = "cpu";

    /// <summary>Base address of the OpenAI-compatible server, e.g. http://vllm:8000/v1.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Served model name (OpenAI-compatible route).</summary>
    public string? Model { get; set; }

    /// <summary>API key of the server; optional (vLLM and Ollama accept any).</summary>
    public string? ApiKey { get; set; }

    /// <summary>"study" or "json" (extraction only).</summary>
    public string PromptMode { get; set; } = PromptModes.Study;

    /// <summary>
    /// Tokens the model may write per call. In "json" mode it must hold the whole answer: the evidence quotes' maxLength is
    /// derived from it, and a budget too small for the extractor's features fails at start (<see cref="JsonAnswerBudget"/>).
    /// </summary>
    public int MaxNewTokens { get; set; } = 512;

    public long Seed { get; set; } = 42;

    /// <summary>0 means greedy decoding.</summary>
    public double Temperature { get; set; }

    /// <summary>Time allowed for one model call (one note, or one translation segment).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Prompt profile of the "study" mode: a built-in name ("project", "study") or a folder laid out like
    /// data/prompts/study (system text, template layout, lead-in, field names per language, examples, parser mode).
    /// Empty: "project", or the few-shot folder in <see cref="FewShotPath"/> when that is set.
    /// </summary>
    public string? PromptProfile { get; set; }

    /// <summary>Repetition penalty (ONNX Runtime GenAI's search option); null leaves the model's default.</summary>
    public double? RepetitionPenalty { get; set; }

    /// <summary>
    /// Folder with few-shot sets ({language}.json, format fewshot.v1); empty = the sets embedded in the assembly.
    /// </summary>
    public string? FewShotPath { get; set; }

    /// <summary>Largest source segment (characters) sent to the model in one translation call.</summary>
    public int TranslationSegmentChars { get; set; } = 1200;

    /// <summary>
    /// Model calls allowed at once; 0 = unlimited. Default when unset: 1 for "onnx" (one generator at a time on
    /// the local device), unlimited for "openai" (the server batches).
    /// </summary>
    public int? MaxConcurrency { get; set; }

    /// <summary>
    /// In "json" mode, constrain decoding with the JSON schema (GenAI guidance / json_schema response_format).
    /// Turn off for servers or models that do not support it; the parser stays tolerant either way.
    /// </summary>
    public bool ConstrainedDecoding { get; set; } = true;

    /// <summary>
    /// ONNX route: keep a few generators and reuse the prompt prefix they already read (system text, template, examples), so
    /// each note reads only what differs. Off: every call reads its whole prompt (for measuring). Greedy answers are the
    /// same either way, so it is not part of <see cref="DecodingFingerprint"/>. Servers do their own (vLLM prefix caching).
    /// </summary>
    public bool PrefixReuse { get; set; } = true;

    /// <summary>
    /// Decoding settings that change answers (temperature, seed, token budget, repetition penalty): part of both engines'
    /// prompt versions, so two profiles of one model with different decoding never share results or cache entries.
    /// </summary>
    public string DecodingFingerprint =>
        string.Create(CultureInfo.InvariantCulture, $"t={Temperature};seed={Seed};max={MaxNewTokens};rp={RepetitionPenalty}");

    public int EffectiveMaxConcurrency => MaxConcurrency ?? (IsOnnx ? 1 : 0);

    public bool IsOnnx => string.Equals(Kind, ModelEngineKinds.Onnx, StringComparison.OrdinalIgnoreCase);

    public bool IsCuda => string.Equals(ExecutionProvider, "cuda", StringComparison.OrdinalIgnoreCase);

    /// <summary>Problems with these settings, in words an operator can act on; empty when valid.</summary>
    /// <param name="features">
    /// The extractor's features, when known (engine creation): in "json" mode, <see cref="MaxNewTokens"/> must hold an answer
    /// about all of them.
    /// </param>
    public IReadOnlyList<string> Validate(bool requirePromptMode = true, IReadOnlyList<FeatureDefinition>? features = null)
    {
        var errors = new List<string>();
        var kind = Kind?.Trim().ToLowerInvariant();
        if (kind is not (ModelEngineKinds.Onnx or ModelEngineKinds.OpenAI))
        {
            errors.Add($"Engine:Kind must be 'onnx' or 'openai' (got '{Kind}').");
        }
        if (kind == ModelEngineKinds.Onnx)
        {
            if (string.IsNullOrWhiteSpace(ModelPath))
            {
                errors.Add("Engine:ModelPath is required when Engine:Kind is 'onnx' (an ONNX Runtime GenAI model folder).");
            }
            else if (!Directory.Exists(ModelPath))
            {
                errors.Add($"Engine:ModelPath '{ModelPath}' does not exist.");
            }
            else if (!File.Exists(Path.Combine(ModelPath, "genai_config.json")))
            {
                errors.Add($"Engine:ModelPath '{ModelPath}' has no genai_config.json: it is not an ONNX Runtime GenAI model folder.");
            }
            if (ExecutionProvider?.Trim().ToLowerInvariant() is not ("cpu" or "cuda"))
            {
                errors.Add($"Engine:ExecutionProvider must be 'cpu' or 'cuda' (got '{ExecutionProvider}').");
            }
        }
        if (kind == ModelEngineKinds.OpenAI)
        {
            if (string.IsNullOrWhiteSpace(Endpoint))
            {
                errors.Add("Engine:Endpoint is required when Engine:Kind is 'openai' (e.g. http://vllm:8000/v1).");
            }
            else if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                errors.Add($"Engine:Endpoint '{Endpoint}' must be an absolute http or https address.");
            }
            if (string.IsNullOrWhiteSpace(Model))
            {
                errors.Add("Engine:Model (the served model name) is required when Engine:Kind is 'openai'.");
            }
        }
        if (requirePromptMode && PromptMode?.Trim().ToLowerInvariant() is not (PromptModes.Study or PromptModes.Json))
        {
            errors.Add($"Engine:PromptMode must be 'study' or 'json' (got '{PromptMode}').");
        }
        if (MaxNewTokens is < 1 or > 32768)
        {
            errors.Add($"Engine:MaxNewTokens must be between 1 and 32768 (got {MaxNewTokens}).");
        }
        else if (features is not null && string.Equals(PromptMode?.Trim(), PromptModes.Json, StringComparison.OrdinalIgnoreCase)
                 && JsonAnswerBudget.For(features, MaxNewTokens).Problem is { } tooSmall)
        {
            errors.Add(tooSmall);
        }
        if (double.IsNaN(Temperature) || Temperature is < 0 or > 2)
        {
            errors.Add($"Engine:Temperature must be between 0 and 2 (got {Temperature.ToString(CultureInfo.InvariantCulture)}); 0 is greedy.");
        }
        if (RequestTimeout <= TimeSpan.Zero)
        {
            errors.Add($"Engine:RequestTimeout must be positive (got {RequestTimeout}).");
        }
        if (TranslationSegmentChars is < 100 or > 100_000)
        {
            errors.Add($"Engine:TranslationSegmentChars must be between 100 and 100000 (got {TranslationSegmentChars}).");
        }
        if (MaxConcurrency is < 0)
        {
            errors.Add($"Engine:MaxConcurrency must be 0 (unlimited) or more (got {MaxConcurrency}).");
        }
        if (RepetitionPenalty is { } penalty)
        {
            if (kind == ModelEngineKinds.OpenAI)
            {
                errors.Add("Engine:RepetitionPenalty is only available on the onnx engine (the OpenAI API has no such parameter).");
            }
            else if (!double.IsFinite(penalty) || penalty is <= 0 or > 10)
            {
                errors.Add($"Engine:RepetitionPenalty must be above 0 and at most 10 (got {penalty.ToString(CultureInfo.InvariantCulture)}).");
            }
        }
        if (!string.IsNullOrWhiteSpace(FewShotPath) && !Directory.Exists(FewShotPath))
        {
            errors.Add($"Engine:FewShotPath '{FewShotPath}' does not exist.");
        }
        return errors;
    }

    /// <summary>Throws <see cref="ModelEngineConfigurationException"/> listing every problem.</summary>
    public void ThrowIfInvalid(bool requirePromptMode = true, IReadOnlyList<FeatureDefinition>? features = null)
    {
        var errors = Validate(requirePromptMode, features);
        if (errors.Count > 0)
        {
            throw new ModelEngineConfigurationException(errors);
        }
    }

    /// <summary>
    /// Reads the options from a configuration section (the "Engine" section of a service), with clear messages for
    /// values that are not numbers or durations. Keys are case-insensitive; unknown keys are ignored.
    /// </summary>
    public static ModelEngineOptions FromConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var options = new ModelEngineOptions();
        var errors = new List<string>();
        options.Kind = section[nameof(Kind)] is { Length: > 0 } kind ? kind.Trim() : options.Kind;
        options.ModelPath = section[nameof(ModelPath)] ?? options.ModelPath;
        options.ExecutionProvider = section[nameof(ExecutionProvider)] is { Length: > 0 } ep ? ep.Trim() : options.ExecutionProvider;
        options.Endpoint = section[nameof(Endpoint)] ?? options.Endpoint;
        options.Model = section[nameof(Model)] ?? options.Model;
        options.ApiKey = section[nameof(ApiKey)] ?? options.ApiKey;
        options.PromptMode = section[nameof(PromptMode)] is { Length: > 0 } mode ? mode.Trim() : options.PromptMode;
        options.FewShotPath = section[nameof(FewShotPath)] ?? options.FewShotPath;
        options.PromptProfile = section[nameof(PromptProfile)] is { Length: > 0 } profile ? profile.Trim() : options.PromptProfile;
        if (section[nameof(RepetitionPenalty)] is { Length: > 0 } penaltyText)
        {
            if (double.TryParse(penaltyText, NumberStyles.Float, CultureInfo.InvariantCulture, out var penalty))
            {
                options.RepetitionPenalty = penalty;
            }
            else
            {
                errors.Add($"Engine:RepetitionPenalty '{penaltyText}' is not a number.");
            }
        }
        options.MaxNewTokens = ReadInt(nameof(MaxNewTokens)) ?? options.MaxNewTokens;
        options.Seed = ReadLong(nameof(Seed)) ?? options.Seed;
        options.TranslationSegmentChars = ReadInt(nameof(TranslationSegmentChars)) ?? options.TranslationSegmentChars;
        options.MaxConcurrency = ReadInt(nameof(MaxConcurrency)) ?? options.MaxConcurrency;
        if (section[nameof(Temperature)] is { Length: > 0 } temperature)
        {
            if (double.TryParse(temperature, NumberStyles.Float, CultureInfo.InvariantCulture, out var t))
            {
                options.Temperature = t;
            }
            else
            {
                errors.Add($"Engine:Temperature '{temperature}' is not a number.");
            }
        }
        if (section[nameof(RequestTimeout)] is { Length: > 0 } timeout)
        {
            if (TimeSpan.TryParse(timeout, CultureInfo.InvariantCulture, out var span))
            {
                options.RequestTimeout = span;
            }
            else if (double.TryParse(timeout, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            {
                options.RequestTimeout = TimeSpan.FromSeconds(seconds);
            }
            else
            {
                errors.Add($"Engine:RequestTimeout '{timeout}' is neither a duration (00:05:00) nor a number of seconds.");
            }
        }
        if (section[nameof(ConstrainedDecoding)] is { Length: > 0 } constrained)
        {
            if (bool.TryParse(constrained, out var c))
            {
                options.ConstrainedDecoding = c;
            }
            else
            {
                errors.Add($"Engine:ConstrainedDecoding '{constrained}' must be true or false.");
            }
        }
        if (section[nameof(PrefixReuse)] is { Length: > 0 } reuse)
        {
            if (bool.TryParse(reuse, out var r))
            {
                options.PrefixReuse = r;
            }
            else
            {
                errors.Add($"Engine:PrefixReuse '{reuse}' must be true or false.");
            }
        }
        if (errors.Count > 0)
        {
            throw new ModelEngineConfigurationException(errors);
        }
        return options;

        int? ReadInt(string key)
        {
            if (section[key] is not { Length: > 0 } text)
            {
                return null;
            }
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
            errors.Add($"Engine:{key} '{text}' is not a whole number.");
            return null;
        }

        long? ReadLong(string key)
        {
            if (section[key] is not { Length: > 0 } text)
            {
                return null;
            }
            if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
            errors.Add($"Engine:{key} '{text}' is not a whole number.");
            return null;
        }
    }
}

/// <summary>The "Engine" settings cannot start an engine; the message lists every problem (no clinical text).</summary>
public sealed class ModelEngineConfigurationException(IReadOnlyList<string> errors)
    : Exception("Invalid language-model engine settings: " + string.Join(" ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
