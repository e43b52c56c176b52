using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Dashboard.Presentation;
using ClinicalAspire.Dashboard.Security;

namespace ClinicalAspire.Dashboard.Tests;

public class MetricFormatTests
{
    [Fact]
    public void Median_with_quartiles_reads_like_the_study()
    {
        var quartiles = new Quartiles { Median = 0.8994, Q1 = 0.85, Q3 = 0.92049, CiLow = 0.8, CiHigh = 0.93 };

        Assert.Equal("0.899 [0.850, 0.920]", MetricFormat.MedianIqr(quartiles));
        Assert.Equal("0.800 – 0.930", MetricFormat.Ci(quartiles));
    }

    [Fact]
    public void An_interval_that_was_not_computed_shows_a_dash()
    {
        Assert.Equal(MetricFormat.Missing, MetricFormat.Ci(new Quartiles { Median = 0.7 }));
        Assert.Equal("0.000 – 0.000", MetricFormat.Ci(new Quartiles()));
        Assert.Equal(MetricFormat.Missing, MetricFormat.MedianIqr(null));
        Assert.Equal(MetricFormat.Missing, MetricFormat.Value(double.NaN));
    }

    [Theory]
    [InlineData(0.0123, "+0.012")]
    [InlineData(-0.0345, "\u22120.035")]
    [InlineData(0.0004, "0.000")]
    [InlineData(-0.0004, "0.000")]
    public void Deltas_carry_their_sign(double delta, string expected) => Assert.Equal(expected, MetricFormat.Delta(delta));

    [Theory]
    [InlineData(0.2, "< 1 s")]
    [InlineData(45, "45 s")]
    [InlineData(185, "3 min 05 s")]
    [InlineData(3720, "1 h 02 min")]
    public void Durations_read_naturally(double seconds, string expected) => Assert.Equal(expected, MetricFormat.Duration(seconds));

    [Fact]
    public void Progress_rate_and_eta()
    {
        Assert.Equal("12 / 40 records (30%)", MetricFormat.Progress(12, 0, 40));
        Assert.Equal("12 / 40 records (30%), 2 failed", MetricFormat.Progress(12, 2, 40));
        Assert.Equal("350 / 351 records (99%)", MetricFormat.Progress(350, 0, 351));
        Assert.Equal(0, MetricFormat.Percent(3, 0));
        Assert.Equal("3.2 records/s", MetricFormat.Rate(3.21));
        Assert.Equal("25 records/s", MetricFormat.Rate(25.4));
        Assert.Equal(MetricFormat.Missing, MetricFormat.Rate(0));
        Assert.Equal("10 s", MetricFormat.Eta(new RunInfo { State = RunState.Running, EtaSeconds = 10 }));
        Assert.Equal(MetricFormat.Missing, MetricFormat.Eta(new RunInfo { State = RunState.Completed, EtaSeconds = 10 }));
    }

    [Fact]
    public void A_paired_interval_excludes_zero_only_when_both_ends_agree()
    {
        Assert.True(MetricFormat.CiExcludesZero(0.01, 0.05));
        Assert.True(MetricFormat.CiExcludesZero(-0.05, -0.01));
        Assert.False(MetricFormat.CiExcludesZero(-0.01, 0.05));
    }

    [Fact]
    public void The_administrator_key_matches_only_itself()
    {
        var key = new AdminKey("correct horse");

        Assert.True(key.Matches("correct horse"));
        Assert.False(key.Matches("correct hors"));
        Assert.False(key.Matches(""));
        Assert.False(key.Matches(null));
        Assert.False(new AdminKey(null).Matches("anything"));
        Assert.False(new AdminKey(null).IsConfigured);
    }

    [Theory]
    [InlineData("/runs/1", "/runs/1")]
    [InlineData("//evil.example", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("https://evil.example", "/")]
    [InlineData(null, "/")]
    public void Return_urls_stay_on_the_site(string? url, string expected) => Assert.Equal(expected, DashboardAccess.SafeReturnUrl(url));
}
