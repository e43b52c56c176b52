using System.Collections.Concurrent;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Testing;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ExtractRequest = ClinicalAspire.Contracts.Extractor.V1.ExtractRequest;

namespace ClinicalAspire.AppHost.Tests;

/// <summary>
/// Protected health information never leaves a note's own fields: the whole stack runs notes carrying a canary (import,
/// both strategies, Try it, exports) and calls with the canary misplaced in code fields (language, feature keys,
/// profile, ids), while every console line of every resource and every OTLP export (logs, traces, metrics, sent to a
/// local receiver as http/protobuf, whose strings are plain UTF-8) is searched for it.
/// </summary>
public sealed class PhiCanaryTests : IAsyncLifetime
{
    private const string Canary = "Zq7CANARYxk9";
    private const string PersianCanary = "کاناریزقف";
    private static readonly string[] Resources = ["cache", "translator", "extractor", "evaluator", "dashboard"];

    private readonly ConcurrentQueue<(string Resource, string Line)> _lines = new();
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _exports = new();
    private WebApplication _receiver = null!;
    private DistributedApplication _app = null!;

    public async Task InitializeAsync()
    {
        // The OTLP receiver: keeps every request body as sent.
        var receiver = WebApplication.CreateSlimBuilder();
        receiver.Configuration.Sources.Clear();
        receiver.Logging.ClearProviders();
        receiver.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        _receiver = receiver.Build();
        _receiver.MapPost("/v1/{signal}", async (HttpContext context, string signal) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            _exports.Enqueue((signal, body.ToArray()));
            return Results.Ok();
        });
        await _receiver.StartAsync();
        var otlp = _receiver.Urls.First();

