using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;
using RetentionInsights.Scoring.Engine;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Offers;
using RetentionInsights.Scoring.Tests.Engine;
using RetentionInsights.Scoring.Tests.Support;
using RetentionInsights.Scoring.Uplift;
using Xunit.Abstractions;

namespace RetentionInsights.Scoring.Tests.Uplift;

/// <summary>
/// On the generated org the planted offer effects are known per customer and offer (truth file), so the uplift model and the
/// offer policy are judged against the truth at the truth date, with every model fitted only on what was known before it.
/// </summary>
[Collection(GeneratedOrgCollection.Name)]
public sealed class UpliftPolicyTests(GeneratedOrgFixture fixture, ITestOutputHelper output)
{
    private sealed record Case(CustomerHistory History, CustomerScore Score, OfferDecision Decision, Data.Generation.TruthRow Truth);

    private static readonly object Gate = new();
    private static (RetentionEngine Engine, OfferSelector Selector, UpliftModelState Uplift, Case[] Cases)? _state;

    private (RetentionEngine Engine, OfferSelector Selector, UpliftModelState Uplift, Case[] Cases) State()
    {
        lock (Gate)
        {
            if (_state is { } ready)
                return ready;
            var org = fixture.Org;
            var asOf = GeneratedOrg.TruthAsOf;
            var byId = org.Data.Offers.ToDictionary(o => o.Id);
            var histories = org.Data.Histories;
            var clipper = DataPreparation.Compile(fixture.Training.Metadata.Parameters.FeatureLimits);
            var acceptance = OfferPropensity.Train(OfferPropensity.CollectResponses(histories, asOf, byId, fixture.Sentiment), org.Data.Offers);
            var uplift = UpliftLearner.Train(UpliftLearner.CollectRows(histories, byId, asOf, sentiment: fixture.Sentiment,
                churnModel: rows => EngineTrainer.ChurnOffsets(fixture.Training.Model, clipper, rows), acceptance: acceptance));
            var metadata = fixture.Training.Metadata with { Parameters = fixture.Training.Metadata.Parameters with { Uplift = uplift, Offers = acceptance } };
            var engine = new RetentionEngine(fixture.Training.Model, metadata, org.Data.Offers);
            var selector = new OfferSelector(org.Data.Offers, acceptance, new OfferPolicy(), uplift);
            var truth = org.Summary.Truth.ToDictionary(t => t.ContactId);
            var scores = engine.ScoreBatch(histories, asOf, fixture.Sentiment);
            var cases = new List<Case>();
            for (var i = 0; i < histories.Count; i++)
            {
                var s = scores[i];
                if (s.Status != ScoreStatus.Scored || !truth.TryGetValue(s.ContactId, out var t))
                    continue;
                var h = histories[i];
                var features = FeatureBuilder.Build(h, asOf, fixture.Sentiment);
                var running = FeatureBuilder.RunningContract(h, asOf);
                var value = CustomerValue.Compute(h, asOf, s.Scores.ChurnProbability!.Value, metadata.HorizonDays, metadata.Parameters.Clv);
                var decision = selector.Decide(new OfferContext(h, asOf, features, s.Scores.ChurnProbability!.Value, value.Clv36m, (decimal)(value.MonthlyMargin * 12), running));
                cases.Add(new Case(h, s, decision, t));
            }
            _state = (engine, selector, uplift, cases.ToArray());
            return _state.Value;
        }
    }

    private static double TrueReduction(Data.Generation.TruthRow truth, Guid offerId)
    {
        var o = truth.Offers.Single(x => x.OfferId == offerId);
        return truth.ObservableProbability - (o.Acceptance * o.ChurnIfAccepted + (1 - o.Acceptance) * truth.ChurnIfDeclined);
    }

    private OfferContext Context(Case c)
    {
        var asOf = GeneratedOrg.TruthAsOf;
        var metadata = fixture.Training.Metadata;
        var risk = c.Score.Scores.ChurnProbability!.Value;
        var value = CustomerValue.Compute(c.History, asOf, risk, metadata.HorizonDays, metadata.Parameters.Clv);
        return new OfferContext(c.History, asOf, FeatureBuilder.Build(c.History, asOf, fixture.Sentiment), risk, value.Clv36m, (decimal)(value.MonthlyMargin * 12), FeatureBuilder.RunningContract(c.History, asOf));
    }

