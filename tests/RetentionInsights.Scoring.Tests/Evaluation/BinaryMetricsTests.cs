using RetentionInsights.Scoring.Evaluation;

namespace RetentionInsights.Scoring.Tests.Evaluation;

public sealed class BinaryMetricsTests
{
    [Fact]
    public void RocAuc_TiesAndKnownOrder_MatchesPairCounting()
    {
        double[] p = [0.9, 0.8, 0.8, 0.3, 0.1];
        bool[] y = [true, false, true, false, false];
        // Pairs (pos, neg): 0.9 beats all 3; 0.8 (pos) ties one 0.8 and beats 0.3 and 0.1 → (3 + 2.5) / 6.
        Assert.Equal(5.5 / 6, BinaryMetrics.RocAuc(p, y), 10);
        Assert.True(double.IsNaN(BinaryMetrics.RocAuc([0.1, 0.2], [true, true])));
    }

    [Fact]
    public void Compute_PerfectlyCalibratedBins_EceNearZeroAndLiftFromTopDecile()
    {
        var random = new Random(3);
        var p = Enumerable.Range(0, 20000).Select(_ => random.NextDouble() * 0.4).ToArray();
        var y = p.Select(v => random.NextDouble() < v).ToArray();
        var m = BinaryMetrics.Compute(p, y);
        Assert.True(m.Ece < 0.01, $"ECE {m.Ece}");
        Assert.InRange(m.LiftAt10, 1.7, 2.1); // top decile mean 0.38 vs base 0.2
        Assert.Equal(10, m.Calibration.Count);
        Assert.True(m.LiftByDecile[0] > m.LiftByDecile[9]);

        var shifted = BinaryMetrics.Compute(p.Select(v => v + 0.1).ToArray(), y);
        Assert.InRange(shifted.Ece, 0.09, 0.11);
        Assert.Equal(m.Auc, shifted.Auc, 10);
        Assert.True(shifted.Brier > m.Brier);
    }
}
