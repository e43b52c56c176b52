using Aspire.Hosting.ApplicationModel;
using ClinicalAspire.AppHost.Cache;
using ClinicalAspire.Contracts.Extractor.V1;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicalAspire.AppHost.Tests;

/// <summary>The stack as it runs on a machine with only the .NET SDK: Redis is the embedded Garnet server.</summary>
public sealed class EmbeddedCacheFixture : StackFixture
{
    protected override IEnumerable<string> Settings => ["Cache:Mode=embedded", "Cache:Persistent=false"];
}

public sealed class EmbeddedCacheTests(EmbeddedCacheFixture stack) : IClassFixture<EmbeddedCacheFixture>
{
    [Fact]
    public async Task With_the_embedded_server_the_chain_answers_and_caches()
    {
        var cache = stack.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<LocalRedisResource>().Single();
        Assert.Equal("dotnet", cache.Command);

        var extractor = new Extractor.ExtractorClient(stack.Channel("extractor"));
        var request = new ExtractRequest { Text = "بیمار تب دارد و سرفه می‌کند.", Language = "fa", Strategy = "translate-first" };
        var first = await extractor.ExtractAsync(request);
        var second = await extractor.ExtractAsync(request);
        Assert.Equal(FeatureValue.True, first.Features.Single(f => f.Key == "fever").Value);
        Assert.True(second.CacheHit);

        var info = await extractor.GetInfoAsync(new GetInfoRequest { IncludeDependencies = true });
        Assert.All(info.Dependencies, d => Assert.Equal("Healthy", d.Status));
    }
}
