using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicalAspire.AppHost.Tests;

/// <summary>What the AppHost gives its projects: nothing in Development, credentials and its environment elsewhere.</summary>
public sealed class CredentialTests
{
    private static async Task<Dictionary<string, Dictionary<string, string>>> EnvironmentAsync(string environment)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"--environment={environment}", "Cache:Mode=external", "ConnectionStrings:cache=127.0.0.1:1"], (options, _) => options.DisableDashboard = true);
        await using var app = await builder.BuildAsync();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var result = new Dictionary<string, Dictionary<string, string>>();
        foreach (var name in new[] { "translator", "extractor", "evaluator", "dashboard" })
        {
            var project = model.Resources.OfType<ProjectResource>().Single(r => r.Name == name);
            // The one-call way to evaluate a project's environment callbacks; its replacement needs the whole execution pipeline.
#pragma warning disable CS0618
            result[name] = await project.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Run);
#pragma warning restore CS0618
        }
        return result;
    }

    [Fact]
    public async Task Outside_development_each_service_gets_its_environment_and_the_credentials_of_its_callers()
    {
        var env = await EnvironmentAsync("Production");
        Assert.All(env.Values, e => Assert.Equal("Production", e["ASPNETCORE_ENVIRONMENT"]));
        Assert.Equal(env["evaluator"]["Auth__ClientKey"], env["extractor"]["Auth__Callers__evaluator__Key"]);
        Assert.Equal(env["extractor"]["Auth__ClientKey"], env["translator"]["Auth__Callers__extractor__Key"]);
        Assert.Equal(env["dashboard"]["Auth__ClientKey"], env["evaluator"]["Auth__Callers__dashboard__Key"]);
        Assert.True(env["evaluator"]["Auth__BootstrapAdminKey"].Length >= 32);
        Assert.NotEqual(env["evaluator"]["Auth__ClientKey"], env["extractor"]["Auth__ClientKey"]);

        var development = await EnvironmentAsync("Development");
        Assert.All(development.Values, e => Assert.DoesNotContain(e.Keys, k => k.StartsWith("Auth__", StringComparison.Ordinal)));
    }
}
