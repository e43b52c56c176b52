using System.Text;
using System.Text.Json;
using ClinicalAspire.Contracts.Extractor.V1;
using ClinicalAspire.Contracts.Translator.V1;
using ClinicalAspire.TestSupport;
using Grpc.Core;

namespace ClinicalAspire.Services.Tests;

public sealed class ExtractorServiceTests
{
    private const string Note = "بیمار از دیشب درد شدید کمر دارد ولی تب ندارد. دخترش میگه نفسش بالا نمیاد.";

    private static Task<ServiceProcess> StartExtractorAsync(Dictionary<string, string> settings) =>
        ServiceProcess.StartAsync("Extractor.Service", settings);

    [Fact]
    public async Task With_redis_down_it_still_answers_reports_degraded_health_and_caches_once_redis_is_back()
    {
        var redisPort = RedisServerProcess.FreePort();
        await using var extractor = await StartExtractorAsync(new()
        {
            ["ConnectionStrings__cache"] = $"127.0.0.1:{redisPort}",
        });
        var client = new Extractor.ExtractorClient(extractor.Channel);
        using var http = new HttpClient();

        var answer = await client.ExtractAsync(new ExtractRequest { Text = Note, Language = "fa" });
        Assert.Equal(FeatureValue.True, answer.Features.Single(f => f.Key == "pain").Value);
        Assert.False(answer.CacheHit);
        var health = await http.GetAsync($"{extractor.HttpAddress}/health");
        Assert.True(health.IsSuccessStatusCode);
        var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Degraded", body.GetProperty("status").GetString());
        Assert.Equal("Degraded", body.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());

        await using var redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer, port: redisPort);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string status;
        do
        {
            await Task.Delay(250);
            status = JsonDocument.Parse(await http.GetStringAsync($"{extractor.HttpAddress}/health")).RootElement.GetProperty("status").GetString()!;
        }
        while (status != "Healthy" && DateTime.UtcNow < deadline);
        Assert.Equal("Healthy", status);

