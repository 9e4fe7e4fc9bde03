using RetentionInsights.Scoring.Churn;
using RetentionInsights.Scoring.Engine;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Tests.Engine;
using RetentionInsights.Scoring.Tests.Support;

namespace RetentionInsights.Scoring.Tests.Churn;

/// <summary>The trees scored directly against ML.NET's pipeline on every contact of a generated org with a trained champion.</summary>
[Collection(GeneratedOrgCollection.Name)]
public sealed class TreeEnsembleEvaluatorTests(GeneratedOrgFixture fixture)
{
    [Fact]
    public void Predict_EveryContactOfAGeneratedOrg_GivesThePipelinesProbabilityAndTheSameReasons()
    {
        var model = fixture.Training.Model;
        var clipper = DataPreparation.Compile(fixture.Training.Metadata.Parameters.FeatureLimits);
        var raw = fixture.Org.Data.Histories.Select(h => FeatureBuilder.Build(h, GeneratedOrg.Until, fixture.Sentiment)).ToList();
        var rows = raw.Select(r =>
        {
            var copy = (float[])r.Clone();
            clipper.Apply(copy);
            return copy;
        }).ToList();

        var direct = model.Predict(rows);
        var pipeline = model.PredictThroughPipeline(rows);

        // Equal probabilities: offers, values and bands, which depend on the probability and the features, are the same too.
        Assert.Equal(pipeline.Probabilities, direct.Probabilities);
        var baseRate = fixture.Engine.BaseRate;
        for (var i = 0; i < rows.Count; i++)
        {
            var largest = direct.Contributions[i].Zip(pipeline.Contributions[i], (a, b) => Math.Abs(a - b)).Max();
            Assert.True(largest <= 1e-6, $"contact {i}: contributions differ by {largest:R}");
            var stored = Math.Round(direct.Probabilities[i], 4);
            Assert.Equal(
                ChurnReasons.Top(pipeline.Contributions[i], raw[i], stored, baseRate).Select(r => r.Code),
                ChurnReasons.Top(direct.Contributions[i], raw[i], stored, baseRate).Select(r => r.Code));
        }
        Assert.Equal(fixture.Org.Data.Histories.Count, rows.Count);
        Assert.Contains(rows, r => r.Any(float.IsNaN));
        Assert.True(direct.Probabilities.Distinct().Count() > 1000);
    }
}
