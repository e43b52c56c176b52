using System.Text.Encodings.Web;
using System.Text.Json;
using ClinicalAspire.Domain.Features;

namespace ClinicalAspire.Domain.Datasets;

/// <summary>Writes datasets as JSONL in the format <see cref="DatasetReader.ReadJsonl(TextReader, FeatureCatalogue?, DatasetLimits?)"/> reads.</summary>
public static class DatasetWriter
{
    private static readonly JsonWriterOptions s_options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // Persian stays readable; the output is a file, not HTML
        Indented = false,
    };

    /// <summary>
    /// One line per record, "\n" line ends. Labels are written in catalogue order (keys outside the catalogue after
    /// them, in the record's order); unknown labels as null. "translation" is omitted when null.
    /// </summary>
    public static void WriteJsonl(Stream output, IEnumerable<DatasetRecord> records, FeatureCatalogue? catalogue = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(records);
        catalogue ??= FeatureCatalogue.Default;
        var newline = "\n"u8.ToArray();
        foreach (var record in records)
        {
            using (var writer = new Utf8JsonWriter(output, s_options))
            {
                writer.WriteStartObject();
                writer.WriteString("id", record.Id);
                writer.WriteString("text", record.Text);
                writer.WriteString("language", record.Language);
                if (record.Translation is not null)
                {
                    writer.WriteString("translation", record.Translation);
                }
                writer.WriteStartObject("labels");
                var keys = catalogue.Keys.Where(record.Labels.ContainsKey)
                    .Concat(record.Labels.Keys.Where(k => !catalogue.Contains(k)));
                foreach (var key in keys)
                {
                    var value = record.Labels[key];
                    if (value is null)
                    {
                        writer.WriteNull(key);
                    }
                    else
                    {
                        writer.WriteBoolean(key, value.Value);
                    }
                }
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            output.Write(newline);
        }
        output.Flush();
    }

    /// <summary>The JSONL text of <paramref name="records"/>.</summary>
    public static string ToJsonl(IEnumerable<DatasetRecord> records, FeatureCatalogue? catalogue = null)
    {
        using var stream = new MemoryStream();
        WriteJsonl(stream, records, catalogue);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
