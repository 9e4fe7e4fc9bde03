using RetentionInsights.Scoring.Churn;
using RetentionInsights.Scoring.Features;

namespace RetentionInsights.Scoring.Tests.Churn;

/// <summary>The churn model scores trees directly; it must give what ML.NET's own pipeline gives, from any number of callers.</summary>
public sealed class ChurnPredictorTests
{
    // Feature 3 is missing for a third of the rows and the label depends on it, so the trees learn a direction for missing values.
    private static readonly Lazy<ChurnPredictor> Predictor = new(() =>
    {
        var random = new Random(11);
        var rows = Rows(random, 2000);
        var labels = rows.Select(r => r[0] + (float.IsNaN(r[3]) ? 0.6 : r[3] * 0.5) + 0.3 * random.NextDouble() > 1.1).ToArray();
        return ChurnLearner.TrainLightGbm(rows, labels, FeatureSchema.Names, new ChurnLearnerOptions { NumberOfIterations = 30, MinimumExampleCountPerLeaf = 20 });
    });

    private static float[][] Rows(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, FeatureSchema.Count)
            .Select(f => f == 3 && random.NextDouble() < 0.33 ? float.NaN : (float)random.NextDouble()).ToArray()).ToArray();

    [Fact]
    public void Predict_RowsWithMissingValues_GivesThePipelinesProbabilitiesAndContributions()
    {
        var rows = Rows(new Random(3), 500);

        var direct = Predictor.Value.Predict(rows);
        var pipeline = Predictor.Value.PredictThroughPipeline(rows);

        Assert.Equal(pipeline.Probabilities, direct.Probabilities);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(FeatureSchema.Count, direct.Contributions[i].Length);
            for (var f = 0; f < FeatureSchema.Count; f++)
                Assert.True(Math.Abs(pipeline.Contributions[i][f] - direct.Contributions[i][f]) <= 1e-6,
                    $"row {i} feature {f}: {direct.Contributions[i][f]:R} vs {pipeline.Contributions[i][f]:R}");
        }
        // The model is not constant and the missing values took their learned branch: the comparison compares different numbers.
        Assert.True(direct.Probabilities.Distinct().Count() > 10);
        Assert.Contains(direct.Contributions.Where((_, i) => float.IsNaN(rows[i][3])), c => c[3] != 0);
        Assert.Equal(direct.Probabilities, Predictor.Value.PredictProbabilities(rows));
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

    [Fact]
    public void Predict_RowOfAnotherLength_IsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => Predictor.Value.Predict([new float[FeatureSchema.Count - 1]]));
        Assert.Contains("expects", error.Message);
    }
}
