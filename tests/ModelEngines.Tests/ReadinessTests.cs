using System.Security.Cryptography;
using System.Text;
using ClinicalAspire.Domain.Features;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Models;
using ClinicalAspire.Engines.Profiles;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClinicalAspire.ModelEngines.Tests;

/// <summary>A profile is ready only once its model has answered one tiny generation; a local model's id follows its content.</summary>
public sealed class ReadinessTests : IDisposable
{
    private readonly TempFolder _models = new();

    public void Dispose() => _models.Dispose();

    private static EngineProfileSet Profiles(string json) => EngineProfilesFile.Parse(Encoding.UTF8.GetBytes(json), "profiles.json", null);

    private static EngineProfileSet OnnxProfile(string folder) =>
        Profiles($$$"""{"profiles": [{"name": "tiny", "extractor": {"engine": "onnx", "modelPath": {{{System.Text.Json.JsonSerializer.Serialize(folder)}}}, "promptMode": "json"}}]}""");

    private static async Task<HealthCheckResult> HealthAsync<TEngine>(EngineProfileHost<TEngine> host) where TEngine : class, IEngine =>
        await new EngineProfilesHealthCheck<TEngine>(new EngineProfileHealth<TEngine>(host, new NoHttp())).CheckHealthAsync(new HealthCheckContext());