    [Fact]
    public void Uplift_GeneratedOrg_QiniAtLeastSevenTenthsOfTheTrueUpliftAndFarAboveThePrior()
    {
        var (_, _, uplift, cases) = State();
        Assert.NotEmpty(uplift.Types);
        var pairs = cases.SelectMany(c => c.Decision.Evaluated.Select(e => (Predicted: e.ChurnReductionIfOffered, True: TrueReduction(c.Truth, e.Offer.Id), e.Offer.OfferType))).ToArray();
        var model = Qini.Truth(pairs.Select(p => p.Predicted).ToArray(), pairs.Select(p => p.True).ToArray()).Area;
        var best = Qini.Truth(pairs.Select(p => p.True).ToArray(), pairs.Select(p => p.True).ToArray()).Area;
        output.WriteLine($"pairs {pairs.Length}, Qini model {model:0.0} vs truth {best:0.0}: ratio {model / best:0.000}; learned types {uplift.Types.Count}, control rows {uplift.ControlRows}");
        foreach (var g in pairs.GroupBy(p => p.OfferType))
        {
            var m = Qini.Truth(g.Select(p => p.Predicted).ToArray(), g.Select(p => p.True).ToArray()).Area;
            var b = Qini.Truth(g.Select(p => p.True).ToArray(), g.Select(p => p.True).ToArray()).Area;
            output.WriteLine($"  type {g.Key}: {g.Count()} pairs, ratio {m / b:0.000}, mean predicted {g.Average(p => p.Predicted):0.0000}, mean true {g.Average(p => p.True):0.0000}");
        }
        // The ranking the prior gives (catalogue effect × risk) is worse than random here: the riskiest customers include those a
        // call annoys. The learned model must reach 0.7 of the true-uplift Qini (measured on this 6,000-contact org: 0.822).
        var prior = new OfferSelector(fixture.Org.Data.Offers, State().Selector.AcceptanceModel, new OfferPolicy());
        var priorPairs = cases.SelectMany(c => prior.Evaluate(Context(c)).Select(e => (Predicted: e.ChurnReductionIfOffered, True: TrueReduction(c.Truth, e.Offer.Id)))).ToArray();
        var priorArea = Qini.Truth(priorPairs.Select(p => p.Predicted).ToArray(), priorPairs.Select(p => p.True).ToArray()).Area;
        output.WriteLine($"prior ranking: ratio {priorArea / best:0.000}");
        Assert.True(model >= 0.7 * best, $"uplift Qini {model:0.0} is below 0.7 of the true-uplift Qini {best:0.0}");
        Assert.True(model > priorArea + 0.3 * best, "the uplift model does not rank clearly better than the prior");
    }

    // True net value of making the offer to this customer: churn kept × value, less the cost paid when the customer accepts.
    private static double TrueNet(Case c, OfferEvaluation e) =>
        TrueReduction(c.Truth, e.Offer.Id) * (double)c.Score.Scores.Clv36m!.Value
        - c.Truth.Offers.Single(x => x.OfferId == e.Offer.Id).Acceptance * (double)(e.Offer.Cost + Math.Max(0, -e.Offer.MarginImpact));

