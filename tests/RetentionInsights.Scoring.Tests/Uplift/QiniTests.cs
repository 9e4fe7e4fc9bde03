using RetentionInsights.Scoring.Uplift;

namespace RetentionInsights.Scoring.Tests.Uplift;

public sealed class QiniTests
{
    [Fact]
    public void Truth_PerfectRankingBeatsRandomAndReversedIsNegative()
    {
        var random = new Random(3);
        var uplift = Enumerable.Range(0, 1000).Select(_ => random.NextDouble() - 0.3).ToArray();
        var perfect = Qini.Truth(uplift, uplift).Area;
        var reversed = Qini.Truth(uplift.Select(u => -u).ToArray(), uplift).Area;
        var constant = Qini.Truth(uplift.Select(_ => 0.0).ToArray(), uplift).Area;
        var noise = Qini.Truth(uplift.Select(_ => random.NextDouble()).ToArray(), uplift).Area;
        Assert.True(perfect > 0);
        Assert.True(reversed < 0);
        Assert.InRange(noise / perfect, -0.15, 0.15);
        Assert.InRange(constant / perfect, -0.15, 0.15);
    }

    [Fact]
    public void Outcome_RandomisedExperiment_RanksTheResponsiveSubgroupFirst()
    {
        // Half the customers respond to treatment (churn 30 % → 10 %), half do not (20 % either way); treatment is a coin flip.
        var random = new Random(8);
        var n = 20_000;
        var responsive = Enumerable.Range(0, n).Select(_ => random.NextDouble() < 0.5).ToArray();
        var treated = Enumerable.Range(0, n).Select(_ => random.NextDouble() < 0.5).ToArray();
        var churned = Enumerable.Range(0, n).Select(i => random.NextDouble() < (responsive[i] ? (treated[i] ? 0.10 : 0.30) : 0.20)).ToArray();
        var good = Qini.Outcome(responsive.Select(r => r ? 1.0 : 0.0).ToArray(), treated, churned);
        var bad = Qini.Outcome(responsive.Select(r => r ? 0.0 : 1.0).ToArray(), treated, churned);
        Assert.True(good.Coefficient > 0.008, $"coefficient {good.Coefficient}");
        Assert.True(bad.Coefficient < 0);
        Assert.Equal(11, good.Points.Count);
        // Whole population treated: about 0.5 × 20 % × 10,000 treated = 1,000 more customers kept.
        Assert.InRange(good.Points[^1].Incremental, 800, 1200);
    }
}
