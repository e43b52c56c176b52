using System.Text;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Contracts.Extractor.V1;
using ClinicalAspire.Contracts.Translator.V1;
using ClinicalAspire.TestSupport;
using Google.Protobuf;
using Grpc.Core;

namespace ClinicalAspire.Services.Tests;

/// <summary>
/// What a careless or hostile client sends, over real gRPC to the service processes: every field bounded and named in the
/// error without its value, unusable notes refused, malformed bytes INVALID_ARGUMENT, and nothing of it in the logs.
/// </summary>
public sealed class BoundsTests : IAsyncLifetime
{
    private const string Note = "بیمار از دیشب درد شدید کمر دارد ولی تب ندارد.";
    private const string Canary = "CANARY7Q";

    // Information as in production, and Grpc's own categories asked for at Debug: the service's filter must still win.
    private static readonly Dictionary<string, string> s_verbose = new()
    {
        ["Logging__LogLevel__Default"] = "Information",
        ["Logging__LogLevel__Grpc"] = "Debug",
    };

    private RedisServerProcess _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer);

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private static async Task<RpcException> RefusedAsync(StatusCode code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, error.StatusCode);
        Assert.DoesNotContain(Canary, error.Status.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.True(error.Status.Detail.Length <= 1024, $"detail of {error.Status.Detail.Length} characters");
        return error;
    }

    [Fact]
    public async Task The_extractor_bounds_every_field_refuses_unusable_notes_and_logs_no_caller_text()
    {
        await using var extractor = await ServiceProcess.StartAsync("Extractor.Service", s_verbose);
        var client = new Extractor.ExtractorClient(extractor.Channel);
        Task Extract(ExtractRequest request) => client.ExtractAsync(request).ResponseAsync;

        var keys = new ExtractRequest { Text = Note, Language = "fa" };
        keys.FeatureKeys.AddRange(Enumerable.Range(0, 10_000).Select(i => $"{Canary.ToLowerInvariant()}_{i}"));
        Assert.Equal("feature_keys has 10,000 entries; at most 64", (await RefusedAsync(StatusCode.InvalidArgument, () => Extract(keys))).Status.Detail);

        var unknown = new ExtractRequest { Text = Note, Language = "fa", FeatureKeys = { "pain", Canary.ToLowerInvariant() + "_key" } };
        Assert.Contains("feature_keys[1]", (await RefusedAsync(StatusCode.InvalidArgument, () => Extract(unknown))).Status.Detail);
        var malformedKey = new ExtractRequest { Text = Note, Language = "fa", FeatureKeys = { Canary + " key\n" } };
        Assert.Contains("feature_keys[0] must be", (await RefusedAsync(StatusCode.InvalidArgument, () => Extract(malformedKey))).Status.Detail);

        Assert.Equal("language must be 'fa' (Persian) or 'en' (English)",
            (await RefusedAsync(StatusCode.InvalidArgument, () => Extract(new ExtractRequest { Text = Note, Language = Canary }))).Status.Detail);
        Assert.Contains("profile is not configured here; known profiles: default",
            (await RefusedAsync(StatusCode.InvalidArgument, () => Extract(new ExtractRequest { Text = Note, Language = "fa", Profile = Canary + "-profile" }))).Status.Detail);
        Assert.StartsWith("profile must be",
            (await RefusedAsync(StatusCode.InvalidArgument, () => Extract(new ExtractRequest { Text = Note, Language = "fa", Profile = Canary + "\u202E" }))).Status.Detail);
        foreach (var id in new[] { Canary + "\u202Egnp.exe", Canary + "\nnext", new string('i', 200) })
        {
            Assert.StartsWith("id must be 1-128 characters",
                (await RefusedAsync(StatusCode.InvalidArgument, () => Extract(new ExtractRequest { Id = id, Text = Note, Language = "fa" }))).Status.Detail);
        }

        // Unusable notes are refused, not answered 13 x FALSE.
        foreach (var invisible in new[] { "\u200C\u200C\u200C", "\u200B\uFEFF \u200C", "... !!! 123" })
        {
            Assert.StartsWith("text has no letters",
                (await RefusedAsync(StatusCode.InvalidArgument, () => Extract(new ExtractRequest { Text = invisible, Language = "fa" }))).Status.Detail);
        }
        Assert.Contains("not in the Persian (Arabic) script",
            (await RefusedAsync(StatusCode.InvalidArgument, () => Extract(new ExtractRequest { Text = "病人从昨晚开始腰痛，没有发烧。", Language = "fa" }))).Status.Detail);
        Assert.Contains("not in the Latin script",
            (await RefusedAsync(StatusCode.InvalidArgument, () => Extract(new ExtractRequest { Text = Note, Language = "en" }))).Status.Detail);
        // A Persian note with Latin drug names and digits is read.
        var mixed = await client.ExtractAsync(new ExtractRequest { Id = Canary + "-ok-id", Text = "بیمار با Tramadol 100 mg هنوز درد شدید دارد.", Language = "fa" });
        Assert.Equal(FeatureValue.True, mixed.Features.Single(f => f.Key == "pain").Value);

        // Bytes that are not the request message: INVALID_ARGUMENT, not UNKNOWN; too many bytes: RESOURCE_EXHAUSTED naming the limit.
        var truncated = await RawGrpc.CallAsync(extractor.GrpcAddress, "clinical.extractor.v1.Extractor/Extract", [0x12, 0x05, 0x61]);
        Assert.Equal(((int)StatusCode.InvalidArgument, "the request message is not valid protobuf for this method (or not a valid gRPC frame)"), truncated);
        var badUtf8 = await RawGrpc.CallAsync(extractor.GrpcAddress, "clinical.extractor.v1.Extractor/Extract", [0x12, 0x02, 0xC3, 0x28, 0x1A, 0x02, 0x66, 0x61]);
        Assert.Equal((int)StatusCode.InvalidArgument, badUtf8.Status);
        var huge = await RefusedAsync(StatusCode.ResourceExhausted, () => Extract(new ExtractRequest { Text = new string('د', 1_000_000), Language = "fa" }));
        Assert.Equal("the request message is larger than this service's limit of 1,048,576 bytes", huge.Status.Detail);

        // The service still answers, and none of it reached its log.
        Assert.NotEmpty((await client.ExtractAsync(new ExtractRequest { Text = Note, Language = "fa" })).Features);
        await Task.Delay(500);
        Assert.Contains("Application started", extractor.Output); // the log is read, at Information
        Assert.DoesNotContain(Canary, extractor.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Error status code", extractor.Output);
    }

    [Fact]
    public async Task The_translator_refuses_unusable_text_and_bad_codes_without_echoing_them()
    {
        await using var translator = await ServiceProcess.StartAsync("Translator.Service", s_verbose);
        var client = new Translator.TranslatorClient(translator.Channel);
        Task Translate(TranslateRequest request) => client.TranslateAsync(request).ResponseAsync;

        Assert.Contains("not in the Persian (Arabic) script", (await RefusedAsync(StatusCode.InvalidArgument,
            () => Translate(new TranslateRequest { Text = "病人从昨晚开始腰痛，没有发烧。", SourceLanguage = "fa", TargetLanguage = "en" }))).Status.Detail);
        Assert.StartsWith("text has no letters", (await RefusedAsync(StatusCode.InvalidArgument,
            () => Translate(new TranslateRequest { Text = "\u200C\u200C", SourceLanguage = "fa", TargetLanguage = "en" }))).Status.Detail);
        Assert.Equal("source_language must be 'fa' (Persian), the only one supported", (await RefusedAsync(StatusCode.InvalidArgument,
            () => Translate(new TranslateRequest { Text = Note, SourceLanguage = Canary, TargetLanguage = "en" }))).Status.Detail);
        await RefusedAsync(StatusCode.InvalidArgument, () => Translate(new TranslateRequest { Text = Note, SourceLanguage = "fa", TargetLanguage = "en", Profile = Canary }));
        var malformed = await RawGrpc.CallAsync(translator.GrpcAddress, "clinical.translator.v1.Translator/Translate", [0xFF, 0xFF, 0xFF]);
        Assert.Equal((int)StatusCode.InvalidArgument, malformed.Status);

        // A stream item with a bad id gets its error without the id echoed; the stream goes on.
        using var stream = client.TranslateStream();
        await stream.RequestStream.WriteAsync(new TranslateRequest { Id = Canary + "\u202E", Text = Note, SourceLanguage = "fa", TargetLanguage = "en" });
        await stream.RequestStream.WriteAsync(new TranslateRequest { Id = "ok", Text = Note, SourceLanguage = "fa", TargetLanguage = "en" });
        await stream.RequestStream.CompleteAsync();
        var responses = await stream.ResponseStream.ReadAllAsync().ToListAsync();
        Assert.Equal("INVALID_ARGUMENT", responses.Single(r => r.Id == "").Error.Code);
        Assert.NotEmpty(responses.Single(r => r.Id == "ok").Translation);

        await Task.Delay(500);
        Assert.DoesNotContain(Canary, translator.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_flood_of_invalid_extracts_through_the_evaluator_leaves_the_breaker_closed_and_valid_calls_succeed()
    {
        await using var translator = await ServiceProcess.StartAsync("Translator.Service", new Dictionary<string, string>());
        var extractorSettings = new Dictionary<string, string>(s_verbose) { ["Services__translator__Address"] = translator.GrpcAddress };
        await using var extractor = await ServiceProcess.StartAsync("Extractor.Service", extractorSettings);
        await using var evaluator = await ServiceProcess.StartAsync("Evaluator.Service", new Dictionary<string, string>(s_verbose)
        {
            ["ConnectionStrings__cache"] = _redis.ConnectionString,
            ["Services__extractor__Address"] = extractor.GrpcAddress,
            ["Evaluator__DemoAutorun"] = "false",
        });
        var client = new Evaluator.EvaluatorClient(evaluator.Channel);

        // Well-formed keys the Extractor's catalogue does not have: the Evaluator passes them on, the Extractor refuses.
        var bad = new ExtractRequest { Text = Note, Language = "fa" };
        bad.FeatureKeys.AddRange(Enumerable.Range(0, 64).Select(i => $"{Canary.ToLowerInvariant()}_{i:D2}"));
        for (var i = 0; i < 300; i++)
        {
            var error = await RefusedAsync(StatusCode.InvalidArgument, () => client.ExtractAsync(bad).ResponseAsync);
            Assert.Contains("64 key(s) not in catalogue", error.Status.Detail);
        }
        // A list no Extractor could take is refused by the Evaluator itself.
        var tooMany = new ExtractRequest { Text = Note, Language = "fa" };
        tooMany.FeatureKeys.AddRange(Enumerable.Range(0, 10_000).Select(i => $"k{i}"));
        await RefusedAsync(StatusCode.InvalidArgument, () => client.ExtractAsync(tooMany).ResponseAsync);

        // The circuit breaker (10% failures over 100 calls would open it) saw no failure: ordinary calls go through.
        for (var i = 0; i < 5; i++)
        {
            var ok = await client.ExtractAsync(new ExtractRequest { Text = Note + $" ({i})", Language = "fa", Strategy = i % 2 == 0 ? "direct" : "translate-first" });
            Assert.Equal(FeatureValue.True, ok.Features.Single(f => f.Key == "pain").Value);
        }

        // In a run, an unusable note is that record's error, naming the problem; the others are read.
        var lines = new[]
        {
            "{\"id\":\"good\",\"text\":\"" + Note + "\",\"language\":\"fa\",\"labels\":{\"pain\":true}}",
            "{\"id\":\"chinese\",\"text\":\"病人从昨晚开始腰痛，没有发烧。\",\"language\":\"fa\",\"labels\":{\"pain\":true}}",
            "{\"id\":\"invisible\",\"text\":\"\u200c\u200c\u200b\",\"language\":\"fa\",\"labels\":{\"pain\":false}}",
        };
        await client.ImportDatasetAsync(new ImportDatasetRequest { DatasetId = "unusable", Format = "jsonl", Content = ByteString.CopyFromUtf8(string.Join("\n", lines)) });
        var run = await client.StartRunAsync(new StartRunRequest { DatasetId = "unusable" });
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await client.GetRunAsync(new GetRunRequest { RunId = run.RunId })).State is not RunState.Completed && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        var records = (await client.ListRunRecordsAsync(new ListRunRecordsRequest { RunId = run.RunId, Limit = 10 })).Records.ToDictionary(r => r.RecordId);
        Assert.Equal("", records["good"].Error);
        Assert.Contains("InvalidArgument: text is mostly not in the Persian (Arabic) script", records["chinese"].Error);
        Assert.Contains("InvalidArgument: text has no letters", records["invisible"].Error);

        // Code fields and ids of the Evaluator: named in the error, never echoed, never logged.
        await RefusedAsync(StatusCode.NotFound, () => client.GetRunAsync(new GetRunRequest { RunId = Canary + "-run" }).ResponseAsync);
        await RefusedAsync(StatusCode.InvalidArgument, () => client.GetRunAsync(new GetRunRequest { RunId = Canary + "\u202E" }).ResponseAsync);
        await RefusedAsync(StatusCode.InvalidArgument, () => client.StartRunAsync(new StartRunRequest { DatasetId = Canary, Label = "x" }).ResponseAsync);
        await RefusedAsync(StatusCode.InvalidArgument, () => client.ExportRunAsync(new ExportRunRequest { RunId = Canary + " x" }).ResponseAsync);
        await RefusedAsync(StatusCode.InvalidArgument, () => client.ImportDatasetAsync(new ImportDatasetRequest
        {
            DatasetId = "bounds", Format = Canary, Content = ByteString.CopyFromUtf8("{}"),
        }).ResponseAsync);
        await Task.Delay(500);
        foreach (var service in new[] { evaluator, extractor })
        {
            Assert.DoesNotContain(Canary, service.Output, StringComparison.OrdinalIgnoreCase);
        }
    }
}
