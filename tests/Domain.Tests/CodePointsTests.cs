using ClinicalAspire.Domain.Text;

namespace ClinicalAspire.Domain.Tests;

public sealed class CodePointsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("درد دارد, pain")]
    [InlineData("a\U0001F600b\U0001F600\U0001F600c")]
    [InlineData("\uD83D")] // a lone high surrogate
    [InlineData("x\uDE00\uD83Dy\uD83D\uDE00\uDE00")] // lone halves around a pair
    [InlineData("\uD83D\uD83D\uDE00")] // a high surrogate before a pair
    public void The_index_answers_like_the_scan_at_every_offset(string text)
    {
        var index = CodePoints.Index(text);
        for (var offset = -2; offset <= text.Length + 2; offset++)
        {
            Assert.Equal(CodePoints.FromUtf16(text, offset), index.FromUtf16(offset));
        }
    }
}
