using System.Globalization;
using System.Xml.Linq;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Scoring.Churn;
using RetentionInsights.Scoring.Engine;
using RetentionInsights.Scoring.Tests.Support;
using Xunit.Abstractions;

namespace RetentionInsights.Scoring.Tests.Engine;

/// <summary>What agents and marketers see over a whole generated org (several thousand contacts, fixed seed).</summary>
[Collection(GeneratedOrgCollection.Name)]
public sealed class GeneratedOrgExplanationTests(GeneratedOrgFixture fixture, ITestOutputHelper output)
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
        Assert.All(above, s => Assert.NotNull(s.Scores.ChurnReasonDetails));
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

    [Fact]
    public void ShippedContactViews_OnGeneratedOrg_EachReturnsAtLeastOnePercentOfActiveContacts()
    {
        // The views' own FetchXML conditions, evaluated on the engine's scores (the previous score 30 days earlier gives the trend).
        var histories = fixture.Org.Data.Histories;
        var now = fixture.Engine.ScoreBatch(histories, GeneratedOrg.Until, fixture.Sentiment);
        var before = fixture.Engine.ScoreBatch(histories, GeneratedOrg.Until.AddDays(-30), fixture.Sentiment);
        var rows = Enumerable.Range(0, histories.Count).Where(i => now[i].Status == ScoreStatus.Scored).Select(i => new Dictionary<string, int?>
        {
            ["statecode"] = histories[i].Contact.IsActive ? 0 : 1,
            [Names.Contact.ChurnRiskBand] = now[i].Scores.ChurnRiskBand,
            [Names.Contact.ValueSegment] = now[i].Scores.ValueSegment,
            [Names.Contact.ChurnTrend] = RiskBands.Trend(before[i].Scores.ChurnProbability, now[i].Scores.ChurnProbability!.Value),
            ["rtn_upliftsegment"] = now[i].UpliftSegment,
            ["rtn_retentiongroup"] = now[i].RetentionGroup,
        }).ToList();
        var active = rows.Count(r => r["statecode"] == 0);
        var views = Directory.GetFiles(Path.Combine(RepositoryRoot(), "solution", "src", "Entities", "Contact", "SavedQueries"), "*.xml");
        Assert.NotEmpty(views);
        foreach (var file in views)
        {
            foreach (var view in XDocument.Load(file).Descendants("savedquery"))
            {
                var name = (string)view.Descendants("LocalizedName").First().Attribute("description")!;
                var conditions = view.Descendants("condition").ToList();
                var members = rows.Count(r => conditions.All(c => Matches(r, c, name)));
                var bands = string.Join(", ", rows.Where(r => r["statecode"] == 0).GroupBy(r => (r[Names.Contact.ChurnRiskBand], r[Names.Contact.ValueSegment]))
                    .OrderBy(g => g.Key).Select(g => $"{g.Key.Item1 % 10}/{g.Key.Item2 % 10}:{g.Count()}"));
                output.WriteLine($"{name}: {members} of {active} active contacts ({members * 100.0 / active:0.0} %)");
                Assert.True(members >= 0.01 * active, $"view '{name}' returns {members} of {active} active contacts (band/segment: {bands})");
            }
        }
    }

    private static bool Matches(Dictionary<string, int?> row, XElement condition, string view)
    {
        var attribute = (string)condition.Attribute("attribute")!;
        if (!row.TryGetValue(attribute, out var value))
            throw new InvalidOperationException($"View '{view}' filters on {attribute}; teach this test its value.");
        var values = condition.Attribute("value") is { } single ? [(string)single] : condition.Elements("value").Select(v => v.Value).ToArray();
        var wanted = values.Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return (string)condition.Attribute("operator")! switch
        {
            "eq" or "in" => value is { } v && wanted.Contains(v),
            var op => throw new InvalidOperationException($"View '{view}' uses operator {op}; teach this test to evaluate it."),
        };
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir.FullName, "Extension.sln")))
            dir = dir.Parent ?? throw new InvalidOperationException("Extension.sln not found above the test's base directory.");
        return dir.FullName;
    }
}
