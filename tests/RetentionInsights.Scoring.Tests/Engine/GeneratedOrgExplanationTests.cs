using RetentionInsights.Data.Metadata;
using RetentionInsights.Scoring.Churn;
using RetentionInsights.Scoring.Engine;
using RetentionInsights.Scoring.Tests.Support;

namespace RetentionInsights.Scoring.Tests.Engine;

/// <summary>What agents and marketers see over a whole generated org (several thousand contacts, fixed seed).</summary>
[Collection(GeneratedOrgCollection.Name)]
public sealed class GeneratedOrgExplanationTests(GeneratedOrgFixture fixture)
{
    private IReadOnlyList<CustomerScore> Scored() =>
        fixture.Engine.ScoreBatch(fixture.Org.Data.Histories, GeneratedOrg.Until, fixture.Sentiment).Where(s => s.Status == ScoreStatus.Scored).ToArray();

    [Fact]
    public void ScoreBatch_EveryContactAboveTheBaseRate_HasAReason()
    {
        var engine = fixture.Engine;
        Assert.InRange(engine.BaseRate, 0.005, 0.5);
        var above = Scored().Where(s => s.Scores.ChurnProbability > engine.BaseRate).ToArray();
        Assert.True(above.Length > 100, $"only {above.Length} contacts above the base rate");
        Assert.All(above, s => Assert.NotEmpty(s.Reasons));
        Assert.All(above, s => Assert.NotNull(s.ReasonDetails));
    }

    [Fact]
    public void ScoreBatch_EveryContact_HasNoDuplicateReasonCodesOrTopics()
    {
        foreach (var s in Scored())
        {
            Assert.Equal(s.Reasons.Count, s.Reasons.Select(r => r.Code).Distinct().Count());
            Assert.Equal(s.Reasons.Count, s.Reasons.Select(r => Scoring.Explanations.Phrases.ReasonGroup(r.Code)).Distinct().Count());
            Assert.DoesNotContain(s.Reasons, r => r.English.Contains("0 years") || r.English.Contains("1 complaints"));
            Assert.Equal(s.Offers.Count, s.TalkingPoints.Count);
        }
    }

    [Fact]
    public void ScoreBatch_ValueSegments_WithinFivePointsOfConfiguredShares()
    {
        var shares = fixture.Training.Metadata.Parameters.Clv.SegmentShares;
        var scored = Scored();
        int[] segments = [Names.Choices.SegmentLow, Names.Choices.SegmentMedium, Names.Choices.SegmentHigh, Names.Choices.SegmentTop];
        for (var i = 0; i < segments.Length; i++)
        {
            var share = scored.Count(s => s.Scores.ValueSegment == segments[i]) / (double)scored.Count;
            Assert.True(Math.Abs(share - shares[i]) <= 0.05, $"segment {i}: {share:P1} of {scored.Count} active contacts, configured {shares[i]:P0}");
        }
    }

    [Fact]
    public void SegmentCutsByQuantile_SharesThatDoNotAddUp_Throws() =>
        Assert.Throws<ArgumentException>(() => CustomerValue.SegmentCutsByQuantile([1, 2, 3], [0.5, 0.3, 0.3, 0.1]));
}
