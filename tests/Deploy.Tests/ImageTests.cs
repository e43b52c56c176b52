using System.Xml.Linq;
using Xunit;

namespace ClinicalAspire.Deploy.Tests;

/// <summary>The images the manifests run are the ones `dotnet publish /t:PublishContainer` builds.</summary>
public class ImageTests
{
    private sealed record PublishSettings(string Repository, string Tag, string? CudaTag, string User, int[] Ports);

    private static readonly Dictionary<string, string> Projects = new()
    {
        ["translator"] = "Translator.Service",
        ["extractor"] = "Extractor.Service",
        ["evaluator"] = "Evaluator.Service",
        ["dashboard"] = "Dashboard.Web",
    };

    public static TheoryData<string> Overlays => Kustomize.OverlayData();

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Manifest_images_match_the_container_publish_settings(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        foreach (var (service, project) in Projects)
        {
            var settings = Read(project);
            // Only the gpu overlay's extractor runs ONNX on CUDA; its translator calls Aya on vLLM.
            var onnxOnCuda = overlay == "gpu" && service == "extractor";
            var expectedTag = onnxOnCuda ? settings.CudaTag : settings.Tag;
            Assert.Equal($"{settings.Repository}:{expectedTag}", rendered.Workload(service).Pod.Containers[0].Image);
        }
    }

    [Fact]
    public void Publish_settings_follow_the_deployment_conventions()
    {
        foreach (var (service, project) in Projects)
        {
            var settings = Read(project);
            Assert.Equal($"clinicalaspire/{service}", settings.Repository);
            Assert.Equal("app", settings.User);
            Assert.Equal(service == "dashboard" ? [8080] : [8080, 8081], settings.Ports);
            if (service is "extractor" or "translator")
            {
                Assert.Equal(settings.Tag + "-cuda", settings.CudaTag);
            }
            else
            {
                Assert.Null(settings.CudaTag);
            }
        }
    }

    private static PublishSettings Read(string project)
    {
        var document = XDocument.Load(Path.Combine(RepoPaths.Root, project, project + ".csproj"));
        var groups = document.Root!.Elements("PropertyGroup").Where(g => (string?)g.Attribute("Label") == "Container").ToList();
        var plain = groups.Single(g => g.Attribute("Condition") is null);
        var cuda = groups.SingleOrDefault(g => ((string?)g.Attribute("Condition"))?.Contains("'Cuda'", StringComparison.Ordinal) == true);
        var ports = document.Root.Elements("ItemGroup").Elements("ContainerPort").Select(p => int.Parse((string)p.Attribute("Include")!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new PublishSettings(
            (string)plain.Element("ContainerRepository")!,
            (string)plain.Element("ContainerImageTag")!,
            (string?)cuda?.Element("ContainerImageTag"),
            (string)plain.Element("ContainerUser")!,
            ports);
    }
}