    [Fact]
    public void Policy_GeneratedOrg_FirstOfferIsTheTruthsBestAndLowRiskWithoutValueGetNone()
    {
        var (_, _, _, cases) = State();
        var withOffers = cases.Where(c => c.Score.Offers.Count > 0).ToArray();
        Assert.True(withOffers.Length >= 50, $"only {withOffers.Length} contacts got offers");
        string Shares(IEnumerable<string> names)
        {
            var all = names.ToArray();
            return string.Join(", ", all.GroupBy(n => n).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count() / (double)all.Length:P1}"));
        }
        // The planted truth's best offer per customer, among the same eligible offers the policy weighed.
        var truthBest = cases.Where(c => c.Decision.Evaluated.Count > 0)
            .Select(c => (Case: c, Best: c.Decision.Evaluated.MaxBy(e => TrueNet(c, e))!))
            .Where(x => TrueNet(x.Case, x.Best) > 0).ToArray();
        output.WriteLine($"first offer, policy ({withOffers.Length} contacts): {Shares(withOffers.Select(c => c.Score.Offers[0].OfferName))}");
        output.WriteLine($"best offer, truth, same contacts: {Shares(withOffers.Where(c => c.Decision.Evaluated.Count > 0).Select(c => c.Decision.Evaluated.MaxBy(e => TrueNet(c, e))!.Offer.Name))}");
        output.WriteLine($"best offer, truth, every contact with a truly paying offer ({truthBest.Length}): {Shares(truthBest.Select(x => x.Best.Offer.Name))}");
        var agree = withOffers.Count(c => c.Decision.Evaluated.MaxBy(e => TrueNet(c, e))!.Offer.Id == c.Score.Offers[0].OfferId);
        output.WriteLine($"policy's first offer is the truth's best for {agree} of {withOffers.Length} ({agree / (double)withOffers.Length:P1})");
        // The first offer follows each customer's own situation: for most customers it is the offer the planted truth says keeps
        // them best (measured: 92 % on this org, 75 % on a 20,000-contact one; eight offers, so chance is far lower).
        Assert.True(agree >= 0.7 * withOffers.Length, $"the first offer is the truth's best for only {agree} of {withOffers.Length}");
        // So an offer is first about as often as the truth says it is these customers' best: not much more (measured: 0.7 points
        // above at most on this org; 17 points for the payment plan on a 20,000-contact org, where it is the truth's best for 67 %).
        var truthShare = withOffers.GroupBy(c => c.Decision.Evaluated.MaxBy(e => TrueNet(c, e))!.Offer.Id).ToDictionary(g => g.Key, g => g.Count() / (double)withOffers.Length);
        foreach (var g in withOffers.GroupBy(c => c.Score.Offers[0].OfferId))
        {
            var share = g.Count() / (double)withOffers.Length;
            Assert.True(share <= truthShare.GetValueOrDefault(g.Key) + 0.20, $"{g.First().Score.Offers[0].OfferName} is first for {share:P1}, the truth's best for {truthShare.GetValueOrDefault(g.Key):P1}");
        }

        // Low risk: below the org's base rate (the mean churn risk of scored contacts). Where no offer has positive incremental
        // value for such a customer, they are not called at all.
        var baseRate = cases.Average(c => c.Score.Scores.ChurnProbability!.Value);
        var lowRiskNoValue = cases.Where(c => c.Score.Scores.ChurnProbability < baseRate && c.Decision.Evaluated.All(e => e.IncrementalValue <= 0)).ToArray();
        var lowRiskNoTrueValue = cases.Where(c => c.Score.Scores.ChurnProbability < baseRate && c.Decision.Evaluated.All(e => TrueNet(c, e) <= 0)).ToArray();
        output.WriteLine($"base rate {baseRate:P2}; low-risk contacts without positive incremental value: {lowRiskNoValue.Length}, with offers {lowRiskNoValue.Count(c => c.Score.Offers.Count > 0)}; " +
            $"without truly positive value: {lowRiskNoTrueValue.Length}, with offers {lowRiskNoTrueValue.Count(c => c.Score.Offers.Count > 0)}");
        Assert.NotEmpty(lowRiskNoValue);
        Assert.All(lowRiskNoValue, c => Assert.Empty(c.Score.Offers));
        // Judged against the truth as well: low-risk customers no offer truly pays for are almost never called (measured: 0.4 %).
        Assert.True(lowRiskNoTrueValue.Count(c => c.Score.Offers.Count > 0) <= 0.02 * lowRiskNoTrueValue.Length, "low-risk contacts no offer truly pays for were called");
    }

    [Fact]
    public void Policy_GeneratedOrg_RetainsMoreValuePerEuroThanRiskOrAcceptanceTargeting()
    {
        var (_, _, _, cases) = State();
        var treatment = cases.Where(c => c.Score.RetentionGroup == Names.Choices.GroupTreatment && c.Decision.Evaluated.Count > 0).ToArray();
        var policy = treatment.Where(c => c.Score.Offers.Count > 0).Select(c => (c, c.Score.Offers[0].OfferId)).ToArray();
        var n = policy.Length;
        Assert.True(n >= 50, $"only {n} contacts got offers");
        (Case, Guid) MostLikelyAccepted(Case c) => (c, c.Decision.Evaluated.MaxBy(e => e.AcceptanceProbability)!.Offer.Id);
        var highestRisk = treatment.OrderByDescending(c => c.Score.Scores.ChurnProbability).Take(n).Select(MostLikelyAccepted).ToArray();
        var highestAcceptance = treatment.OrderByDescending(c => c.Decision.Evaluated.Max(e => e.AcceptanceProbability)).Take(n).Select(MostLikelyAccepted).ToArray();

        (double Value, double Cost) Measure(IEnumerable<(Case Case, Guid OfferId)> chosen)
        {
            double value = 0, cost = 0;
            foreach (var (c, offerId) in chosen)
            {
                var offer = c.Decision.Evaluated.Single(e => e.Offer.Id == offerId).Offer;
                var acceptance = c.Truth.Offers.Single(o => o.OfferId == offerId).Acceptance;
                value += TrueReduction(c.Truth, offerId) * (double)c.Score.Scores.Clv36m!.Value;
                cost += acceptance * (double)(offer.Cost + Math.Max(0, -offer.MarginImpact));
            }
            return (value, cost);
        }
        var ours = Measure(policy);
        var risk = Measure(highestRisk);
        var accept = Measure(highestAcceptance);
        output.WriteLine($"{n} contacts targeted. value retained per euro of offer cost (truth): policy {ours.Value / ours.Cost:0.00} (€{ours.Value:0} for €{ours.Cost:0}), " +
            $"highest risk {risk.Value / risk.Cost:0.00} (€{risk.Value:0} for €{risk.Cost:0}), highest acceptance {accept.Value / accept.Cost:0.00} (€{accept.Value:0} for €{accept.Cost:0})");
        Assert.True(ours.Value / ours.Cost > risk.Value / risk.Cost, "policy does not beat highest-risk targeting");
        Assert.True(ours.Value / ours.Cost > accept.Value / accept.Cost, "policy does not beat highest-acceptance targeting");
    }

