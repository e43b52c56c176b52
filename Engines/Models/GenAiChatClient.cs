using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using ClinicalAspire.Engines.Abstractions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace ClinicalAspire.Engines.Models;

/// <summary>
/// The ONNX route's <see cref="IChatClient"/> (exposed to Semantic Kernel with <c>AsChatCompletionService()</c>): renders
/// the chat with the model's own template, exactly as the GenAI package's <c>OnnxRuntimeGenAIChatClient</c> does, and
/// generates with a hand-written loop over <see cref="Generator.GetNextTokens"/>.
/// <para>
/// Shared-prefix reuse: every note's prompt starts with the same system text and few-shot examples. A small
/// <see cref="GeneratorPool"/> keeps generators with the tokens they hold; a call takes the one sharing the longest prefix,
/// rewinds it there (<see cref="Generator.RewindTo"/>) and appends only the rest, so only the note is read again.
/// Greedy calls only: sampling draws from the generator's random state, which 0.18 cannot reseed, so a reused generator
/// would make a seeded answer depend on the calls before it; sampled calls get a fresh generator, as before.
/// </para>
/// <para>
/// Stops at EOS and at special end-of-turn tokens by id (no repeated last token), at end-of-turn markers written as text,
/// or at the token budget ("length"). The response carries the finish reason and the tokens actually prefilled
/// (<see cref="ModelCallMetadata.PrefillTokensKey"/>) on its message, and usage. Never logs text.
/// </para>
/// </summary>
public sealed class GenAiChatClient : IChatClient
{
    private readonly Config _config;
    private readonly Model _model;
    private readonly Tokenizer _tokenizer;
    private readonly GeneratorPool _pool;
    private readonly HashSet<int> _stopTokens;
    private readonly int _contextLength;
    private readonly int _defaultMaxNewTokens;
    private readonly ILogger _logger;
    private readonly ChatClientMetadata _metadata;
    private readonly int _longestMarker = ModelOutputCleaner.EndOfTurnMarkers.Max(m => m.Length);
    private volatile bool _reuse;
    private int _disposed;

