using System.Text.Json;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Scoring.Churn;
using RetentionInsights.Scoring.Features;

namespace RetentionInsights.Scoring.Tests.Churn;

public sealed class ChurnReasonsTests
{
    private static (float[] Contributions, float[] Raw) Customer(params (string Feature, float Contribution, float Value)[] features)
    {
        var contributions = new float[FeatureSchema.Count];
        var raw = new float[FeatureSchema.Count];
        raw[FeatureSchema.IndexOf("tenure_years")] = 5;
        raw[FeatureSchema.IndexOf("days_to_contract_end")] = 300;
        raw[FeatureSchema.IndexOf("share_paid_on_time_365")] = 1;
        foreach (var (feature, contribution, value) in features)
        {
            contributions[FeatureSchema.IndexOf(feature)] = contribution;
            raw[FeatureSchema.IndexOf(feature)] = value;
        }
        return (contributions, raw);
    }

    [Fact]
    public void Top_SameComplaintIn30And90Days_IsOneReason()
    {
        var (c, raw) = Customer(("complaints_30", 0.4f, 1), ("complaints_90", 0.3f, 1), ("contract_variable", 0.2f, 1));
        var reasons = ChurnReasons.Top(c, raw);
        Assert.Equal(["complaints", "variable_contract"], reasons.Select(r => r.Code));
        Assert.Equal("1 complaint in the last 30 days", reasons[0].English);
    }

    [Fact]
    public void Top_BrandNewCustomer_SaysNewCustomerNotZeroYears()
    {
        var (c, raw) = Customer(("tenure_years", 0.5f, 0.02f));
        var reason = Assert.Single(ChurnReasons.Top(c, raw));
        Assert.Equal("New customer (joined this month)", reason.English);
        Assert.Equal("Nieuwe klant (deze maand gestart)", reason.Dutch);
    }

    [Fact]
    public void Top_FeatureWithoutReasonRule_IsNeverAReason()
    {
        // Contract value pushes risk up but says nothing an agent can act on (like seasonal effects): no reason.
        var (c, raw) = Customer(("annual_contract_value", 0.9f, 1200));
        Assert.Empty(ChurnReasons.Top(c, raw, probability: 0.01, baseRate: 0.05));
        Assert.DoesNotContain("annual_contract_value", ChurnReasons.ExplainedFeatures);
    }

    [Fact]
    public void Top_AboveBaseRateWithoutTellableReason_SaysSimilarCustomersLeave()
    {
        var (c, raw) = Customer(("annual_contract_value", 0.9f, 1200));
        var reason = Assert.Single(ChurnReasons.Top(c, raw, probability: 0.2, baseRate: 0.05));
        Assert.Equal(ChurnReasons.SimilarCustomers, reason.Code);
    }

    [Fact]
    public void Top_ZeroComplaintsWithPositivePull_IsNotAReason()
    {
        var (c, raw) = Customer(("complaints_90", 0.5f, 0));
        Assert.Empty(ChurnReasons.Top(c, raw));
    }

    [Fact]
    public void CodesAndDetails_TwoReasons_CarryChoiceValuesAndParameters()
    {
        var (c, raw) = Customer(("complaints_30", 0.4f, 2), ("days_to_contract_end", 0.3f, 45));
        var reasons = ChurnReasons.Top(c, raw);
        Assert.Equal("471500005,471500002", ChurnReasons.Codes(reasons));
        using var details = JsonDocument.Parse(ChurnReasons.Details(reasons, 90, 0.08, RiskBands.Default, tooEarly: false));
        var root = details.RootElement;
        Assert.Equal(90, root.GetProperty("h").GetInt32());
        Assert.Equal(0.08, root.GetProperty("b").GetDouble());
        Assert.False(root.TryGetProperty("early", out _));
        Assert.Equal("complaints", root.GetProperty("r")[0].GetProperty("c").GetString());
        Assert.Equal(2, root.GetProperty("r")[0].GetProperty("p").GetProperty("count").GetDouble());
        Assert.Equal(45, root.GetProperty("r")[1].GetProperty("p").GetProperty("days").GetDouble());
    }

    [Theory]
    [InlineData(null, 0.30, null)]
    [InlineData(0.20, 0.30, Names.Choices.TrendRising)]
    [InlineData(0.30, 0.305, Names.Choices.TrendStable)]
    [InlineData(0.30, 0.10, Names.Choices.TrendFalling)]
    public void Trend_PreviousAndCurrent_RisingStableFalling(double? previous, double current, int? expected) =>
        Assert.Equal(expected, RiskBands.Trend(previous, current));

    [Fact]
    public void BandChange_BandMoves_RemembersOldBandAndDate()
    {
        var asOf = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.Equal((Names.Choices.RiskMedium, asOf), RiskBands.BandChange(Names.Choices.RiskMedium, null, null, Names.Choices.RiskHigh, asOf));
        var earlier = asOf.AddDays(-20);
        Assert.Equal((Names.Choices.RiskLow, earlier), RiskBands.BandChange(Names.Choices.RiskHigh, Names.Choices.RiskLow, earlier, Names.Choices.RiskHigh, asOf));
    }
}
