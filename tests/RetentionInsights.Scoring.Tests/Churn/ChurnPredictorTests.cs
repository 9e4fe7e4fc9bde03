using RetentionInsights.Scoring.Churn;
using RetentionInsights.Scoring.Features;

namespace RetentionInsights.Scoring.Tests.Churn;

/// <summary>Small batches (events) are scored row by row through pooled prediction engines, large ones through an IDataView.</summary>
public sealed class ChurnPredictorTests
{
    private static readonly Lazy<ChurnPredictor> Predictor = new(() =>
    {
        var random = new Random(11);
        var rows = Rows(random, 2000);
        var labels = rows.Select(r => r[0] + r[3] * 0.5 + 0.3 * random.NextDouble() > 1.1).ToArray();
        return ChurnLearner.TrainLightGbm(rows, labels, FeatureSchema.Names, new ChurnLearnerOptions { NumberOfIterations = 30, MinimumExampleCountPerLeaf = 20 });
    });

    private static float[][] Rows(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, FeatureSchema.Count).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();

    [Fact]
    public void Predict_SmallBatches_GiveTheSameProbabilitiesAndContributionsAsOneLargeBatch()
    {
        var rows = Rows(new Random(3), ChurnPredictor.EngineRowsMax * 2 + 7);

        var large = Predictor.Value.Predict(rows);
        var small = rows.Chunk(5).Select(chunk => Predictor.Value.Predict(chunk)).ToList();

        Assert.Equal(large.Probabilities, small.SelectMany(s => s.Probabilities));
        var contributions = small.SelectMany(s => s.Contributions).ToList();
        Assert.Equal(rows.Length, contributions.Count);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(FeatureSchema.Count, contributions[i].Length);
            Assert.Equal(large.Contributions[i], contributions[i]);
        }
        // The model is not constant: the comparison above compares different numbers.
        Assert.True(large.Probabilities.Distinct().Count() > 10);
        Assert.Contains(contributions, c => c.Any(x => x != 0));
    }

    [Fact]
    public async Task Predict_OneRowFromManyCallersAtOnce_EachGetsItsOwnRowsScore()
    {
        var rows = Rows(new Random(4), 400);
        var expected = Predictor.Value.PredictProbabilities(rows);

        var actual = new double[rows.Length];
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var i = worker; i < rows.Length; i += 8)
                actual[i] = Predictor.Value.Predict([rows[i]]).Probabilities[0];
        })));

        Assert.Equal(expected, actual);
    }
}