        _app = await StackLauncher.StartAsync(
            [$"Cache:Mode={StackFixture.CacheMode}", "Cache:Persistent=false", "Parameters:evaluator-demo-autorun=false"],
            Resources, TimeSpan.FromMinutes(3),
            builder =>
            {
                foreach (var project in builder.Resources.OfType<ProjectResource>())
                {
                    project.Annotations.Add(new EnvironmentCallbackAnnotation(environment =>
                    {
                        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
                        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
                        environment["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
                        environment["OTEL_BSP_SCHEDULE_DELAY"] = "500";
                        environment["OTEL_BLRP_SCHEDULE_DELAY"] = "500";
                        // Our own code at its most talkative.
                        environment["Logging__LogLevel__ClinicalAspire"] = "Debug";
                    }));
                }
                builder.Services.AddLogging(logging => logging
                    .AddProvider(new LineCapture(_lines))
                    .AddFilter<LineCapture>((category, _) => category?.Contains(".Resources.", StringComparison.Ordinal) == true));
            });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task No_log_line_and_no_exported_telemetry_item_carries_note_text_even_when_misplaced_in_code_fields()
    {
        using var channel = GrpcChannel.ForAddress(_app.GetEndpoint("evaluator", "grpc"));
        var evaluator = new Evaluator.EvaluatorClient(channel);

        // Notes with the canary where PHI belongs: the text and the reference translation.
        var demo = File.ReadLines(Path.Combine(RepositoryRoot(), "data", "demo", "demo.jsonl")).Where(l => l.Length > 0).Take(6).ToArray();
        var lines = demo.Select((line, i) =>
        {
            var record = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
            record["id"] = $"phi-{i}";
            record["text"] = $"{record["text"]} {PersianCanary} {Canary}";
            record["translation"] = $"{record["translation"]} {Canary}";
            return record.ToJsonString();
        });
        await evaluator.ImportDatasetAsync(new ImportDatasetRequest
        {
            DatasetId = "phi-canary", Format = "jsonl", Content = ByteString.CopyFromUtf8(string.Join('\n', lines)),
        });
        var run = await evaluator.StartRunAsync(new StartRunRequest { DatasetId = "phi-canary", Strategy = "both" });
        foreach (var id in new[] { run.RunId, run.PairedRunId })
        {
            using var watch = evaluator.WatchRun(new WatchRunRequest { RunId = id });
            await foreach (var _ in watch.ResponseStream.ReadAllAsync())
            {
            }
            await evaluator.ExportRunAsync(new ExportRunRequest { RunId = id, Format = "csv", Content = "records" });
        }
        // A records search is note text too: it finds the notes (Arabic letters for Persian ones) and shows nowhere else.
        var found = await evaluator.ListRunRecordsAsync(new ListRunRecordsRequest { RunId = run.RunId, Query = PersianCanary.Replace('ک', 'ك') });
        Assert.Equal(6, found.Total);
        var tried = await evaluator.ExtractAsync(new ExtractRequest { Text = $"بیمار درد دارد {PersianCanary}", Language = "fa", Strategy = "translate-first" });
        Assert.NotEmpty(tried.Features);

        // The canary misplaced in fields that are codes, not text: every call is refused, and says so without it.
        var misplaced = new Func<Task>[]
        {
            () => evaluator.ExtractAsync(new ExtractRequest { Text = "بیمار درد دارد", Language = Canary }).ResponseAsync,
            () => evaluator.ExtractAsync(new ExtractRequest { Text = "بیمار درد دارد", Language = "fa", FeatureKeys = { Canary.ToLowerInvariant() } }).ResponseAsync,
            () => evaluator.ExtractAsync(new ExtractRequest { Text = "بیمار درد دارد", Language = "fa", Profile = Canary }).ResponseAsync,
            () => evaluator.ExtractAsync(new ExtractRequest { Text = "بیمار درد دارد", Language = "fa", Strategy = Canary }).ResponseAsync,
            () => evaluator.GetRunAsync(new GetRunRequest { RunId = Canary }).ResponseAsync,
            () => evaluator.GetRunAsync(new GetRunRequest { RunId = PersianCanary }).ResponseAsync,
            () => evaluator.StartRunAsync(new StartRunRequest { DatasetId = Canary.ToLowerInvariant() }).ResponseAsync,
            () => evaluator.StartRunAsync(new StartRunRequest { DatasetId = "phi-canary", EngineProfile = Canary }).ResponseAsync,
            () => evaluator.GetDatasetAsync(new GetDatasetRequest { DatasetId = PersianCanary }).ResponseAsync,
            () => evaluator.ListRunRecordsAsync(new ListRunRecordsRequest { RunId = run.RunId, Query = $"{PersianCanary}\n{Canary}" }).ResponseAsync,
            () => evaluator.ListRunRecordsAsync(new ListRunRecordsRequest { RunId = run.RunId, Query = string.Concat(Enumerable.Repeat(Canary, 20)) }).ResponseAsync,
            () => evaluator.ListRunRecordsAsync(new ListRunRecordsRequest { RunId = run.RunId, Query = Canary, Outcomes = { Outcome.FalsePositive } }).ResponseAsync,
            () => evaluator.UpdateRunTagsAsync(new UpdateRunTagsRequest { RunId = run.RunId, Add = { PersianCanary } }).ResponseAsync,
            () => evaluator.StartRunAsync(new StartRunRequest { DatasetId = "phi-canary", Tags = { $"{Canary} {Canary}" } }).ResponseAsync,
        };
        foreach (var call in misplaced)
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.DoesNotContain(Canary, error.Status.Detail, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(PersianCanary, error.Status.Detail, StringComparison.Ordinal);
        }

        // Let every exporter flush (metrics every second, batches every half second).
        await Task.Delay(TimeSpan.FromSeconds(4));

        var signals = _exports.Select(e => e.Path).Distinct().ToArray();
        Assert.Contains("logs", signals);
        Assert.Contains("traces", signals);
        Assert.Contains("metrics", signals);
        Assert.True(_lines.Count > 50, $"only {_lines.Count} console lines captured");
        // The search can find things: the run's id (logged on purpose) is in the console and in the exported logs.
        Assert.Contains(_lines, l => l.Line.Contains(run.RunId, StringComparison.Ordinal));
        Assert.Contains(_exports, e => e.Path == "logs" && IndexOf(e.Body, Encoding.UTF8.GetBytes(run.RunId)) >= 0);
        var needles = new[] { Canary, Canary.ToLowerInvariant(), PersianCanary };
        foreach (var (path, body) in _exports)
        {
            foreach (var needle in needles)
            {
                Assert.True(IndexOf(body, Encoding.UTF8.GetBytes(needle)) < 0, $"an OTLP {path} export carries the canary");
            }
        }
        foreach (var (resource, line) in _lines)
        {
            foreach (var needle in needles)
            {
                Assert.False(line.Contains(needle, StringComparison.OrdinalIgnoreCase), $"{resource} logged the canary: {line.Replace(needle, "<canary>", StringComparison.OrdinalIgnoreCase)}");
            }
        }
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ClinicalAspire.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    /// <summary>Every console line of every resource, as the AppHost forwards them.</summary>
    private sealed class LineCapture(ConcurrentQueue<(string, string)> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName)
        {
            var marker = categoryName.LastIndexOf(".Resources.", StringComparison.Ordinal);
            return new Logger(marker < 0 ? categoryName : categoryName[(marker + ".Resources.".Length)..], lines);
        }

        public void Dispose()
        {
        }

        private sealed class Logger(string resource, ConcurrentQueue<(string, string)> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue((resource, formatter(state, exception) + (exception is null ? "" : " " + exception)));
        }
    }
}
