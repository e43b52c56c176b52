using Xunit;

namespace ClinicalAspire.Deploy.Tests;

/// <summary>
/// deploy/k8s/rendered/&lt;overlay&gt;.yaml is the reviewed output of `kubectl kustomize deploy/k8s/&lt;overlay&gt;`:
/// a change to the manifests shows up in review as a change to what reaches the cluster.
/// </summary>
public class SnapshotTests
{
    private const string UpdateVariable = "UPDATE_SNAPSHOTS";

    public static TheoryData<string> Overlays => Kustomize.OverlayData();

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Rendering_matches_the_committed_snapshot(string overlay)
    {
        var actual = Normalize(Kustomize.Render(overlay).Yaml);
        var path = RepoPaths.Snapshot(overlay);

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        var how = $"Review the change, then update the snapshots with: {UpdateVariable}=1 dotnet test tests/Deploy.Tests " +
                  $"(or: kubectl kustomize deploy/k8s/{overlay} > deploy/k8s/rendered/{overlay}.yaml).";
        Assert.True(File.Exists(path), $"No snapshot deploy/k8s/rendered/{overlay}.yaml. {how}");
        var expected = Normalize(File.ReadAllText(path));
        if (expected != actual)
        {
            var expectedLines = expected.Split('\n');
            var actualLines = actual.Split('\n');
            var line = Enumerable.Range(0, Math.Max(expectedLines.Length, actualLines.Length))
                .First(i => i >= expectedLines.Length || i >= actualLines.Length || expectedLines[i] != actualLines[i]);
            Assert.Fail(
                $"`kubectl kustomize deploy/k8s/{overlay}` differs from deploy/k8s/rendered/{overlay}.yaml at line {line + 1}:\n" +
                $"  snapshot: {expectedLines.ElementAtOrDefault(line) ?? "<end>"}\n  rendered: {actualLines.ElementAtOrDefault(line) ?? "<end>"}\n{how}");
        }
    }

    [Fact]
    public void Every_snapshot_belongs_to_an_overlay()
    {
        var folder = Path.GetDirectoryName(RepoPaths.Snapshot("base"))!;
        var stale = Directory.GetFiles(folder, "*.yaml")
            .Select(Path.GetFileNameWithoutExtension)
            .Except(Kustomize.Overlays)
            .ToList();
        Assert.True(stale.Count == 0, $"snapshots without an overlay: {string.Join(", ", stale)}; delete them");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);
}
