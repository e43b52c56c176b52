using System.Text.Json;

namespace ClinicalAspire.Benchmarks;

/// <summary>Benchmark inputs made from the bundled synthetic demo notes (no clinical data of anyone).</summary>
public static class BenchData
{
    public sealed record DemoRecord(string Id, string Text, string Language, string Translation, Dictionary<string, bool?> Labels);

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ClinicalAspire.sln")))
            {
                return directory.FullName;
            }
        }
        var current = Directory.GetCurrentDirectory();
        return File.Exists(Path.Combine(current, "ClinicalAspire.sln")) ? current : throw new DirectoryNotFoundException("run from the repository");
    }

    public static IReadOnlyList<DemoRecord> Demo()
    {
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        return File.ReadLines(Path.Combine(RepositoryRoot(), "data", "demo", "demo.jsonl"))
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line => JsonSerializer.Deserialize<DemoRecord>(line, options)!)
            .ToArray();
    }

    /// <summary>Persian notes of about <paramref name="words"/> words: consecutive demo notes joined.</summary>
    public static IReadOnlyList<string> PersianNotes(int words = 80, int count = 200)
    {
        var demo = Demo();
        var notes = new List<string>();
        var current = new List<string>();
        var i = 0;
        while (notes.Count < count)
        {
            current.Add(demo[i++ % demo.Count].Text);
            if (current.Sum(t => t.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length) >= words)
            {
                notes.Add(string.Join(" ", current));
                current.Clear();
            }
        }
        return notes;
    }

    /// <summary>
    /// One note of at most <paramref name="bytes"/> UTF-8 bytes (the unit of the services' input limit): "pain " or
    /// "درد " over and over (<paramref name="kind"/> "repeat": every word a trigger), or consecutive demo notes, their
    /// Persian texts or English translations ("demo").
    /// </summary>
    public static string LongNote(string language, string kind, int bytes)
    {
        var demo = kind == "demo" ? Demo() : [];
        var note = new System.Text.StringBuilder();
        var size = 0;
        for (var i = 0; ; i++)
        {
            var piece = kind == "demo"
                ? (language == "fa" ? demo[i % demo.Count].Text : demo[i % demo.Count].Translation) + " "
                : language == "fa" ? "درد " : "pain ";
            var pieceBytes = System.Text.Encoding.UTF8.GetByteCount(piece);
            if (size + pieceBytes > bytes)
            {
                return note.ToString();
            }
            note.Append(piece);
            size += pieceBytes;
        }
    }
}
