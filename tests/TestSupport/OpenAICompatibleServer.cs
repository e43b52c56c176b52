using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClinicalAspire.TestSupport;

/// <summary>What the test server answers to one chat completion.</summary>
/// <param name="FinishReason">"stop", or "length" for an answer cut at the token budget.</param>
public sealed record ServerAnswer(string Content, string FinishReason = "stop", int PromptTokens = 10, int CompletionTokens = 5);

/// <summary>
/// A local OpenAI-compatible server (Kestrel on 127.0.0.1) answering /v1/chat/completions and /v1/models as vLLM does:
/// records every request, counts the requests in flight (and the peak), can answer slowly.
/// </summary>
public sealed class OpenAICompatibleServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _inFlight;
    private int _peak;

    public ConcurrentQueue<JsonElement> Requests { get; } = new();

    /// <summary>Base address to configure as an endpoint (ends in /v1).</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary>The most chat completions this server was answering at once.</summary>
    public int PeakConcurrency => Volatile.Read(ref _peak);

    /// <summary>Time taken per completion (lets a test see requests overlap).</summary>
    public TimeSpan Delay { get; set; }

    private OpenAICompatibleServer(Func<JsonElement, ServerAnswer> respond, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // A test's output folder may hold a service's appsettings.json (its Kestrel endpoints): ignore it.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port));
        _app = builder.Build();

        _app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = new[] { new { id = "test-model", @object = "model" } } }));
        _app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            var now = Interlocked.Increment(ref _inFlight);
            InterlockedMax(ref _peak, now);
            try
            {
                using var document = await JsonDocument.ParseAsync(context.Request.Body);
                var body = document.RootElement.Clone();
                Requests.Enqueue(body);
                if (Delay > TimeSpan.Zero)
                {
                    await Task.Delay(Delay);
                }
                var answer = respond(body);
                var reply = new JsonObject
                {
                    ["id"] = "chatcmpl-test",
                    ["object"] = "chat.completion",
                    ["created"] = 1_764_000_000,
                    ["model"] = body.GetProperty("model").GetString(),
                    ["choices"] = new JsonArray(new JsonObject
                    {
                        ["index"] = 0,
                        ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = answer.Content },
                        ["finish_reason"] = answer.FinishReason,
                    }),
                    ["usage"] = new JsonObject
                    {
                        ["prompt_tokens"] = answer.PromptTokens,
                        ["completion_tokens"] = answer.CompletionTokens,
                        ["total_tokens"] = answer.PromptTokens + answer.CompletionTokens,
                    },
                };
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(reply.ToJsonString());
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        });
    }

    public static Task<OpenAICompatibleServer> StartAsync(Func<JsonElement, string> respond, int port = 0) =>
        StartAsync(body => new ServerAnswer(respond(body)), port);

    /// <param name="port">0: any free port; a fixed port lets a test start the server after its clients (refused connections first).</param>
    public static async Task<OpenAICompatibleServer> StartAsync(Func<JsonElement, ServerAnswer> respond, int port = 0)
    {
        var server = new OpenAICompatibleServer(respond, port);
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = address.TrimEnd('/') + "/v1";
        return server;
    }

    /// <summary>The text of a message of a recorded request.</summary>
    public static string Content(JsonElement message) => message.GetProperty("content") switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString()!,
        var parts => string.Concat(parts.EnumerateArray().Select(p => p.TryGetProperty("text", out var t) ? t.GetString() : "")),
    };

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
