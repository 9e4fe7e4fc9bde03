using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Offers;
using RetentionInsights.Scoring.Tests.Support;
using RetentionInsights.Scoring.Uplift;

namespace RetentionInsights.Scoring.Tests.Uplift;

public sealed class UpliftLearnerTests
{
    private static readonly int ContractEnd = FeatureSchema.IndexOf("contract_end_within_60");
    private static readonly int Complaints = FeatureSchema.IndexOf("complaints_90");

    /// <summary>Randomised rows with a planted truth: accepting a fixed price keeps contract-ending customers; a call annoys complainers.</summary>
    private static List<UpliftRow> Rows(int n, int seed, int fixedPriceRows = -1)
    {
        var random = new Random(seed);
        var rows = new List<UpliftRow>();
        var fixedCount = 0;
        for (var i = 0; i < n; i++)
        {
            var f = new float[FeatureSchema.Names.Length];
            f[FeatureSchema.IndexOf("days_since_price_increase")] = 400;
            f[FeatureSchema.IndexOf("tenure_years")] = (float)(random.NextDouble() * 8);
            f[ContractEnd] = random.NextDouble() < 0.3 ? 1 : 0;
            f[Complaints] = random.NextDouble() < 0.15 ? 3 : 0;
            var type = random.NextDouble() < 0.5 ? -1 : Names.Choices.OfferFixedPrice;
            if (type >= 0 && fixedPriceRows >= 0 && fixedCount++ >= fixedPriceRows)
                type = -1;
            var accepted = type >= 0 && random.NextDouble() < 0.4;
            var z = -2.2 + 1.0 * f[ContractEnd] + 0.8 * (f[Complaints] > 0 ? 1 : 0);
            if (type >= 0 && f[Complaints] > 0)
                z += 1.2;
            if (accepted && f[ContractEnd] > 0)
                z -= 2.0;
            rows.Add(new UpliftRow(Guid.NewGuid(), HistoryProducer.T, type, f, random.NextDouble() < 1 / (1 + Math.Exp(-z)), Accepted: accepted));
        }
        return rows;
    }

    [Fact]
    public void Train_RandomisedHistory_RecoversWhoIsKeptAndWhoIsAnnoyed()
    {
        var model = UpliftLearner.Train(Rows(30_000, 1));
        var ending = new float[FeatureSchema.Names.Length];
        ending[FeatureSchema.IndexOf("days_since_price_increase")] = 400;
        ending[ContractEnd] = 1;
        var complainer = (float[])ending.Clone();
        complainer[ContractEnd] = 0;
        complainer[Complaints] = 3;
        var endingShift = model.Shifts(Names.Choices.OfferFixedPrice, ending)!.Value;
        var complainerShift = model.Shifts(Names.Choices.OfferFixedPrice, complainer)!.Value;
        Assert.InRange(endingShift.IfAccepted, -2.8, -1.2);
        Assert.InRange(complainerShift.IfDeclined, 0.6, 1.8);
        Assert.Null(model.Shifts(Names.Choices.OfferDiscount, ending)); // never tried: no learned effect
    }

    [Fact]
    public void Train_TooLittleHistoryForAType_LeavesItToThePrior()
    {
        var model = UpliftLearner.Train(Rows(4_000, 2, fixedPriceRows: 60));
        Assert.Empty(model.Types);
        Assert.True(model.ControlRows > 1_000);

        var offer = new OfferRecord(Guid.NewGuid(), "3 jaar vast", "FIX3Y", Names.Choices.OfferFixedPrice, null, 15m, 25m, "{}", 1, true);
        var start = HistoryProducer.T.AddYears(-2);
        var history = new HistoryProducer(start).Order(start, null, annual: 2400, gas: true).Invoices(HistoryProducer.T.AddMonths(-12), HistoryProducer.T, lateness: _ => -2).Build();
        var context = new OfferContext(history, HistoryProducer.T, FeatureBuilder.Build(history, HistoryProducer.T), 0.3, 900, 288m, FeatureBuilder.RunningContract(history, HistoryProducer.T));
        var proposal = Assert.Single(new OfferSelector([offer], OfferModelState.Empty, new OfferPolicy(), model).Select(context));
        Assert.Equal(UpliftSource.Prior, proposal.UpliftSource);
        Assert.Equal(0.15, proposal.ChurnReduction, 4); // catalogue effect 0.5 × risk 0.3
        Assert.Equal(0.15, proposal.RiskIfAccepted, 4);
        Assert.Contains("Risk 30% → 15% if accepted", proposal.Reason);
    }

    [Fact]
    public void Select_CustomerACallAnnoys_GetsNoOfferAndIsDoNotDisturb()
    {
        var model = UpliftLearner.Train(Rows(30_000, 3));
        var offer = new OfferRecord(Guid.NewGuid(), "3 jaar vast", "FIX3Y", Names.Choices.OfferFixedPrice, null, 15m, 25m, "{}", 1, true);
        var start = HistoryProducer.T.AddYears(-2);
        var producer = new HistoryProducer(start).Order(start, null, annual: 2400, gas: true).Invoices(HistoryProducer.T.AddMonths(-12), HistoryProducer.T, lateness: _ => -2);
        var history = producer.Build();
        var features = FeatureBuilder.Build(history, HistoryProducer.T);
        features[Complaints] = 3;
        features[ContractEnd] = 0;
        var selector = new OfferSelector([offer], OfferModelState.Empty, new OfferPolicy(), model);
        var decision = selector.Decide(new OfferContext(history, HistoryProducer.T, features, 0.2, 900, 288m, FeatureBuilder.RunningContract(history, HistoryProducer.T)));
        Assert.Empty(decision.Offers);
        Assert.Equal(Names.Choices.UpliftDoNotDisturb, decision.UpliftSegment);
        Assert.True(decision.Evaluated.Single().ChurnReductionIfDeclined < 0);
    }
}
