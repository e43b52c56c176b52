using ClinicalAspire.Domain.Text;
using ClinicalAspire.Engines.Abstractions;
using ClinicalAspire.Engines.Models;

namespace ClinicalAspire.ModelEngines.Tests;

/// <summary>The translator on the real GenAI path with tiny decoders planted with translations.</summary>
public sealed class OnnxTranslationTests : IClassFixture<TempFolder>
{
    private const string PersianNote = "بیمار از دیروز درد شدید شکم دارد و ۲ قرص مورفین ۱۰ میلی‌گرم خورده است.";
    private readonly TempFolder _temp;

    public OnnxTranslationTests(TempFolder temp) => _temp = temp;

    [Fact]
    public async Task Translates_with_the_planted_answer()
    {
        const string english = "The patient has had severe abdominal pain since yesterday and has taken 2 tablets of morphine 10 mg.";
        var folder = _temp.Model(english, name: "tiny-translator");
        using var engine = ChatTranslationEngine.Create(new ModelEngineOptions { Kind = "onnx", ModelPath = folder });

        var output = await engine.TranslateAsync(PersianNote, Languages.Persian, Languages.English, CancellationToken.None);

        Assert.Equal(english, output.Text);
        Assert.False(output.IsGloss);
        Assert.Equal(1, output.Segments);
        Assert.Equal("onnx", engine.Descriptor.Engine);
        Assert.StartsWith("tiny-translator@", engine.Descriptor.ModelId, StringComparison.Ordinal);
        Assert.StartsWith("translate-", engine.Descriptor.PromptVersion);
    }

    [Fact]
    public async Task Leaked_template_tokens_and_preamble_are_cleaned()
    {
        // The model writes a preamble and a chat-template token as plain text, then junk after it.
        var folder = _temp.Model("Translation: The patient has severe pain.<|im_end|>\n<|im_start|>user", name: "tiny-leaky");
        using var engine = ChatTranslationEngine.Create(new ModelEngineOptions { Kind = "onnx", ModelPath = folder });

        var output = await engine.TranslateAsync("بیمار درد شدید دارد.", Languages.Persian, Languages.English, CancellationToken.None);

        Assert.Equal("The patient has severe pain.", output.Text);
    }

    [Fact]
    public async Task Long_notes_are_split_and_reassembled_in_order()
    {
        // Every segment gets the same planted answer; three paragraphs -> three segments joined with their breaks.
        var folder = _temp.Model("Segment translated.", name: "tiny-segments");
        using var engine = ChatTranslationEngine.Create(new ModelEngineOptions { Kind = "onnx", ModelPath = folder, TranslationSegmentChars = 100 });
        var note = string.Join("\n\n", Enumerable.Repeat("بیمار درد دارد و تب کرده است و دیشب نخوابیده است و غذا نمی‌خورد و ضعف شدید دارد.", 3));

        var output = await engine.TranslateAsync(note, Languages.Persian, Languages.English, CancellationToken.None);

        Assert.Equal(3, output.Segments);
        Assert.Equal("Segment translated.\n\nSegment translated.\n\nSegment translated.", output.Text);
    }

    [Fact]
    public async Task Output_in_Persian_is_rejected_without_clinical_text_in_the_message()
    {
        var folder = _temp.Model("بیمار درد دارد", name: "tiny-persian");
        using var engine = ChatTranslationEngine.Create(new ModelEngineOptions { Kind = "onnx", ModelPath = folder });

        var error = await Assert.ThrowsAsync<EngineOutputException>(
            () => engine.TranslateAsync("بیمار درد دارد.", Languages.Persian, Languages.English, CancellationToken.None));

        Assert.Contains("not English", error.Message);
        Assert.DoesNotMatch("[\u0600-\u06FF]", error.Message);
        Assert.DoesNotContain("درد", error.Message);
    }

    [Fact]
    public async Task Empty_output_is_rejected()
    {
        var folder = _temp.Model("<|im_end|>", name: "tiny-empty");
        using var engine = ChatTranslationEngine.Create(new ModelEngineOptions { Kind = "onnx", ModelPath = folder });

        var error = await Assert.ThrowsAsync<EngineOutputException>(
            () => engine.TranslateAsync("بیمار درد دارد.", Languages.Persian, Languages.English, CancellationToken.None));
        Assert.Contains("empty", error.Message);
    }
}
