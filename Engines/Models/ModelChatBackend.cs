using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using ClinicalAspire.Engines.Abstractions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntimeGenAI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI;

namespace ClinicalAspire.Engines.Models;

/// <summary>
/// One language model reached through Semantic Kernel's <see cref="IChatCompletionService"/>: a local ONNX Runtime
/// GenAI folder (our <see cref="GenAiChatClient"/>, with shared-prefix reuse, exposed with <c>AsChatCompletionService()</c>)
/// or an OpenAI-compatible server (SK's OpenAI connector with a custom endpoint). Owns the native model: dispose it
/// once (engines that own a backend are singletons).
/// </summary>
public sealed class ModelChatBackend : IDisposable
{
    private readonly IDisposable[] _owned;
    private readonly SemaphoreSlim? _gate;
    private readonly ILogger _logger;
    private readonly ModelEngineMetrics _metrics;
    private int _disposed;

    private ModelChatBackend(
        IChatCompletionService service, string engine, string modelId, string executionProvider,
        ModelEngineOptions options, ILogger logger, ModelEngineMetrics metrics, params IDisposable[] owned)
    {
        Service = service;
        Engine = engine;
        ModelId = modelId;
        ExecutionProvider = executionProvider;
        Options = options;
        _logger = logger;
        _metrics = metrics;
        _owned = owned;
        int limit = options.EffectiveMaxConcurrency;
        _gate = limit > 0 ? new SemaphoreSlim(limit, limit) : null;
    }

    /// <summary>The Semantic Kernel chat completion service every model call goes through.</summary>
    public IChatCompletionService Service { get; }

    /// <summary>"onnx" or "openai".</summary>
    public string Engine { get; }

    /// <summary>Model folder name and content hash (onnx, <see cref="ModelIdentity"/>) or served model name (openai).</summary>
    public string ModelId { get; }

    /// <summary>"cpu" or "cuda" for local models; empty for a server.</summary>
    public string ExecutionProvider { get; }

    public ModelEngineOptions Options { get; }

    /// <summary>Builds the backend named by <paramref name="options"/> (validated first).</summary>
    /// <param name="httpHandler">OpenAI route only: the handler used to reach the server (tests, proxies).</param>
    /// <param name="meterFactory">Where the prefill-token histogram goes (<see cref="ModelEngineMetrics"/>); null: a shared meter.</param>
    public static ModelChatBackend Create(
        ModelEngineOptions options, ILoggerFactory? loggerFactory = null, HttpMessageHandler? httpHandler = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid(requirePromptMode: false);
        var logger = (ILogger?)loggerFactory?.CreateLogger<ModelChatBackend>() ?? NullLogger.Instance;
        var metrics = new ModelEngineMetrics(meterFactory);
        return options.IsOnnx ? CreateOnnx(options, logger, metrics) : CreateOpenAI(options, logger, metrics, httpHandler);
    }

    private static ModelChatBackend CreateOnnx(ModelEngineOptions options, ILogger logger, ModelEngineMetrics metrics)
    {
        var path = Path.GetFullPath(options.ModelPath!);
        var provider = options.IsCuda ? "cuda" : "cpu";
        var started = Stopwatch.GetTimestamp();
        // Hashing first also brings the weights into the page cache the load then reads from.
        var (modelId, fromManifest) = ModelIdentity.Of(path);
        var identified = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var config = new Config(path);
        GenAiChatClient client;
        try
        {
            // The execution provider comes from configuration, not from genai_config.json.
            config.ClearProviders();
            if (options.IsCuda)
            {
                config.AppendProvider("cuda");
            }
            // Pool size = calls at once (the gate below), so each concurrent call can keep its own prefix.
            client = new GenAiChatClient(config, path, options.PrefixReuse, Math.Max(1, options.EffectiveMaxConcurrency), options.MaxNewTokens, logger);
        }
        catch (OnnxRuntimeGenAIException ex) when (options.IsCuda)
        {
            config.Dispose();
            throw new ModelEngineConfigurationException(
            [
                "Engine:ExecutionProvider is 'cuda' but ONNX Runtime GenAI could not start CUDA " +
                $"({ex.Message}). GPU images must be built with -p:OnnxRuntimeFlavor=Cuda and have CUDA 12 and cuDNN 9.",
            ]);
        }
        catch
        {
            config.Dispose();
            throw;
        }

        var service = ((IChatClient)client).AsChatCompletionService();
        logger.LogInformation("Loaded ONNX Runtime GenAI model {ModelId} on {ExecutionProvider} in {ElapsedMs} ms (prefix reuse {PrefixReuse}; content id from {IdSource} in {IdentifyMs} ms)",
            modelId, provider, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, options.PrefixReuse,
            fromManifest ? ModelIdentity.ManifestFileName : "the files' SHA-256", identified);
        // Disposing the client disposes its generators, model, tokenizer and config.
        return new ModelChatBackend(service, ModelEngineKinds.Onnx, modelId, provider, options, logger, metrics, client);
    }