    [Fact]
    public void Score_GeneratedOrg_ControlContactsGetNoOfferButAreScored()
    {
        var (_, _, _, cases) = State();
        var control = cases.Where(c => c.Score.RetentionGroup == Names.Choices.GroupControl).ToArray();
        var share = control.Length / (double)cases.Length;
        output.WriteLine($"control {control.Length} of {cases.Length} ({share:P1}); control contacts the policy would have made an offer: {control.Count(c => c.Decision.Offers.Count > 0)}");
        Assert.InRange(share, 0.08, 0.12);
        Assert.All(control, c =>
        {
            Assert.Empty(c.Score.Offers);
            Assert.NotNull(c.Score.Scores.ChurnProbability);
            Assert.NotNull(c.Score.UpliftSegment);
            Assert.Equal(new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc), c.Score.RetentionGroupSince);
        });
        // They are held out from offers the policy would have made: the group is not just customers nobody would call.
        Assert.Contains(control, c => c.Decision.Offers.Count > 0);
    }

    [Fact]
    public void Score_GeneratedOrg_LowRiskWithoutIncrementalValueGetNoOffer()
    {
        var (_, _, _, cases) = State();
        var withOffers = cases.Where(c => c.Score.Offers.Count > 0).ToArray();
        var firsts = withOffers.GroupBy(c => c.Score.Offers[0].OfferName).Select(g => (Name: g.Key, Share: g.Count() / (double)withOffers.Length)).OrderByDescending(x => x.Share).ToArray();
        var lowRisk = cases.Where(c => c.Score.Scores.ChurnRiskBand == Names.Choices.RiskLow).ToArray();
        var lowRiskOffered = lowRisk.Count(c => c.Score.Offers.Count > 0);
        output.WriteLine($"{withOffers.Length} of {cases.Length} contacts get offers; three offers: {withOffers.Count(c => c.Score.Offers.Count == 3)}; first offer shares: " +
            string.Join(", ", firsts.Select(f => $"{f.Name} {f.Share:P0}")));
        output.WriteLine($"mean expected value of the first offer €{withOffers.Average(c => (double)c.Score.Offers[0].ExpectedValue):0.00}; low-risk contacts {lowRisk.Length}, with offers {lowRiskOffered}");
        output.WriteLine("segments: " + string.Join(", ", cases.GroupBy(c => c.Score.UpliftSegment).Select(g => $"{g.Key}: {g.Count()}")));
        Assert.All(withOffers.SelectMany(c => c.Score.Offers), o =>
        {
            // Expected value is stored to the cent: a positive increment below half a cent shows as €0.00.
            Assert.True(o.ExpectedValue >= 0);
            Assert.True(o.ChurnReduction > 0, "an offer that does not lower the risk was proposed");
        });
        // Low-risk customers (the band below Medium) get an offer only where it pays; without uplift most of them got one. Judged
        // against the truth: the first offer made to a low-risk customer must, on the whole, pay for itself.
        double TrueNet(Case c)
        {
            var o = c.Score.Offers[0];
            var offer = c.Decision.Evaluated.Single(e => e.Offer.Id == o.OfferId).Offer;
            return TrueReduction(c.Truth, o.OfferId) * (double)c.Score.Scores.Clv36m!.Value
                - c.Truth.Offers.Single(x => x.OfferId == o.OfferId).Acceptance * (double)(offer.Cost + Math.Max(0, -offer.MarginImpact));
        }
        var lowRiskWithOffers = lowRisk.Where(c => c.Score.Offers.Count > 0).ToArray();
        var paying = lowRiskWithOffers.Count(c => TrueNet(c) > 0);
        var net = lowRiskWithOffers.Sum(TrueNet);
        output.WriteLine($"low-risk contacts with offers whose first offer truly pays: {paying} of {lowRiskWithOffers.Length}; true net value of those offers €{net:0}");
        Assert.True(lowRiskOffered <= 0.15 * lowRisk.Length, $"{lowRiskOffered} of {lowRisk.Length} low-risk contacts got offers");
        Assert.True(net > 0, $"offers to low-risk contacts lose €{-net:0} against the truth");
        Assert.True(paying >= 0.7 * lowRiskWithOffers.Length, $"only {paying} of {lowRiskWithOffers.Length} offers to low-risk contacts truly pay");
    }
}
