using k8s;
using k8s.Models;
using Xunit;

namespace ClinicalAspire.Deploy.Tests;

/// <summary>
/// The Secrets the manifests reference exist only on the cluster; deploy/k8s/secrets creates them from
/// untracked env files whose committed *.env.example twins name every key.
/// </summary>
public class SecretTests
{
    /// <summary>Every Secret and key a manifest may reference (deploy/README.md, "Secrets").</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ReferencedSecrets = new Dictionary<string, string[]>
    {
        ["clinicalaspire-redis"] = ["password"],
        ["clinicalaspire-engine"] = ["api-key"],
        ["clinicalaspire-dashboard"] = ["admin-key", "oidc-client-secret"],
        ["clinicalaspire-redis-external"] = ["connection-string", "store-connection-string"],
        ["clinicalaspire-auth"] = ["evaluator-client-key", "extractor-client-key", "dashboard-client-key", "bootstrap-admin-key"],
    };

    private static string SecretsFolder => Path.Combine(RepoPaths.K8s, "secrets");

    [Fact]
    public void The_secrets_kustomization_renders_every_referenced_secret_from_the_examples()
    {
        // Render a copy with the examples standing in for the untracked env files.
        var copy = Directory.CreateTempSubdirectory("clinicalaspire-secrets-");
        try
        {
            foreach (var file in Directory.GetFiles(SecretsFolder))
            {
                var name = Path.GetFileName(file);
                File.Copy(file, Path.Combine(copy.FullName, name.EndsWith(".env.example", StringComparison.Ordinal) ? name[..^".example".Length] : name));
            }
            var secrets = KubernetesYaml.LoadAllFromString(Kustomize.RenderDirectory(copy.FullName), typeMap: null, strict: true)
                .Cast<V1Secret>()
                .ToDictionary(s => s.Metadata.Name, s => s.Data.Keys.Order().ToArray());

            foreach (var (name, keys) in ReferencedSecrets.Where(s => s.Key != "clinicalaspire-redis-external"))
            {
                Assert.True(secrets.TryGetValue(name, out var rendered), $"deploy/k8s/secrets does not create {name}");
                Assert.Equal(keys.Order(), rendered);
            }
            Assert.True(File.Exists(Path.Combine(SecretsFolder, "external-redis.env.example")));
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    [Fact]
    public void Only_examples_with_placeholder_values_are_committed()
    {
        var gitignore = File.ReadAllLines(Path.Combine(SecretsFolder, ".gitignore"));
        Assert.Contains("*.env", gitignore);

        foreach (var example in Directory.GetFiles(SecretsFolder, "*.env.example"))
        {
            foreach (var line in File.ReadAllLines(example).Where(l => l.Contains('=') && !l.TrimStart().StartsWith('#')))
            {
                Assert.Contains("REPLACE", line.Split('=', 2)[1], StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Every_referenced_secret_is_documented_in_the_deployment_guide()
    {
        var guide = File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "README.md"));
        foreach (var (name, keys) in ReferencedSecrets)
        {
            Assert.Contains(name, guide, StringComparison.Ordinal);
            Assert.All(keys, key => Assert.Contains(key, guide, StringComparison.Ordinal));
        }
    }
}
