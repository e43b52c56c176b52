using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Contracts.Extractor.V1;
using ClinicalAspire.Contracts.Translator.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;

namespace ClinicalAspire.AppHost.Tests;

public sealed class StackTests(StackFixture stack) : IClassFixture<StackFixture>
{
    [Fact]
    public async Task Every_service_serves_health_and_alive_over_http1()
    {
        foreach (var resource in new[] { "translator", "extractor", "evaluator", "dashboard" })
        {
            using var http = stack.Http(resource);
            var health = await http.GetAsync("/health");
            var alive = await http.GetAsync("/alive");
            Assert.True(health.IsSuccessStatusCode, $"{resource} /health answered {(int)health.StatusCode}");
            Assert.True(alive.IsSuccessStatusCode, $"{resource} /alive answered {(int)alive.StatusCode}");
            Assert.Contains("\"status\":\"Healthy\"", await health.Content.ReadAsStringAsync());
        }
    }

    [Theory]
    [InlineData("translator", "clinical.translator.v1.Translator")]
    [InlineData("extractor", "clinical.extractor.v1.Extractor")]
    [InlineData("evaluator", "clinical.evaluator.v1.Evaluator")]
    public async Task Every_gRPC_service_serves_the_standard_health_service_and_reflection(string resource, string serviceName)
    {
        var channel = stack.Channel(resource);
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);

        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToArray();
        Assert.Contains(serviceName, services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    [Fact]
    public async Task System_status_walks_the_whole_chain_down_to_redis()
    {
        var evaluator = new Evaluator.EvaluatorClient(stack.Channel("evaluator"));
        var status = await evaluator.GetSystemStatusAsync(new GetSystemStatusRequest());
        var byName = status.Components.ToDictionary(c => c.Name, c => c.Status);

        Assert.Equal("Healthy", byName["evaluator"]);
        Assert.Equal("Healthy", byName["evaluator/redis"]);
        Assert.Equal("Healthy", byName["extractor"]);
        Assert.Equal("Healthy", byName["extractor/redis"]);
        Assert.Equal("Healthy", byName["extractor/translator"]);
        Assert.Equal("Healthy", byName["extractor/translator/redis"]);
        Assert.Single(status.EngineProfiles);
    }

    [Fact]
    public async Task Bad_input_gets_invalid_argument_naming_the_problem()
    {
        var extractor = new Extractor.ExtractorClient(stack.Channel("extractor"));
        var empty = await Assert.ThrowsAsync<RpcException>(() => extractor.ExtractAsync(new ExtractRequest { Text = "  ", Language = "fa" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
        Assert.Contains("empty", empty.Status.Detail);

        var language = await Assert.ThrowsAsync<RpcException>(() => extractor.ExtractAsync(new ExtractRequest { Text = "درد دارد", Language = "de" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, language.StatusCode);
        Assert.Contains("language must be 'fa' (Persian) or 'en' (English)", language.Status.Detail);

        var translator = new Translator.TranslatorClient(stack.Channel("translator"));
        var pair = await Assert.ThrowsAsync<RpcException>(() => translator.TranslateAsync(
            new TranslateRequest { Text = "درد دارد", SourceLanguage = "fa", TargetLanguage = "de" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, pair.StatusCode);
        Assert.Contains("target_language must be 'en'", pair.Status.Detail);
    }

    [Fact]
    public async Task The_dashboard_home_page_renders()
    {
        using var http = stack.Http("dashboard");
        var html = await http.GetStringAsync("/");
        Assert.Contains("ClinicalAspire", html);
    }

    [Fact]
    public async Task A_note_walks_extractor_translator_and_redis_and_comes_back_from_the_cache()
    {
        var extractor = new Extractor.ExtractorClient(stack.Channel("extractor"));
        var request = new ExtractRequest
        {
            Id = "e2e-1",
            Text = "بیمار از دیشب درد شدید در ناحیه کمر دارد و تب ندارد.",
            Language = "fa",
            Strategy = "translate-first",
            BypassCache = false,
        };

        var first = await extractor.ExtractAsync(request);
        var second = await extractor.ExtractAsync(request);

        Assert.Equal("e2e-1", first.Id);
        Assert.Equal("en", first.LanguageRead);
        Assert.False(string.IsNullOrWhiteSpace(first.Translation));
        Assert.Equal("gloss", first.TranslatorEngine.Engine);
        Assert.Equal(13, first.Features.Count);
        Assert.Equal(FeatureValue.True, first.Features.Single(f => f.Key == "pain").Value);
        Assert.Equal(FeatureValue.False, first.Features.Single(f => f.Key == "fever").Value);
        Assert.True(second.CacheHit);
        Assert.Equal(first.Features, second.Features);

        var direct = await extractor.ExtractAsync(new ExtractRequest { Text = request.Text, Language = "fa", Strategy = "direct" });
        var pain = direct.Features.Single(f => f.Key == "pain");
        Assert.Equal(FeatureValue.True, pain.Value);
        var evidence = Assert.Single(pain.Evidence);
        Assert.Equal(request.Text[evidence.Start..evidence.End], evidence.Quote);
        Assert.Contains("درد", evidence.Quote);
    }
}
