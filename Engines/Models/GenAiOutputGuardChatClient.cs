using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace ClinicalAspire.Engines.Models;

/// <summary>
/// Sits between Semantic Kernel and <c>OnnxRuntimeGenAIChatClient</c> (0.18.0) and repairs two things measured here:
/// <list type="bullet">
/// <item>When the model emits an EOS token, the client decodes the last token of the sequence again and yields it a
/// second time (an answer "...}" arrives as "...}}"). A natural stop therefore ends in a duplicated final update:
/// this client drops it.</item>
/// <item>Chat-template end-of-turn markers written as plain text (e.g. "&lt;|im_end|&gt;" when the model's template
/// differs): generation is stopped at the first one, which also saves the tokens a model would waste after it.</item>
/// </list>
/// </summary>
public sealed class GenAiOutputGuardChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
        }
        var response = updates.ToChatResponse();
        // Semantic Kernel's adapter keeps the message's properties but not the response's finish reason: carry it over,
        // so a cut at the token budget ("length") is visible to the audit.
        if (response.FinishReason is { } finish && response.Messages.LastOrDefault() is { } last)
        {
            (last.AdditionalProperties ??= [])[ModelCallMetadata.FinishReasonKey] = finish;
        }
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Text not yet passed on: always the last token (it may be the EOS repeat) and any tail that could be the
        // start of an end-of-turn marker ("<|im_" ...).
        var held = new StringBuilder();
        string? lastToken = null;
        string? previousToken = null;
        string? messageId = null;
        string? responseId = null;

        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            bool isText = update.Contents.Count > 0 && update.Contents.All(c => c is TextContent);
            if (!isText)
            {
                // The final update (usage, finish reason). A natural stop whose last token repeats the one before it
                // is the EOS defect: drop the repeat.
                var rest = held.ToString();
                if (update.FinishReason == ChatFinishReason.Stop && lastToken is { Length: > 0 } && lastToken == previousToken
                    && rest.EndsWith(lastToken, StringComparison.Ordinal))
                {
                    rest = rest[..^lastToken.Length];
                }
                held.Clear();
                if (rest.Length > 0)
                {
                    yield return Text(rest);
                }
                yield return update;
                continue;
            }

            messageId ??= update.MessageId;
            responseId ??= update.ResponseId;
            var token = update.Text;
            held.Append(token);
            previousToken = lastToken;
            lastToken = token;

            var text = held.ToString();
            int marker = ModelOutputCleaner.FirstEndMarker(text);
            if (marker >= 0)
            {
                // The turn is over: pass on what came before the marker and stop generating.
                if (marker > 0)
                {
                    yield return Text(text[..marker]);
                }
                yield return new ChatResponseUpdate { Role = ChatRole.Assistant, FinishReason = ChatFinishReason.Stop, MessageId = messageId, ResponseId = responseId };
                yield break;
            }

            int keep = Math.Max(token.Length, MarkerPrefixLength(text));
            if (text.Length > keep)
            {
                yield return Text(text[..^keep]);
                held.Clear().Append(text[^keep..]);
            }
        }

        if (held.Length > 0)
        {
            yield return Text(held.ToString());
        }

        ChatResponseUpdate Text(string text) => new(ChatRole.Assistant, text) { MessageId = messageId, ResponseId = responseId };
    }

    /// <summary>Length of the longest tail of <paramref name="text"/> that is the start of an end-of-turn marker.</summary>
    private static int MarkerPrefixLength(string text)
    {
        int longest = ModelOutputCleaner.EndOfTurnMarkers.Max(m => m.Length) - 1;
        for (int k = Math.Min(longest, text.Length); k > 0; k--)
        {
            var tail = text.AsSpan(text.Length - k);
            foreach (var marker in ModelOutputCleaner.EndOfTurnMarkers)
            {
                if (marker.AsSpan().StartsWith(tail, StringComparison.Ordinal))
                {
                    return k;
                }
            }
        }
        return 0;
    }
}
