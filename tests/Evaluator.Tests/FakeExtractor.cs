using System.Collections.Concurrent;
using ClinicalAspire.Contracts.Common.V1;
using ClinicalAspire.Contracts.Extractor.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClinicalAspire.Evaluator.Tests;

/// <summary>
/// A stand-in Extractor on a real HTTP/2 port: answers "pain" when the note says درد, takes a set time per
/// note (so a run can be interrupted half-way), and counts how often each record was asked for.
/// </summary>
public sealed class FakeExtractor : Extractor.ExtractorBase, IAsyncDisposable
{
    private WebApplication? _app;

    public ConcurrentDictionary<string, int> Calls { get; } = new();

    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>A feature key this Extractor refuses with an 80,000-character detail.</summary>
    public const string FloodKey = "flood";

    public string Address { get; private set; } = "";

    public async Task StartAsync()
    {
        var port = TestSupport.RedisServerProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        // The test output also holds the Evaluator's appsettings.json (its Kestrel endpoints): ignore it.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(port, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(this);
        _app = builder.Build();
        _app.MapGrpcService<FakeExtractor>();
        await _app.StartAsync();
        Address = $"http://localhost:{port}";
    }

    public override async Task<ExtractResponse> Extract(ExtractRequest request, ServerCallContext context)
    {
        Calls.AddOrUpdate(request.Id, 1, (_, n) => n + 1);
        if (request.FeatureKeys.Contains(FloodKey))
        {
            // An Extractor that echoes what it refuses, unbounded: a status detail no client can read (over 64 KB of headers).
            throw new RpcException(new Status(StatusCode.InvalidArgument, new string('k', 80_000)));
        }
        await Task.Delay(Delay, context.CancellationToken);
        var response = new ExtractResponse
        {
            Id = request.Id,
            Engine = new EngineInfo { Engine = "fake", ModelId = "fake-1", PromptVersion = "1" },
            Timings = new Timings(),
        };
        var pain = request.Text.Contains("درد", StringComparison.Ordinal);
        response.Features.Add(new FeatureResult { Key = "pain", Value = pain ? FeatureValue.True : FeatureValue.False });
        response.Features.Add(new FeatureResult { Key = "fever", Value = FeatureValue.False });
        if (Negated(request.Text, "تب ندارد") is { } denied)
        {
            // A denied fever: the mention and the cue that discounted it, in code points (the rule engine's shape).
            response.Features[1].Discounted.Add(denied);
        }
        response.Profile = string.IsNullOrEmpty(request.Profile) ? "default" : request.Profile;
        if (request.IncludeRawOutput)
        {
            // A model's answer, cut at the token budget for notes that mention "cut".
            var cut = request.Text.Contains("cut", StringComparison.Ordinal);
            response.ModelCalls.Add(new ModelCall
            {
                Role = "extract", RawOutput = $"Pain: {(pain ? "True" : "False")}, Fever: False", FinishReason = cut ? "length" : "stop",
                PromptTokens = 800, CompletionTokens = cut ? 512 : 30, LatencyMs = 12,
            });
            if (cut)
            {
                response.Features[1].Value = FeatureValue.Missing;
            }
        }
        return response;
    }

    /// <summary>"تب ندارد" found in the note: the mention "تب", negated by the cue "ندارد", in code point offsets.</summary>
    private static Evidence? Negated(string text, string phrase)
    {
        var at = text.IndexOf(phrase, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }
        var start = text[..at].EnumerateRunes().Count();
        return new Evidence
        {
            Start = start, End = start + 2, Quote = "تب", Source = "text", Status = "negated",
            Cue = new Evidence { Start = start + 3, End = start + phrase.Length, Quote = "ندارد", Source = "text" },
        };
    }

    /// <summary>The profiles this Extractor reports (a real one reads them from Profiles:File).</summary>
    public List<ProfileStatus> Profiles { get; } =
        [new ProfileStatus { Name = "default", IsDefault = true, Status = "Healthy", Detail = "ready", Engine = new EngineInfo { Engine = "fake" } }];

    public override Task<GetInfoResponse> GetInfo(GetInfoRequest request, ServerCallContext context)
    {
        var response = new GetInfoResponse { Service = "extractor", Engine = new EngineInfo { Engine = "fake" } };
        response.Profiles.AddRange(Profiles);
        return Task.FromResult(response);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
