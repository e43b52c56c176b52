using System.Net;
using System.Text.Json;
using ClinicalAspire.Contracts.Extractor.V1;
using ClinicalAspire.TestSupport;
using ClinicalAspire.TinyModel;

namespace ClinicalAspire.Services.Tests;

/// <summary>The Extractor's readiness with a generated tiny ONNX model: ready only after its warm-up, 503 naming a broken one.</summary>
public sealed class ReadinessServiceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("readiness-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string ProfilesFile(string modelFolder)
    {
        var path = Path.Combine(_folder, "profiles.json");
        File.WriteAllText(path, $$$"""
            {"profiles": [
              {"name": "rules"},
              {"name": "tiny", "extractor": {"engine": "onnx", "modelPath": {{{JsonSerializer.Serialize(modelFolder)}}}, "promptMode": "json"}}
            ]}
            """);
        return path;
    }

    private static Task<ServiceProcess> StartExtractorAsync(string profiles) =>
        ServiceProcess.StartAsync("Extractor.Service", new Dictionary<string, string>
        {
            ["Profiles__File"] = profiles,
            // The load line (logged after an ONNX model's warm-up) tells when the profile became ready.
            ["Logging__LogLevel__ClinicalAspire.Engines.Profiles"] = "Information",
        });

    /// <summary>Polls /health until it answers <paramref name="expected"/>; returns the body.</summary>
    private static async Task<JsonElement> WaitForHealthAsync(ServiceProcess service, HttpStatusCode expected)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            using var response = await http.GetAsync($"{service.HttpAddress}/health");
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            if (response.StatusCode == expected)
            {
                return body;
            }
            Assert.True(DateTime.UtcNow < deadline, $"/health stayed {response.StatusCode}: {body}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_truncated_model_makes_health_503_naming_the_profile_while_liveness_stays_up()
    {
        var model = TinyDecoderBuilder.Build(Path.Combine(_folder, "models"), "{}");
        var onnx = Path.Combine(model, "model.onnx");
        using (var file = File.Open(onnx, FileMode.Open))
        {
            file.SetLength(file.Length / 3);
        }
        await using var extractor = await StartExtractorAsync(ProfilesFile(model));

        // Wait for the load to end (not just "loading"), then the answer must name the profile and why.
        JsonElement body;
        do
        {
            body = await WaitForHealthAsync(extractor, HttpStatusCode.ServiceUnavailable);
        }
        while (body.GetProperty("checks").GetProperty("engines").GetProperty("description").GetString()!.Contains("loading", StringComparison.Ordinal));

        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        var engines = body.GetProperty("checks").GetProperty("engines").GetProperty("description").GetString()!;
        Assert.Contains("profile 'tiny'", engines, StringComparison.Ordinal);
        Assert.DoesNotContain("profile 'rules'", engines, StringComparison.Ordinal);
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{extractor.HttpAddress}/alive")).StatusCode);
        var info = await new Extractor.ExtractorClient(extractor.Channel).GetInfoAsync(new GetInfoRequest());
        Assert.Equal(["Healthy", "Unhealthy"], info.Profiles.Select(p => p.Status).ToArray());
    }

    [Fact]
    public async Task A_good_model_is_healthy_only_once_it_has_loaded_and_warmed_up()
    {
        var model = TinyDecoderBuilder.Build(Path.Combine(_folder, "models"), "{}");
        await using var extractor = await StartExtractorAsync(ProfilesFile(model));

        await WaitForHealthAsync(extractor, HttpStatusCode.OK);

        // An ONNX profile logs its load line once its warm-up generation has answered, just before it becomes ready
        // (the console logger writes in the background: give the line a moment).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!extractor.Output.Contains("Engine profile tiny (extractor) loaded onnx/tiny-decoder@", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "no load line for profile tiny: " + extractor.Output);
            await Task.Delay(100);
        }
        var info = await new Extractor.ExtractorClient(extractor.Channel).GetInfoAsync(new GetInfoRequest());
        var tiny = info.Profiles.Single(p => p.Name == "tiny");
        Assert.Equal("Healthy", tiny.Status);
        Assert.Matches("^tiny-decoder@[0-9a-f]{12}$", tiny.Engine.ModelId);
    }
}
