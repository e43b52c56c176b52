using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ClinicalAspire.Engines.Models;

/// <summary>
/// The id of a local model folder, from its content: <c>{folder name}@{12 hex digits}</c>. Cache keys include the model
/// id, so weights replaced in place get new keys at once instead of serving the old model's answers until their TTL.
/// </summary>
/// <remarks>
/// The digest covers every file of the folder (relative path and SHA-256). The SHA-256s come from
/// <c>model-manifest.json</c> when the model fetch wrote one and it is newer than every file it lists (a file copied
/// in later makes it stale); otherwise each file is hashed once at load (about 1-2 s per GB on one core, beside the
/// model's own load). Sizes and modification times alone would be cheap but do not follow the content.
/// </remarks>
public static class ModelIdentity
{
    /// <summary>Written by the model fetch: <c>{"files": {"model.onnx": "&lt;sha256 hex&gt;", ...}}</c>, paths relative to the folder.</summary>
    public const string ManifestFileName = "model-manifest.json";

    /// <summary>The content id of the folder and whether it came from the manifest (false: files hashed now).</summary>
    public static (string ModelId, bool FromManifest) Of(string folder)
    {
        var root = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .Where(relative => relative != ManifestFileName)
            .Order(StringComparer.Ordinal)
            .ToArray();
        var hashes = FromManifest(root, files);
        var fromManifest = hashes is not null;
        hashes ??= files.ToDictionary(f => f, f => HashFile(Path.Combine(root, f)), StringComparer.Ordinal);

        var digest = new StringBuilder();
        foreach (var file in files)
        {
            digest.Append(file).Append('\0').Append(hashes[file]).Append('\n');
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(digest.ToString())));
        return ($"{Path.GetFileName(root)}@{hash[..12]}", fromManifest);
    }

    /// <summary>The manifest's hashes when it lists exactly the folder's files and none changed after it; else null.</summary>
    private static Dictionary<string, string>? FromManifest(string root, string[] files)
    {
        var manifestPath = Path.Combine(root, ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(manifestPath));
            var listed = document.RootElement.GetProperty("files").EnumerateObject()
                .ToDictionary(p => p.Name.TrimStart('.', '/'), p => p.Value.GetString()?.ToLowerInvariant() ?? "", StringComparer.Ordinal);
            var written = File.GetLastWriteTimeUtc(manifestPath);
            var current = listed.Count == files.Length
                && files.All(f => listed.TryGetValue(f, out var sha) && sha.Length == 64 && File.GetLastWriteTimeUtc(Path.Combine(root, f)) <= written);
            return current ? listed : null;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // A manifest we cannot read is no worse than none: hash the files.
            return null;
        }
    }

    private static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