    [Fact]
    public async Task A_truncated_onnx_model_fails_its_profile_and_health_names_it()
    {
        var folder = _models.Model("{}");
        var model = Path.Combine(folder, "model.onnx");
        File.WriteAllBytes(model, File.ReadAllBytes(model).AsSpan(0, (int)new FileInfo(model).Length / 2).ToArray());
        using var host = new EngineProfileHost<IFeatureExtractionEngine>(OnnxProfile(folder), "extractor",
            profile => ChatExtractionEngine.Create(profile.Extractor.Model!, FeatureCatalogue.Default), NullLogger.Instance);

        await host.LoadAllAsync();

        var report = Assert.Single(host.Reports());
        Assert.Equal(ProfileState.Failed, report.State);
        var health = await HealthAsync(host);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains("profile 'tiny'", health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_good_onnx_model_is_ready_after_its_warm_up_generation()
    {
        var folder = _models.Model("{}");
        var warmUps = 0;
        using var host = new EngineProfileHost<IFeatureExtractionEngine>(OnnxProfile(folder), "extractor", profile =>
        {
            var engine = ChatExtractionEngine.Create(profile.Extractor.Model!, FeatureCatalogue.Default);
            return new CountingEngine(engine, () => Interlocked.Increment(ref warmUps));
        }, NullLogger.Instance);

        await host.LoadAllAsync();

        Assert.Equal(1, warmUps);
        var report = Assert.Single(host.Reports());
        Assert.Equal((ProfileState.Ready, true), (report.State, report.Warm));
        Assert.StartsWith("tiny-decoder@", report.Descriptor!.ModelId, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, (await HealthAsync(host)).Status);
    }

    [Fact]
    public async Task A_local_engine_is_loading_until_its_warm_up_answers_and_failed_when_it_cannot()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var set = Profiles("""{"profiles": [{"name": "slow", "extractor": {"engine": "rules"}}, {"name": "broken", "extractor": {"engine": "rules"}}]}""");
        using var host = new EngineProfileHost<IFeatureExtractionEngine>(set, "extractor",
            profile => new FakeEngine(profile.Name == "slow" ? _ => release.Task : _ => throw new InvalidOperationException("the model produced NaN")),
            NullLogger.Instance);

        var loaded = host.LoadAllAsync();
        await WaitUntilAsync(() => host.Reports()[0].State == ProfileState.Loading && !loaded.IsCompleted);
        Assert.Equal(HealthStatus.Unhealthy, (await HealthAsync(host)).Status);

        release.SetResult();
        await loaded;
        var reports = host.Reports();
        Assert.Equal(ProfileState.Ready, reports[0].State);
        Assert.Equal(ProfileState.Failed, reports[1].State);
        Assert.Contains("warm-up failed: InvalidOperationException: the model produced NaN", reports[1].Detail, StringComparison.Ordinal);
        var health = await HealthAsync(host);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains("profile 'broken': warm-up failed", health.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("profile 'slow'", health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_server_answers_at_once_but_is_unhealthy_until_a_warm_up_succeeds()
    {
        var attempts = 0;
        var set = Profiles("""{"profiles": [{"name": "served", "extractor": {"engine": "openai", "endpoint": "http://127.0.0.1:9/v1", "model": "m", "promptMode": "study"}}]}""");
        using var host = new EngineProfileHost<IFeatureExtractionEngine>(set, "extractor",
            _ => new FakeEngine(_ => Interlocked.Increment(ref attempts) < 3 ? throw new HttpRequestException("connection refused") : Task.CompletedTask),
            NullLogger.Instance)
        {
            WarmUpRetryDelays = [TimeSpan.FromMilliseconds(50)],
        };

        await host.LoadAllAsync();
        // Requests are not held back by the warm-up: the server may answer them.
        var (_, engine) = await host.GetAsync("served", CancellationToken.None);
        Assert.NotNull(engine);

        await WaitUntilAsync(() => host.Reports()[0].Warm);
        Assert.True(attempts >= 3);
        Assert.Equal("ready", host.Reports()[0].Detail);
    }

    [Fact]
    public async Task A_failed_server_warm_up_is_reported_with_its_reason()
    {
        var set = Profiles("""{"profiles": [{"name": "served", "extractor": {"engine": "openai", "endpoint": "http://127.0.0.1:9/v1", "model": "m", "promptMode": "study"}}]}""");
        using var host = new EngineProfileHost<IFeatureExtractionEngine>(set, "extractor",
            _ => new FakeEngine(_ => throw new HttpRequestException("model 'm' does not exist")), NullLogger.Instance)
        {
            WarmUpRetryDelays = [TimeSpan.FromMinutes(5)],
        };

        await host.LoadAllAsync();
        await WaitUntilAsync(() => host.Reports()[0].Detail.StartsWith("warm-up failed", StringComparison.Ordinal));

        var report = host.Reports()[0];
        Assert.Equal((ProfileState.Ready, false), (report.State, report.Warm));
        Assert.Contains("model 'm' does not exist", report.Detail, StringComparison.Ordinal);
        Assert.Contains("retrying in 300 s", report.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_models_id_follows_its_content_not_its_name_or_dates()
    {
        var folder = _models.Model("{}");
        var (first, fromManifest) = ModelIdentity.Of(folder);
        Assert.False(fromManifest);
        Assert.Matches("^tiny-decoder@[0-9a-f]{12}$", first);
        Assert.Equal(first, ModelIdentity.Of(folder).ModelId);

        // The same size and modification time, one byte different: another id.
        var model = Path.Combine(folder, "model.onnx");
        var written = File.GetLastWriteTimeUtc(model);
        var bytes = File.ReadAllBytes(model);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(model, bytes);
        File.SetLastWriteTimeUtc(model, written);
        Assert.NotEqual(first, ModelIdentity.Of(folder).ModelId);
    }

    [Fact]
    public void A_current_manifest_gives_the_same_id_without_hashing_and_a_stale_one_is_ignored()
    {
        var folder = _models.Model("{}");
        var hashed = ModelIdentity.Of(folder).ModelId;
        var files = Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .Select(name => $"\"{name}\": \"{Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, name!))))}\"");
        var manifest = Path.Combine(folder, ModelIdentity.ManifestFileName);
        File.WriteAllText(manifest, $"{{\"files\": {{{string.Join(", ", files)}}}}}");

        Assert.Equal((hashed, true), ModelIdentity.Of(folder));

        // A manifest that is not what the fetch writes (a hash of the wrong length) is ignored: the files are hashed.
        File.WriteAllText(manifest, $"{{\"files\": {{{string.Join(", ", files.Skip(1).Prepend("\"genai_config.json\": \"abc\""))}}}}}");
        Assert.Equal((hashed, false), ModelIdentity.Of(folder));

        // A current manifest is ignored once a file is newer than it (weights copied in place after the fetch).
        File.WriteAllText(manifest, $"{{\"files\": {{{string.Join(", ", files)}}}}}");
        File.SetLastWriteTimeUtc(manifest, DateTime.UtcNow.AddMinutes(-10));
        File.SetLastWriteTimeUtc(Path.Combine(folder, "model.onnx"), DateTime.UtcNow);
        Assert.Equal((hashed, false), ModelIdentity.Of(folder));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 30 s");
            await Task.Delay(20);
        }
    }

    private sealed class FakeEngine(Func<CancellationToken, Task> warmUp) : IFeatureExtractionEngine, IWarmUpEngine
    {
        public EngineDescriptor Descriptor { get; } = new("fake", "fake-1", "1", "a fake engine", "");

        public Task<ExtractionOutput> ExtractAsync(ExtractionInput input, CancellationToken cancellationToken) => Task.FromResult(new ExtractionOutput([]));

        public Task WarmUpAsync(CancellationToken cancellationToken) => warmUp(cancellationToken);
    }

    private sealed class CountingEngine(ChatExtractionEngine inner, Action counted) : IFeatureExtractionEngine, IWarmUpEngine, IDisposable
    {
        public EngineDescriptor Descriptor => inner.Descriptor;

        public Task<ExtractionOutput> ExtractAsync(ExtractionInput input, CancellationToken cancellationToken) => inner.ExtractAsync(input, cancellationToken);

        public async Task WarmUpAsync(CancellationToken cancellationToken)
        {
            await inner.WarmUpAsync(cancellationToken);
            counted();
        }

        public void Dispose() => inner.Dispose();
    }

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no model server in these tests");
    }
}