    private static ModelChatBackend CreateOpenAI(ModelEngineOptions options, ILogger logger, ModelEngineMetrics metrics, HttpMessageHandler? handler)
    {
        // The connector's own timeout is the outer bound; each call also has a linked token with RequestTimeout.
        // Retries with backoff and jitter live in our handler (ModelServerResilience); the SDK's own are turned off.
        var httpClient = new HttpClient(ModelServerResilience.CreateHandler(logger, handler), disposeHandler: handler is null);
        httpClient.Timeout = options.RequestTimeout + TimeSpan.FromSeconds(30);
        var apiKey = string.IsNullOrWhiteSpace(options.ApiKey) ? "unused" : options.ApiKey;
        // An OpenAIClient with a custom endpoint (vLLM, Ollama, llama.cpp server) handed to SK's OpenAI connector:
        // the same as AddOpenAIChatCompletion(modelId, endpoint, apiKey) without its experimental overload.
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = new Uri(options.Endpoint!),
            Transport = new HttpClientPipelineTransport(httpClient),
            NetworkTimeout = options.RequestTimeout,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        var openAiClient = new OpenAIClient(new ApiKeyCredential(apiKey), clientOptions);
        // No logger factory on purpose: at Trace level the connector logs the whole chat history (clinical text).
        var service = new OpenAIChatCompletionService(options.Model!, openAiClient, loggerFactory: null);
        return new ModelChatBackend(service, ModelEngineKinds.OpenAI, options.Model!, string.Empty, options, logger, metrics, httpClient);
    }

    /// <summary>
    /// Execution settings for one call: greedy when Temperature is 0, at most <paramref name="maxNewTokens"/> tokens,
    /// fixed seed, and (when <paramref name="jsonSchema"/> is given) output constrained by a JSON schema.
    /// </summary>
    public PromptExecutionSettings CreateSettings(int? maxNewTokens = null, JsonElement? jsonSchema = null, string schemaName = "answer")
    {
        int maxTokens = maxNewTokens ?? Options.MaxNewTokens;
        if (Engine == ModelEngineKinds.OpenAI)
        {
            var settings = new OpenAIPromptExecutionSettings
            {
                Temperature = Options.Temperature,
                MaxTokens = maxTokens,
                Seed = Options.Seed,
            };
            if (jsonSchema is { } schema)
            {
                settings.ResponseFormat = OpenAI.Chat.ChatResponseFormat.CreateJsonSchemaFormat(
                    schemaName, BinaryData.FromString(schema.GetRawText()), jsonSchemaFormatDescription: null, jsonSchemaIsStrict: true);
            }
            return settings;
        }

        // The M.E.AI adapter turns these ExtensionData keys into ChatOptions (max_tokens -> MaxOutputTokens,
        // seed -> Seed, response_format JsonElement -> ChatResponseFormat.ForJsonSchema);
        // GenAiChatClient then sets random_seed, guidance("json_schema") and the token budget. Other keys reach
        // GenAI as search options.
        var extension = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase)
        {
            ["max_tokens"] = maxTokens,
            ["seed"] = Options.Seed,
        };
        if (Options.Temperature <= 0)
        {
            extension["do_sample"] = false;
        }
        else
        {
            extension["do_sample"] = true;
            extension["temperature"] = (float)Options.Temperature;
        }
        if (Options.RepetitionPenalty is { } penalty)
        {
            extension["repetition_penalty"] = penalty;
        }
        if (jsonSchema is { } onnxSchema)
        {
            extension["response_format"] = onnxSchema;
        }
        return new PromptExecutionSettings { ExtensionData = extension };
    }

    /// <summary>
    /// One chat completion through Semantic Kernel, bounded by the concurrency gate and <see cref="ModelEngineOptions.RequestTimeout"/>.
    /// Returns the raw text (possibly empty). Logs sizes and durations only, never text.
    /// </summary>
    public async Task<string> CompleteAsync(ChatHistory history, PromptExecutionSettings settings, string operation, CancellationToken cancellationToken) =>
        (await CallAsync(history, settings, operation, cancellationToken).ConfigureAwait(false)).RawOutput;

    /// <summary>
    /// One chat completion, as <see cref="CompleteAsync"/>, with what the audit needs: the raw text, why generation stopped,
    /// prompt and completion tokens, latency (from the call's start, the wait for a free slot excluded).
    /// </summary>
    public async Task<ModelCallRecord> CallAsync(ChatHistory history, PromptExecutionSettings settings, string operation, CancellationToken cancellationToken, int segment = 0)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.RequestTimeout);
        var started = Stopwatch.GetTimestamp();
        bool entered = false;
        try
        {
            if (_gate is not null)
            {
                await _gate.WaitAsync(timeout.Token).ConfigureAwait(false);
                entered = true;
            }
            var called = Stopwatch.GetTimestamp();
            var message = await Service.GetChatMessageContentAsync(history, settings, kernel: null, timeout.Token).ConfigureAwait(false);
            var text = message.Content ?? string.Empty;
            var (finish, promptTokens, completionTokens) = ModelCallMetadata.Read(message);
            var prefill = ModelCallMetadata.ReadPrefill(message, promptTokens);
            var latency = Stopwatch.GetElapsedTime(called).TotalMilliseconds;
            _metrics.Prefilled(Engine, ModelId, operation, prefill);
            _logger.LogDebug("{Operation} on {Engine}/{ModelId}: {Messages} messages, {OutputChars} output chars, finish {FinishReason}, {PromptTokens}+{CompletionTokens} tokens ({PrefillTokens} prefilled) in {ElapsedMs} ms",
                operation, Engine, ModelId, history.Count, text.Length, finish, promptTokens, completionTokens, prefill, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return new ModelCallRecord(operation, text, finish, promptTokens, completionTokens, latency, segment, prefill);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The model call ({operation}) took longer than Engine:RequestTimeout ({Options.RequestTimeout}).");
        }
        finally
        {
            if (entered)
            {
                _gate!.Release();
            }
        }
    }

    /// <summary>
    /// One generation of a single token on a one-word prompt: loads the weights into memory (ONNX) or proves the server
    /// serves this model (OpenAI), so the first real request does not pay for it and a model that cannot answer shows at start.
    /// </summary>
    public Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var history = new ChatHistory();
        history.AddUserMessage("Hello");
        return CallAsync(history, CreateSettings(maxNewTokens: 1), "warmup", cancellationToken);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
        _gate?.Dispose();
    }
}
