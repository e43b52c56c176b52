using System.Text;
using Microsoft.SemanticKernel;

namespace ClinicalAspire.Engines.Models;

/// <summary>
/// Reads why generation stopped and the token counts from what Semantic Kernel returns, for both routes:
/// the OpenAI connector puts "FinishReason" (OpenAI.Chat.ChatFinishReason) and "Usage" (ChatTokenUsage) in the metadata;
/// the Microsoft.Extensions.AI adapter puts "Usage" (UsageDetails) there, and <see cref="GenAiChatClient"/>
/// adds "FinishReason" (the adapter drops the response's own) and "PrefillTokens" to the message's properties.
/// </summary>
internal static class ModelCallMetadata
{
    public const string FinishReasonKey = "FinishReason";

    /// <summary>Prompt tokens the model actually read for this call (the rest came from a reused prefix).</summary>
    public const string PrefillTokensKey = "PrefillTokens";

    public static (string FinishReason, int PromptTokens, int CompletionTokens) Read(ChatMessageContent message)
    {
        var metadata = message.Metadata;
        var finish = metadata?.GetValueOrDefault(FinishReasonKey) switch
        {
            null => "",
            Microsoft.Extensions.AI.ChatFinishReason reason => reason.Value,
            var other => SnakeCase(other.ToString() ?? ""),
        };
        var (prompt, completion) = metadata?.GetValueOrDefault("Usage") switch
        {
            Microsoft.Extensions.AI.UsageDetails usage => ((int)(usage.InputTokenCount ?? 0), (int)(usage.OutputTokenCount ?? 0)),
            OpenAI.Chat.ChatTokenUsage usage => (usage.InputTokenCount, usage.OutputTokenCount),
            _ => (0, 0),
        };
        return (finish, prompt, completion);
    }

    /// <summary>
    /// Prompt tokens the model read for this call: what <see cref="GenAiChatClient"/> reports, a server's prompt tokens less
    /// those it says it served from its own prefix cache, else <paramref name="promptTokens"/>.
    /// </summary>
    public static int ReadPrefill(ChatMessageContent message, int promptTokens)
    {
        var metadata = message.Metadata;
        return metadata?.GetValueOrDefault(PrefillTokensKey) switch
        {
            int prefill => prefill,
            _ => metadata?.GetValueOrDefault("Usage") is OpenAI.Chat.ChatTokenUsage { InputTokenDetails.CachedTokenCount: > 0 and var cached }
                ? Math.Max(0, promptTokens - cached)
                : promptTokens,
        };
    }

    /// <summary>"ContentFilter" -> "content_filter": the OpenAI wire names, whatever the enum's spelling.</summary>
    private static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && builder.Length > 0)
            {
                builder.Append('_');
            }
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }
}
