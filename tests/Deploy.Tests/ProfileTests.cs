using System.Text;
using ClinicalAspire.Engines.Models;
using ClinicalAspire.Engines.Profiles;
using k8s.Models;
using Xunit;

namespace ClinicalAspire.Deploy.Tests;

/// <summary>
/// The vllm overlay mounts an engine-profiles file into the extractor and the translator: it must load with the
/// services' own parser, name only model servers the overlay runs, and keep its API keys in the Secret.
/// </summary>
public class ProfileTests
{
    private const string Overlay = "vllm";
    private static readonly string[] Services = ["extractor", "translator"];

    [Fact]
    public void Both_services_read_the_same_mounted_profiles_file_and_their_api_keys_from_the_secret()
    {
        var rendered = Kustomize.Render(Overlay);
        var (configMap, _, secrets) = Profiles(rendered);
        Assert.NotEmpty(secrets);

        foreach (var service in Services)
        {
            var file = rendered.Environment(service)["Profiles__File"];
            var container = rendered.Workload(service).Pod.Containers[0];
            var mount = Assert.Single(container.VolumeMounts, m => file.StartsWith(m.MountPath + "/", StringComparison.Ordinal));
            Assert.True(mount.ReadOnlyProperty);
            var volume = rendered.Workload(service).Pod.Volumes.Single(v => v.Name == mount.Name);
            Assert.Equal(configMap.Metadata.Name, volume.ConfigMap.Name);
            Assert.Contains(Path.GetFileName(file), configMap.Data.Keys);

            // Secrets:{name} for every apiKeySecret: a profile whose secret is missing stops the service at start.
            foreach (var secret in secrets)
            {
                var reference = container.Env.Single(e => e.Name == $"Secrets__{secret}").ValueFrom.SecretKeyRef;
                Assert.Equal(("clinicalaspire-engine", "api-key"), (reference.Name, reference.Key));
                Assert.NotEqual(true, reference.Optional);
            }
        }
    }

    [Fact]
    public void Every_model_profile_calls_a_vllm_server_of_the_overlay_by_the_name_it_serves()
    {
        var rendered = Kustomize.Render(Overlay);
        var (_, set, _) = Profiles(rendered);

        var roles = set.Profiles.SelectMany(p => new[] { p.Extractor, p.Translator }).Where(r => r.Model is not null).ToList();
        Assert.NotEmpty(roles);
        foreach (var role in roles)
        {
            var options = role.Model!;
            Assert.Equal(ModelEngineKinds.OpenAI, options.Kind);
            var endpoint = new Uri(options.Endpoint!);
            Assert.Equal("/v1", endpoint.AbsolutePath);
            var service = rendered.Single<V1Service>(endpoint.Host);
            Assert.Equal(endpoint.Port, service.Spec.Ports.Single().Port);
            var server = rendered.Workload(service.Spec.Selector["app.kubernetes.io/name"]).Pod.Containers.Single();
            Assert.Equal(OverlayTests.VllmArgs(server)["--served-model-name"], options.Model);
        }

        // The study's translator, Aya-expanse-8B, only ever through its OpenAI-compatible server.
        Assert.All(set.Profiles.Where(p => p.Translator.Model is not null),
            p => Assert.Equal(OverlayTests.AyaModel, p.Translator.Model!.Model));
        Assert.Contains(set.Profiles, p => p.Extractor.Model?.Model == OverlayTests.AyaModel);
        Assert.Contains(set.Profiles, p => p.Extractor.Kind == "rules" && p.Translator.Kind == "gloss");
    }

    [Fact]
    public void The_default_profile_is_the_engine_settings_pair()
    {
        // Engine__* stay meaningful: without Profiles__File the stack runs the same default pair.
        var rendered = Kustomize.Render(Overlay);
        var (_, set, _) = Profiles(rendered);
        var profile = set.Find(null)!;

        foreach (var (service, role) in new[] { ("extractor", profile.Extractor), ("translator", profile.Translator) })
        {
            var environment = rendered.Environment(service);
            Assert.Equal(environment["Engine__Kind"], role.Kind);
            Assert.Equal(environment["Engine__Endpoint"], role.Model!.Endpoint);
            Assert.Equal(environment["Engine__Model"], role.Model.Model);
        }
        Assert.Equal(rendered.Environment("extractor")["Engine__PromptMode"], profile.Extractor.Model!.PromptMode);
    }

    /// <summary>The mounted profiles file, loaded as the services load it, and the secret names it asks for.</summary>
    private static (V1ConfigMap ConfigMap, EngineProfileSet Set, IReadOnlySet<string> Secrets) Profiles(Rendered rendered)
    {
        var file = Path.GetFileName(rendered.Environment("extractor")["Profiles__File"]);
        var configMap = Assert.Single(rendered.OfKind<V1ConfigMap>(), c => c.Data?.ContainsKey(file) == true);
        var secrets = new SortedSet<string>(StringComparer.Ordinal);
        var set = EngineProfilesFile.Parse(Encoding.UTF8.GetBytes(configMap.Data[file]), file, name =>
        {
            secrets.Add(name);
            return "test-key";
        });
        return (configMap, set, secrets);
    }
}
