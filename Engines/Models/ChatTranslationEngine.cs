using System.Diagnostics;
using System.Diagnostics.Metrics;
using ClinicalAspire.Domain.Text;
using ClinicalAspire.Engines.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SemanticKernel.ChatCompletion;

namespace ClinicalAspire.Engines.Models;

/// <summary>
/// Translates clinical notes (Persian to English) with a language model through Semantic Kernel. Long notes are split
/// at paragraph and sentence boundaries to fit <see cref="ModelEngineOptions.TranslationSegmentChars"/> and reassembled in
/// order. Output is cleaned of chat-template tokens and preambles; an empty or non-English answer raises
/// <see cref="EngineOutputException"/> whose message names the problem without clinical text.
/// </summary>
public sealed class ChatTranslationEngine : ITranslationEngine, IWarmUpEngine, IDisposable
{
    private readonly ModelChatBackend _backend;
    private readonly bool _ownsBackend;
    private readonly ModelEngineOptions _options;
    private readonly ILogger _logger;

    public ChatTranslationEngine(ModelChatBackend backend, ILogger<ChatTranslationEngine>? logger = null, bool ownsBackend = true)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _backend = backend;
        _ownsBackend = ownsBackend;
        _options = backend.Options;
        _options.ThrowIfInvalid(requirePromptMode: false);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var promptVersion = "translate-" + PromptHash.Of(
            SystemPrompt(Languages.Persian, Languages.English), _options.TranslationSegmentChars.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _options.DecodingFingerprint);
        Descriptor = new EngineDescriptor(
            backend.Engine,
            backend.ModelId,
            promptVersion,
            $"Language model {backend.ModelId} ({(backend.Engine == ModelEngineKinds.Onnx ? "local ONNX Runtime GenAI" : "OpenAI-compatible server")}) translating Persian clinical notes to English.",
            backend.ExecutionProvider);
    }

    /// <summary>Builds the backend from <paramref name="options"/> and owns it.</summary>
    public static ChatTranslationEngine Create(
        ModelEngineOptions options, ILoggerFactory? loggerFactory = null, HttpMessageHandler? httpHandler = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid(requirePromptMode: false);
        var backend = ModelChatBackend.Create(options, loggerFactory, httpHandler, meterFactory);
        try
        {
            return new ChatTranslationEngine(backend, loggerFactory?.CreateLogger<ChatTranslationEngine>());
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }

    public EngineDescriptor Descriptor { get; }

    public Task WarmUpAsync(CancellationToken cancellationToken) => _backend.WarmUpAsync(cancellationToken);

    public async Task<TranslationOutput> TranslateAsync(string text, string sourceLanguage, string targetLanguage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!string.Equals(targetLanguage, Languages.English, StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException($"the language-model translator writes English only (asked for '{targetLanguage}')");
        }
        if (string.IsNullOrWhiteSpace(text))
        {
            return new TranslationOutput(string.Empty, IsGloss: false, UnknownWords: 0, Segments: 0);
        }
        if (string.Equals(sourceLanguage, Languages.English, StringComparison.OrdinalIgnoreCase))
        {
            return new TranslationOutput(text, IsGloss: false, UnknownWords: 0, Segments: 0);
        }

        var started = Stopwatch.GetTimestamp();
        var segments = TranslationSegmenter.Split(text, _options.TranslationSegmentChars);
        var translated = new List<string>(segments.Count);
        var calls = new List<ModelCallRecord>(segments.Count);
        var system = SystemPrompt(sourceLanguage, targetLanguage);
        for (int i = 0; i < segments.Count; i++)
        {
            var history = new ChatHistory();
            history.AddSystemMessage(system);
            history.AddUserMessage(segments[i].Text);
            // Room for an English rendering several times longer in tokens than the Persian source in characters.
            int budget = Math.Max(_options.MaxNewTokens, Math.Min(8192, segments[i].Text.Length * 2));
            var call = await _backend.CallAsync(history, _backend.CreateSettings(budget), "translate", cancellationToken, segment: i).ConfigureAwait(false);
            calls.Add(call);
            translated.Add(CleanTranslation(call.RawOutput, i, segments.Count));
        }

        _logger.LogInformation("Translated {Chars} chars in {Segments} segments with {Engine}/{ModelId} in {ElapsedMs} ms",
            text.Length, segments.Count, Descriptor.Engine, Descriptor.ModelId, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new TranslationOutput(TranslationSegmenter.Join(segments, translated), IsGloss: false, UnknownWords: 0, Segments: segments.Count)
        {
            Calls = calls,
        };
    }

    /// <summary>The instruction for a faithful clinical translation.</summary>
    public static string SystemPrompt(string sourceLanguage, string targetLanguage) =>
        $"You are a professional medical translator. Translate the user's clinical note from {LanguageName(sourceLanguage)} to {LanguageName(targetLanguage)}.\n" +
        "Translate faithfully and completely: add nothing, omit nothing, do not summarise or explain.\n" +
        "Keep every number, date, dose, unit and drug name exactly as written.\n" +
        $"Output only the {LanguageName(targetLanguage)} translation, with no preamble, notes or quotation marks.";

    /// <summary>
    /// Cleans one segment's output: chat-template tokens, code fences, "Translation:" preambles. Throws
    /// <see cref="EngineOutputException"/> when nothing is left or when the text is clearly not English.
    /// </summary>
    public static string CleanTranslation(string? raw, int segment = 0, int segments = 1)
    {
        var text = ModelOutputCleaner.StripChatArtefacts(raw);
        text = ModelOutputCleaner.UnwrapCodeFence(text);
        text = ModelOutputCleaner.StripTranslationPreamble(text);
        text = ModelOutputCleaner.StripChatArtefacts(text);
        var where = segments > 1 ? $" for segment {segment + 1} of {segments}" : string.Empty;
        if (text.Length == 0)
        {
            throw new EngineOutputException($"the model returned an empty translation{where}");
        }
        int latin = 0, arabicScript = 0, letters = 0;
        foreach (var c in text)
        {
            if (!char.IsLetter(c))
            {
                continue;
            }
            letters++;
            if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z')
            {
                latin++;
            }
            else if (c is >= '\u0600' and <= '\u06FF' or >= '\u0750' and <= '\u077F' or >= '\uFB50' and <= '\uFDFF' or >= '\uFE70' and <= '\uFEFF')
            {
                arabicScript++;
            }
        }
        if (letters == 0)
        {
            throw new EngineOutputException($"the model's translation{where} contains no letters");
        }
        if (arabicScript * 2 > letters)
        {
            throw new EngineOutputException($"the model's translation{where} is not English: most of its letters are Arabic-script ({arabicScript} of {letters})");
        }
        if (latin * 2 < letters)
        {
            throw new EngineOutputException($"the model's translation{where} is not English: fewer than half of its letters are Latin ({latin} of {letters})");
        }
        return text;
    }

    private static string LanguageName(string code) => code.ToLowerInvariant() switch
    {
        Languages.Persian => "Persian (Farsi)",
        Languages.English => "English",
        _ => code,
    };

    public void Dispose()
    {
        if (_ownsBackend)
        {
            _backend.Dispose();
        }
    }
}
