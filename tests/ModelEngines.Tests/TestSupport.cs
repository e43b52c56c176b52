using ClinicalAspire.TinyModel;

namespace ClinicalAspire.ModelEngines.Tests;

/// <summary>A temporary folder for tiny model folders, removed after the test class.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("clinicalaspire-tiny-").FullName;

    /// <summary>Builds a tiny decoder that answers <paramref name="answer"/>.</summary>
    public string Model(string answer, string name = "tiny-decoder", string? endOfTurn = TinyDecoderBuilder.End) =>
        TinyDecoderBuilder.Build(System.IO.Path.Combine(Path, Guid.NewGuid().ToString("N")), new TinyDecoderSpec
        {
            Answer = answer,
            Name = name,
            EndOfTurnToken = endOfTurn,
        });

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