    /// <summary>Loads the model of <paramref name="config"/>, which this client then owns.</summary>
    /// <param name="modelPath">The model folder (its genai_config.json tells the context length).</param>
    /// <param name="prefixReuse">Keep generators and reuse the prompt prefix they hold (false: a fresh generator per call).</param>
    /// <param name="poolSize">Idle generators kept: the backend's concurrency limit (at least 1).</param>
    /// <param name="defaultMaxNewTokens">Token budget of a call whose options name none.</param>
    public GenAiChatClient(Config config, string modelPath, bool prefixReuse, int poolSize, int defaultMaxNewTokens, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _model = new Model(config);
        try
        {
            _tokenizer = new Tokenizer(_model);
        }
        catch
        {
            _model.Dispose();
            throw;
        }
        _reuse = prefixReuse;
        _pool = new GeneratorPool(poolSize);
        _defaultMaxNewTokens = Math.Max(1, defaultMaxNewTokens);
        _logger = logger ?? NullLogger.Instance;
        _contextLength = ReadContextLength(modelPath);
        _stopTokens = StopTokens(_tokenizer);
        _metadata = new ChatClientMetadata("onnx", null, Path.GetFileName(modelPath.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)));
    }

    /// <summary>Whether calls may reuse a pooled generator's prefix (turned off for good if the model cannot rewind).</summary>
    public bool PrefixReuse => _reuse;

    /// <summary>The generator pool (tests look at what the idle generators hold).</summary>
    internal GeneratorPool Pool => _pool;

    /// <summary>Called after each generated token with the count so far (tests cancel mid-generation with it).</summary>
    internal Action<int>? TokenGenerated { get; set; }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var chat = messages.ToList();
        // Native calls block: keep them off the caller's thread.
        var result = await Task.Run(() => Generate(chat, options, cancellationToken), cancellationToken).ConfigureAwait(false);

        var finish = result.Finish == ModelCallRecord.Length ? ChatFinishReason.Length : ChatFinishReason.Stop;
        var message = new ChatMessage(ChatRole.Assistant, result.Text)
        {
            MessageId = Guid.NewGuid().ToString("N"),
            // Semantic Kernel's adapter keeps the message's properties but not the response's finish reason.
            AdditionalProperties = new AdditionalPropertiesDictionary
            {
                [ModelCallMetadata.FinishReasonKey] = finish,
                [ModelCallMetadata.PrefillTokensKey] = result.PrefillTokens,
            },
        };
        return new ChatResponse(message)
        {
            ResponseId = Guid.NewGuid().ToString("N"),
            ModelId = _metadata.DefaultModelId,
            FinishReason = finish,
            CreatedAt = DateTimeOffset.UtcNow,
            Usage = new UsageDetails
            {
                InputTokenCount = result.PromptTokens,
                OutputTokenCount = result.CompletionTokens,
                TotalTokenCount = result.PromptTokens + result.CompletionTokens,
            },
        };
    }

    /// <summary>The whole answer as updates once generated (nothing in this project streams model output).</summary>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    private readonly record struct Generation(string Text, string Finish, int PromptTokens, int CompletionTokens, int PrefillTokens);

    private Generation Generate(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        int[] prompt;
        using (var sequences = _tokenizer.Encode(RenderPrompt(messages)))
        {
            prompt = sequences[0].ToArray();
        }
        int maxNew = options?.MaxOutputTokens is int m && m > 0 ? m : _defaultMaxNewTokens;
        int needed = (int)Math.Min(_contextLength, (long)prompt.Length + maxNew);
        var search = SearchOptions(options, out bool sampling);
        string? guidance = options?.ResponseFormat is ChatResponseFormatJson json ? json.Schema is { } schema ? schema.GetRawText() : "{}" : null;
        var key = Key(search, guidance, sampling);
        bool reusable = _reuse && !sampling;

        int keep = 0;
        var pooled = reusable ? _pool.TakeBest(prompt, key, needed, out keep) : null;
        if (pooled is not null && !TryRewind(pooled, keep))
        {
            pooled = null;
            keep = 0;
            reusable = false;
        }
        // Room for later, longer notes, so a generator made now can serve them too; capped by the model's context.
        pooled ??= Create(search, guidance, key, reusable ? (int)Math.Min(_contextLength, needed + Math.Max(256L, needed / 4)) : needed);

        bool healthy = false;
        try
        {
            var generator = pooled.Generator;
            generator.AppendTokens(prompt.AsSpan(keep));
            var result = Decode(generator, maxNew, prompt.Length, prompt.Length - keep, cancellationToken);
            healthy = true;
            return result;
        }
        catch (OperationCanceledException)
        {
            // Stopped between tokens: the generator is consistent and holds what it read and wrote so far.
            healthy = true;
            throw;
        }
        finally
        {
            if (healthy && reusable && Volatile.Read(ref _disposed) == 0)
            {
                GiveBack(pooled);
            }
            else
            {
                pooled.Dispose();
            }
        }
    }

    private void GiveBack(PooledGenerator pooled)
    {
        try
        {
            pooled.Held = pooled.Generator.GetSequence(0).ToArray();
        }
        catch (OnnxRuntimeGenAIException)
        {
            pooled.Dispose();
            return;
        }
        _pool.Return(pooled);
    }

    private Generation Decode(Generator generator, int maxNew, int promptTokens, int prefill, CancellationToken cancellationToken)
    {
        using var stream = _tokenizer.CreateStream();
        var text = new StringBuilder();
        int generated = 0;
        string finish = ModelCallRecord.Length;
        while (generated < maxNew && !generator.IsDone())
        {
            cancellationToken.ThrowIfCancellationRequested();
            generator.GenerateNextToken();
            int token = generator.GetNextTokens()[0];
            generated++;
            TokenGenerated?.Invoke(generated);
            if (_stopTokens.Contains(token))
            {
                finish = "stop";
                break;
            }
            int before = text.Length;
            text.Append(stream.Decode(token));
            // End-of-turn markers the model writes as plain text ("<|im_end|>" under another template): stop at the first.
            int from = Math.Max(0, before - _longestMarker + 1);
            int marker = ModelOutputCleaner.FirstEndMarker(text.ToString(from, text.Length - from));
            if (marker >= 0)
            {
                text.Length = from + marker;
                finish = "stop";
                break;
            }
        }
        return new Generation(text.ToString(), finish, promptTokens, generated, prefill);
    }

    private bool TryRewind(PooledGenerator pooled, int keep)
    {
        try
        {
            pooled.Generator.RewindTo((ulong)keep);
            return true;
        }
        catch (OnnxRuntimeGenAIException ex)
        {
            // Some model types (e.g. sliding-window or recurrent state) cannot rewind: read every prompt in full from now on.
            _reuse = false;
            pooled.Dispose();
            _logger.LogWarning("Prefix reuse turned off for {ModelId}: the generator cannot rewind ({Error})", _metadata.DefaultModelId, ex.GetType().Name);
            return false;
        }
    }

    private PooledGenerator Create(IReadOnlyList<KeyValuePair<string, object>> search, string? guidance, string key, int capacity)
    {
        using var parameters = new GeneratorParams(_model);
        parameters.SetSearchOption("max_length", capacity);
        foreach (var (name, value) in search)
        {
            if (value is bool flag)
            {
                parameters.SetSearchOption(name, flag);
            }
            else
            {
                parameters.SetSearchOption(name, (double)value);
            }
        }
        if (guidance is not null)
        {
            parameters.SetGuidance("json_schema", guidance);
        }
        return new PooledGenerator(new Generator(_model, parameters), key, capacity);
    }

    /// <summary>
    /// GenAI search options from the chat options, as the GenAI package's client maps them: temperature, top_p/top_k (which
    /// turn sampling on), presence penalty as repetition_penalty, seed, and every other boolean or numeric extra
    /// (do_sample, repetition_penalty ...). max_length is this client's own business.
    /// </summary>
    private static List<KeyValuePair<string, object>> SearchOptions(ChatOptions? options, out bool sampling)
    {
        var search = new SortedDictionary<string, object>(StringComparer.Ordinal);
        if (options is not null)
        {
            if (options.Temperature is { } temperature)
            {
                search["temperature"] = (double)temperature;
            }
            if (options.PresencePenalty is { } penalty)
            {
                search["repetition_penalty"] = (double)penalty;
            }
            if (options.TopP is { } topP)
            {
                search["top_p"] = (double)topP;
                search["do_sample"] = true;
            }
            if (options.TopK is { } topK)
            {
                search["top_k"] = (double)topK;
                search["do_sample"] = true;
            }
            if (options.Seed is { } seed)
            {
                search["random_seed"] = (double)seed;
            }
            foreach (var (name, value) in options.AdditionalProperties ?? [])
            {
                if (name == "max_length")
                {
                    continue;
                }
                if (value is bool flag)
                {
                    search[name] = flag;
                }
                else if (value is IConvertible and not string)
                {
                    search[name] = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                }
                else if (value is JsonElement { ValueKind: JsonValueKind.Number } number)
                {
                    search[name] = number.GetDouble();
                }
                else if (value is JsonElement { ValueKind: JsonValueKind.True or JsonValueKind.False } boolean)
                {
                    search[name] = boolean.GetBoolean();
                }
            }
        }
        sampling = search.TryGetValue("do_sample", out var sample) && sample is true;
        return [.. search];
    }

    /// <summary>What a generator was made with; the seed matters only when sampling.</summary>
    private static string Key(IReadOnlyList<KeyValuePair<string, object>> search, string? guidance, bool sampling)
    {
        var key = new StringBuilder();
        foreach (var (name, value) in search)
        {
            if (name == "random_seed" && !sampling)
            {
                continue;
            }
            key.Append(name).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append(';');
        }
        return key.Append("|guidance=").Append(guidance).ToString();
    }

    /// <summary>
    /// The prompt text: the model's own chat template over the messages as a JSON array of {role, content}, with the
    /// generation prompt, the same text <c>OnnxRuntimeGenAIChatClient</c> renders.
    /// </summary>
    private string RenderPrompt(IEnumerable<ChatMessage> messages)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var message in messages)
            {
                writer.WriteStartObject();
                writer.WriteString("role", message.Role.Value);
                writer.WriteString("content", message.Text);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return _tokenizer.ApplyChatTemplate(null, Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), null, true);
    }

    /// <summary>EOS ids and the end-of-turn markers that are single (special) tokens of this vocabulary.</summary>
    private static HashSet<int> StopTokens(Tokenizer tokenizer)
    {
        var stop = new HashSet<int>(tokenizer.GetEosTokenIds().ToArray());
        int bos = tokenizer.GetBosTokenId();
        foreach (var marker in ModelOutputCleaner.EndOfTurnMarkers)
        {
            using var sequences = tokenizer.Encode(marker);
            var ids = sequences[0];
            if (ids.Length == 2 && ids[0] == bos)
            {
                ids = ids[1..];
            }
            if (ids.Length == 1)
            {
                stop.Add(ids[0]);
            }
        }
        return stop;
    }

    /// <summary>model.context_length of genai_config.json (the longest sequence a generator may hold); unbounded if absent.</summary>
    private static int ReadContextLength(string modelPath)
    {
        try
        {
            using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(modelPath, "genai_config.json")));
            if (config.RootElement.TryGetProperty("model", out var model) && model.TryGetProperty("context_length", out var length)
                && length.TryGetInt32(out var value) && value > 0)
            {
                return value;
            }
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
        }
        return int.MaxValue;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _pool.Dispose();
        _tokenizer.Dispose();
        _model.Dispose();
        _config.Dispose();
    }
}
