using RetentionInsights.Scoring.Evaluation;

namespace RetentionInsights.Scoring.Tests.Evaluation;

public sealed class TruthComparisonTests
{
    private static ScoredTruth[] Org(Func<double, double> model)
    {
        var random = new Random(5);
        return Enumerable.Range(0, 4000).Select(_ =>
        {
            var truth = Math.Pow(random.NextDouble(), 3) * 0.6;
            return new ScoredTruth(model(truth), truth, truth, random.NextDouble() < truth);
        }).ToArray();
    }

    [Fact]
    public void Compute_ModelEqualToTheTruth_MatchesTheTruthsAucAndHasNoCalibrationError()
    {
        var result = TruthComparison.Compute(Org(t => t));

        Assert.Equal(result.TrueAuc, result.ModelAuc, 10);
        Assert.Equal(0, result.EceVersusTrue, 10);
        Assert.Equal(0, result.AucGapToObservable, 10);
    }

    [Fact]
    public void Compute_ModelHalvingEveryProbability_KeepsTheRankingButShowsTheCalibrationError()
    {
        var rows = Org(t => t / 2);
        var result = TruthComparison.Compute(rows);

        Assert.Equal(result.TrueAuc, result.ModelAuc, 10);
        Assert.Equal(rows.Average(r => r.TrueProbability) / 2, result.EceVersusTrue, 6);
    }

    [Fact]
    public void Compute_NobodyChurned_SaysWhyThereIsNoAuc() =>
        Assert.Contains("only one kind", Assert.Throws<ArgumentException>(() =>
            TruthComparison.Compute([new ScoredTruth(0.1, 0.1, 0.1, false), new ScoredTruth(0.2, 0.2, 0.2, false)])).Message);
}
