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

namespace ClinicalAspire.ModelEngines.Tests;

/// <summary>A local OpenAI-compatible server (Kestrel on 127.0.0.1, random port) answering /v1/chat/completions.</summary>
public sealed class OpenAICompatibleServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    public ConcurrentQueue<JsonElement> Requests { get; } = new();

    /// <summary>Base address to configure as Engine:Endpoint (ends in /v1).</summary>
    public string Endpoint { get; private set; } = "";

    private OpenAICompatibleServer(Func<JsonElement, string> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body);
            var body = document.RootElement.Clone();
            Requests.Enqueue(body);
            var content = respond(body);
            var reply = new JsonObject
            {
                ["id"] = "chatcmpl-test",
                ["object"] = "chat.completion",
                ["created"] = 1_764_000_000,
                ["model"] = body.GetProperty("model").GetString(),
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
                    ["finish_reason"] = "stop",
                }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 5, ["total_tokens"] = 15 },
            };
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(reply.ToJsonString());
        });
    }

    public static async Task<OpenAICompatibleServer> StartAsync(Func<JsonElement, string> respond)
    {
        var server = new OpenAICompatibleServer(respond);
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = address.TrimEnd('/') + "/v1";
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