        const string fresh = "بیمار امروز تهوع و استفراغ دارد.";
        await client.ExtractAsync(new ExtractRequest { Text = fresh, Language = "fa" });
        var again = await client.ExtractAsync(new ExtractRequest { Text = fresh, Language = "fa" });
        Assert.True(again.CacheHit);
    }

    [Fact]
    public async Task Bad_input_is_invalid_argument_naming_the_problem_and_a_stream_goes_on_past_a_bad_item()
    {
        await using var extractor = await StartExtractorAsync([]);
        var client = new Extractor.ExtractorClient(extractor.Channel);

        var tooLong = await Assert.ThrowsAsync<RpcException>(() => client.ExtractAsync(new ExtractRequest { Text = new string('د', 20_000), Language = "fa" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, tooLong.StatusCode);
        Assert.Contains("40,000 bytes", tooLong.Status.Detail);
        Assert.DoesNotContain("ددد", tooLong.Status.Detail);

        var keys = await Assert.ThrowsAsync<RpcException>(() => client.ExtractAsync(new ExtractRequest { Text = Note, Language = "fa", FeatureKeys = { "pain", "lymphedemaa" } }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, keys.StatusCode);
        Assert.Contains("feature_keys[1]", keys.Status.Detail);
        Assert.DoesNotContain("lymphedemaa", keys.Status.Detail);

        var strategy = await Assert.ThrowsAsync<RpcException>(() => client.ExtractAsync(new ExtractRequest { Text = Note, Language = "fa", Strategy = "both" }).ResponseAsync);
        Assert.Contains("strategy must be 'direct' or 'translate-first'", strategy.Status.Detail);

        var subset = await client.ExtractAsync(new ExtractRequest { Text = Note, Language = "fa", FeatureKeys = { "fever", "pain" } });
        Assert.Equal(["fever", "pain"], subset.Features.Select(f => f.Key).OrderBy(k => k));

        using var stream = client.ExtractStream();
        await stream.RequestStream.WriteAsync(new ExtractRequest { Id = "ok-1", Text = Note, Language = "fa" });
        await stream.RequestStream.WriteAsync(new ExtractRequest { Id = "bad", Text = "", Language = "fa" });
        await stream.RequestStream.WriteAsync(new ExtractRequest { Id = "ok-2", Text = "He has a fever and vomits.", Language = "en" });
        await stream.RequestStream.CompleteAsync();
        var responses = new Dictionary<string, ExtractResponse>();
        await foreach (var response in stream.ResponseStream.ReadAllAsync())
        {
            responses[response.Id] = response;
        }
        Assert.Equal(3, responses.Count);
        Assert.Equal("INVALID_ARGUMENT", responses["bad"].Error.Code);
        Assert.Equal(FeatureValue.True, responses["ok-2"].Features.Single(f => f.Key == "fever").Value);
        Assert.Equal(FeatureValue.True, responses["ok-1"].Features.Single(f => f.Key == "pain").Value);
    }

    [Fact]
    public async Task Evidence_offsets_are_code_points_into_the_callers_text_even_from_the_cache_when_the_note_is_typed_differently()
    {
        await using var redis = await RedisServerProcess.StartAsync(RedisKind.RedisServer);
        await using var extractor = await StartExtractorAsync(new() { ["ConnectionStrings__cache"] = redis.ConnectionString });
        var client = new Extractor.ExtractorClient(extractor.Channel);

        // The same note with ZWNJ, and without it and with Arabic letters: one cache entry, each its own offsets.
        const string withZwnj = "😀 بیمار می‌گوید درد شدیدی در کمر دارد.";
        const string plain = "😀 بيمار ميگويد درد شديدي در كمر دارد.";
        var first = await client.ExtractAsync(new ExtractRequest { Text = withZwnj, Language = "fa" });
        var second = await client.ExtractAsync(new ExtractRequest { Text = plain, Language = "fa" });

        Assert.False(first.CacheHit);
        Assert.True(second.CacheHit);
        foreach (var (text, response) in new[] { (withZwnj, first), (plain, second) })
        {
            var evidence = response.Features.Single(f => f.Key == "pain").Evidence.Single();
            var codePoints = text.EnumerateRunes().Select(r => r.ToString()).ToArray();
            Assert.Equal(evidence.Quote, string.Concat(codePoints[evidence.Start..evidence.End]));
            Assert.Contains("درد", evidence.Quote);
        }
    }

    [Fact]
    public async Task A_False_answer_says_why_the_mention_did_not_count_with_its_cue_in_the_callers_offsets()
    {
        await using var extractor = await StartExtractorAsync([]);
        var client = new Extractor.ExtractorClient(extractor.Channel);

        // A question answered "no", and a denied symptom (the emoji shifts UTF-16 offsets away from code points).
        const string note = "😀 پرستار: تب؟ همراه: نه. بیمار درد ندارد.";
        var response = await client.ExtractAsync(new ExtractRequest { Text = note, Language = "fa" });

        var codePoints = note.EnumerateRunes().Select(r => r.ToString()).ToArray();
        string At(Evidence e) => string.Concat(codePoints[e.Start..e.End]);
        foreach (var key in new[] { "fever", "pain" })
        {
            var feature = response.Features.Single(f => f.Key == key);
            Assert.Equal(FeatureValue.False, feature.Value);
            var mention = Assert.Single(feature.Discounted);
            Assert.Equal("negated", mention.Status);
            Assert.Equal(mention.Quote, At(mention));
            Assert.NotNull(mention.Cue);
            Assert.Equal(mention.Cue.Quote, At(mention.Cue));
        }
        Assert.Contains("تب", response.Features.Single(f => f.Key == "fever").Discounted[0].Quote);
        Assert.Equal("نه", response.Features.Single(f => f.Key == "fever").Discounted[0].Cue.Quote);
        Assert.Contains("ندارد", response.Features.Single(f => f.Key == "pain").Discounted[0].Cue.Quote);
    }

    [Fact]
    public async Task A_deployment_catalogue_adds_features_without_a_code_change()
    {
        var catalogue = JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(Path.Combine(RedisServerProcess.RepositoryRoot(), "data", "catalogue", "features.json")));
        var features = catalogue.GetProperty("features").EnumerateArray().Select(f => (object)f).ToList();
        features.Add(new Dictionary<string, object>
        {
            ["key"] = "lymphedema", ["order"] = 14, ["name_en"] = "Lymphedema", ["name_fa"] = "لنف‌ادم",
            ["definition_en"] = "Swelling of a limb from lymphatic obstruction.",
        });
        var path = Path.Combine(Path.GetTempPath(), $"catalogue-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new { version = "study-13+1", features }), Encoding.UTF8);
        try
        {
            await using var extractor = await StartExtractorAsync(new() { ["Extractor__CataloguePath"] = path });
            var client = new Extractor.ExtractorClient(extractor.Channel);
            var list = await client.ListFeaturesAsync(new ListFeaturesRequest());
            Assert.Equal(14, list.Features.Count);
            Assert.Equal("study-13+1", list.CatalogueVersion);
            var answer = await client.ExtractAsync(new ExtractRequest { Text = Note, Language = "fa" });
            Assert.Equal(14, answer.Features.Count);
            Assert.Equal(FeatureValue.False, answer.Features.Single(f => f.Key == "lymphedema").Value);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Translate_first_reads_the_translators_english_and_names_a_translator_outage()
    {
        await using var translator = await ServiceProcess.StartAsync("Translator.Service", new Dictionary<string, string>());
        await using var extractor = await StartExtractorAsync(new() { ["Services__translator__Address"] = translator.GrpcAddress });
        var client = new Extractor.ExtractorClient(extractor.Channel);

        var answer = await client.ExtractAsync(new ExtractRequest { Text = Note, Language = "fa", Strategy = "translate-first" });
        Assert.Equal("en", answer.LanguageRead);
        Assert.Equal("gloss", answer.TranslatorEngine.Engine);
        var pain = answer.Features.Single(f => f.Key == "pain");
        Assert.Equal(FeatureValue.True, pain.Value);
        Assert.All(pain.Evidence, e => Assert.Equal("translation", e.Source));
        Assert.All(pain.Evidence, e => Assert.Equal(e.Quote, answer.Translation[e.Start..e.End]));

        var gloss = await new Translator.TranslatorClient(translator.Channel).TranslateAsync(new TranslateRequest { Text = Note, SourceLanguage = "fa", TargetLanguage = "en" });
        Assert.True(gloss.IsGloss);
        Assert.Contains("pain", gloss.Translation, StringComparison.OrdinalIgnoreCase);

        await translator.CrashAsync();
        var outage = await Assert.ThrowsAsync<RpcException>(() => client.ExtractAsync(new ExtractRequest { Text = Note + " ", Language = "fa", Strategy = "translate-first", BypassCache = true }).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, outage.StatusCode);
        Assert.Contains("Translator", outage.Status.Detail);
    }
}
