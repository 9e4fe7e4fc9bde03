using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Offers;
using RetentionInsights.Scoring.Tests.Support;

namespace RetentionInsights.Scoring.Tests.Offers;

/// <summary>
/// Property-style tests: for many random customers (seeded), the contact policy, opt-out, margin floor and type diversity
/// hold for every selection — whatever the propensity model says.
/// </summary>
public sealed class OfferSelectorPropertyTests
{
    private static readonly DateTime T = HistoryProducer.T;

    private static readonly OfferRecord[] Catalogue =
    [
        new(Guid.NewGuid(), "10% korting", "DISC10", Names.Choices.OfferDiscount, null, 0m, -60m, """{"minTenureMonths":6}""", 1, true),
        new(Guid.NewGuid(), "5% korting vast", "DISC5", Names.Choices.OfferDiscount, null, 0m, -35m, "{}", 1, true),
        new(Guid.NewGuid(), "€50 bonus", "BONUS50", Names.Choices.OfferLoyaltyBonus, null, 50m, 0m, """{"minTenureMonths":12}""", 1, true),
        new(Guid.NewGuid(), "3 jaar vast", "FIX3Y", Names.Choices.OfferFixedPrice, null, 15m, 25m, """{"contractTypes":["variable","fixed1y"]}""", 1, true),
        new(Guid.NewGuid(), "Groene stroom", "GREEN", Names.Choices.OfferGreenUpgrade, null, 5m, -15m, "{}", 1, true),
        new(Guid.NewGuid(), "Thermostaat", "THERMO", Names.Choices.OfferServiceAddOn, null, 110m, 35m, """{"requiresGas":true}""", 1, true),
        new(Guid.NewGuid(), "Energiecheck", "ECHECK", Names.Choices.OfferServiceAddOn, null, 60m, 10m, "{}", 1, true),
        new(Guid.NewGuid(), "Betalingsregeling", "PAYPLAN", Names.Choices.OfferPaymentPlan, null, 5m, 0m, """{"requiresLatePayments":true}""", 1, true),
        new(Guid.NewGuid(), "Oude actie", "OLD", Names.Choices.OfferDiscount, null, 0m, 100m, "{}", 1, false),
        new(Guid.NewGuid(), "Onbekende regel", "ODD", Names.Choices.OfferLoyaltyBonus, null, 0m, 50m, """{"vipOnly":true}""", 1, true),
    ];

    private static (OfferContext Context, CustomerHistory History) RandomCustomer(Random random)
    {
        var joined = T.AddDays(-random.Next(30, 3000));
        var p = new HistoryProducer(joined).Contact(c => c with
        {
            DoNotEmail = random.NextDouble() < 0.2,
            DoNotPhone = random.NextDouble() < 0.2,
            ProfilingOptOut = random.NextDouble() < 0.1,
        });
        var start = T.AddDays(-random.Next(10, 700));
        p.Order(start, random.NextDouble() < 0.4 ? null : start.AddYears(random.Next(1, 4)).AddDays(-1), annual: random.Next(300, 4000), gas: random.NextDouble() < 0.7)
            .Invoices(T.AddMonths(-12), T, lateness: _ => random.NextDouble() < 0.15 ? 12 : -2);
        for (var k = random.Next(0, 6); k > 0; k--)
        {
            var offer = Catalogue[random.Next(Catalogue.Length)];
            var created = T.AddDays(-random.Next(1, 200));
            var status = random.Next(3) switch { 0 => Names.Choices.RecommendationAccepted, 1 => Names.Choices.RecommendationDeclined, _ => Names.Choices.RecommendationExpired };
            p.Recommendation(offer.Id, created, status, status == Names.Choices.RecommendationExpired ? null : created.AddDays(random.Next(0, 5)));
        }
        var history = p.Build();
        var features = FeatureBuilder.Build(history, T);
        var running = FeatureBuilder.RunningContract(history, T);
        var margin = running is null ? 0m : running.TotalAmount * 0.12m;
        return (new OfferContext(history, T, features, random.NextDouble() * 0.6, random.Next(0, 3000), margin, running), history);
    }

    private static OfferModelState RandomModel(Random random) => new(0.2,
        Catalogue.Select(o => new OfferPrior(o.Id, o.OfferType, random.NextDouble() * 0.8, 10, 2)).ToArray(),
        Catalogue.Select(o => o.OfferType).Distinct().Select(t => new OfferTypeWeights(t, Enumerable.Range(0, OfferPropensity.InputFeatures.Length).Select(_ => random.NextDouble() * 4 - 2).ToArray(), 10)).ToArray());

    [Fact]
    public void Select_ManyRandomCustomers_PolicyAlwaysHolds()
    {
        var random = new Random(20261123);
        var policy = new OfferPolicy();
        var typeOf = Catalogue.ToDictionary(o => o.Id, o => o.OfferType);
        var proposedSomething = 0;
        for (var n = 0; n < 2000; n++)
        {
            var selector = new OfferSelector(Catalogue, RandomModel(random), policy);
            var (context, history) = RandomCustomer(random);
            var offers = selector.Select(context);
            if (offers.Count > 0)
                proposedSomething++;

            Assert.True(offers.Count <= 3);
            Assert.Equal(offers.Count, offers.Select(o => o.OfferType).Distinct().Count());
            Assert.Equal(Enumerable.Range(1, offers.Count), offers.Select(o => o.Rank));
            Assert.True(offers.Zip(offers.Skip(1)).All(pair => pair.First.ExpectedValue >= pair.Second.ExpectedValue));
            if (history.Contact.ProfilingOptOut || (history.Contact.DoNotEmail && history.Contact.DoNotPhone))
                Assert.Empty(offers);
            var responded90 = history.Recommendations.Count(r => r.RespondedOn is { } on && on < T && (T - on).TotalDays <= 90
                && r.Status is Names.Choices.RecommendationAccepted or Names.Choices.RecommendationDeclined);
            if (responded90 >= policy.MaxOffersPer90Days)
                Assert.Empty(offers);
            foreach (var offer in offers)
            {
                var catalogueOffer = Catalogue.Single(o => o.Id == offer.OfferId);
                Assert.True(catalogueOffer.Active);
                Assert.NotEqual("ODD", catalogueOffer.Code);
                Assert.True(context.AnnualMargin + catalogueOffer.MarginImpact - catalogueOffer.Cost >= policy.MarginFloorPerContract);
                Assert.True(offer.ExpectedValue > 0);
                Assert.InRange(offer.AcceptanceProbability, 0, 1);
                Assert.False(string.IsNullOrWhiteSpace(offer.Reason));
                Assert.False(string.IsNullOrWhiteSpace(offer.ReasonDutch));
                Assert.Equal(history.Contact.DoNotPhone ? Names.Choices.ChannelEmail : Names.Choices.ChannelPhone, offer.Channel);
                Assert.DoesNotContain(history.Recommendations, r => r.Status == Names.Choices.RecommendationDeclined && r.RespondedOn is { } on
                    && on < T && (T - on).TotalDays <= policy.DeclineCooldownDays && typeOf[r.OfferId] == offer.OfferType);
                Assert.DoesNotContain(history.Recommendations, r => r.OfferId == offer.OfferId && r.RespondedOn is { } on && on < T && (T - on).TotalDays <= 90);
            }
        }
        // The properties must not hold vacuously.
        Assert.True(proposedSomething > 300, $"only {proposedSomething} of 2000 customers got offers");
    }

    [Fact]
    public void Select_WithOfferMixPrices_SameOffersAndValuesOnlyTheOrderFollowsThePrice()
    {
        var random = new Random(20261203);
        var types = Catalogue.Select(o => o.OfferType).Distinct().ToArray();
        var reordered = 0;
        for (var n = 0; n < 1000; n++)
        {
            var model = RandomModel(random);
            var mix = new OfferMix { MaxFirstShare = 0.4, Prices = types.Where(_ => random.NextDouble() < 0.5).Select(t => new OfferTypePrice(t, random.NextDouble() * 40)).ToArray() };
            var (context, _) = RandomCustomer(random);
            var plain = new OfferSelector(Catalogue, model, new OfferPolicy()).Select(context);
            var guarded = new OfferSelector(Catalogue, model, new OfferPolicy(), mix: mix).Select(context);

            // No customer gains or loses an offer by the guard, and every value shown stays what the offer is worth.
            Assert.Equal(plain.OrderBy(o => o.OfferId).Select(o => (o.OfferId, o.ExpectedValue)), guarded.OrderBy(o => o.OfferId).Select(o => (o.OfferId, o.ExpectedValue)));
            Assert.Equal(Enumerable.Range(1, guarded.Count), guarded.Select(o => o.Rank));
            // The order is by value less the type's price.
            Assert.True(guarded.Zip(guarded.Skip(1)).All(pair => (double)pair.First.ExpectedValue - mix.PriceOf(pair.First.OfferType) >= (double)pair.Second.ExpectedValue - mix.PriceOf(pair.Second.OfferType) - 0.01));
            if (plain.Count > 0 && plain[0].OfferId != guarded[0].OfferId)
                reordered++;
        }
        Assert.True(reordered > 20, $"the prices reordered only {reordered} of 1000 customers' offers");
    }

    [Fact]
    public void Select_AcceptanceDrivenByNegativeTone_ReasonSaysMessagesAreNegative()
    {
        // Angry customers take offers more often here (negative weight on tone): the reason must name the tone the agent
        // sees in the alert banner, not its opposite.
        var history = new HistoryProducer(T.AddYears(-3)).Order(T.AddMonths(-6), null, annual: 2000, gas: true).Build();
        var features = FeatureBuilder.Build(history, T);
        features[FeatureSchema.IndexOf("sentiment_mean_60")] = -0.8f;
        var sentiment = Array.IndexOf(OfferPropensity.InputFeatures, "sentiment_mean_60");
        var weights = Enumerable.Range(0, OfferPropensity.InputFeatures.Length).Select(k => k == sentiment ? -3.0 : 0.0).ToArray();
        var model = new OfferModelState(0.2,
            Catalogue.Select(o => new OfferPrior(o.Id, o.OfferType, 0.3, 10, 3)).ToArray(),
            Catalogue.Select(o => o.OfferType).Distinct().Select(t => new OfferTypeWeights(t, weights, 10)).ToArray());
        var running = FeatureBuilder.RunningContract(history, T)!;
        var context = new OfferContext(history, T, features, 0.4, 2000, 300m, running);

        var offers = new OfferSelector(Catalogue, model, new OfferPolicy()).Select(context);

        Assert.NotEmpty(offers);
        Assert.All(offers, o =>
        {
            Assert.Contains("recent messages are negative", o.Reason);
            Assert.Contains("recente berichten zijn negatief", o.ReasonDutch);
        });
    }

    [Fact]
    public void Select_OfferAcceptedAfterTheScoringDate_IsHeldBackOnlyWhenThatAnswerIsKnown()
    {
        // A live service pins scores to its org's date but knows every answer its agents gave since; a backtest must not.
        var model = new OfferModelState(0.2,
            Catalogue.Select(o => new OfferPrior(o.Id, o.OfferType, 0.4, 10, 4)).ToArray(),
            Catalogue.Select(o => o.OfferType).Distinct().Select(t => new OfferTypeWeights(t, new double[OfferPropensity.InputFeatures.Length], 10)).ToArray());
        var selector = new OfferSelector(Catalogue, model, new OfferPolicy());
        var plain = new HistoryProducer(T.AddYears(-3)).Order(T.AddMonths(-6), null, annual: 2000, gas: true).Build();
        var first = selector.Select(new OfferContext(plain, T, FeatureBuilder.Build(plain, T), 0.4, 2000, 300m, FeatureBuilder.RunningContract(plain, T)))[0];
        var answered = new HistoryProducer(T.AddYears(-3)).Order(T.AddMonths(-6), null, annual: 2000, gas: true)
            .Recommendation(first.OfferId, T.AddHours(15), Names.Choices.RecommendationAccepted, T.AddHours(16)).Build();
        OfferContext Context(DateTime? known) => new(answered, T, FeatureBuilder.Build(answered, T), 0.4, 2000, 300m, FeatureBuilder.RunningContract(answered, T)) { AnswersKnownAt = known };

        Assert.Contains(selector.Select(Context(null)), o => o.OfferId == first.OfferId);
        Assert.DoesNotContain(selector.Select(Context(T.AddHours(17))), o => o.OfferId == first.OfferId);
    }

    [Fact]
    public void IsEligible_RulesFromCatalogue_AppliedToContractAndHistory()
    {
        var variableNoGas = new HistoryProducer(T.AddMonths(-3)).Order(T.AddMonths(-3), null, gas: false).Build();
        var running = FeatureBuilder.RunningContract(variableNoGas, T)!;
        var context = new OfferContext(variableNoGas, T, FeatureBuilder.Build(variableNoGas, T), 0.2, 1000, 200m, running);
        bool Eligible(string code) => OfferSelector.IsEligible(Catalogue.Single(o => o.Code == code), context);
        Assert.False(Eligible("DISC10"));   // tenure 3 months < 6
        Assert.True(Eligible("FIX3Y"));     // variable contract allowed
        Assert.False(Eligible("THERMO"));   // no gas on the contract
        Assert.False(Eligible("PAYPLAN"));  // never paid late
        Assert.False(Eligible("ODD"));      // unknown rule: fail closed
        Assert.Equal("fixed3y", OfferSelector.ContractType(new OrderRecord(Guid.NewGuid(), Guid.NewGuid(), "", 1, null, T, T.AddYears(3).AddDays(-1), null, 3, T)));
    }

    [Fact]
    public void Train_ResponsesForOneOffer_ShrinksRareOffersTowardsCatalogueRate()
    {
        var features = FeatureBuilder.Build(new HistoryProducer().Build(), T);
        var popular = Catalogue[0];
        var rare = Catalogue[4];
        var responses = Enumerable.Range(0, 400).Select(i => new OfferResponse(popular.Id, popular.OfferType, features, i % 2 == 0))
            .Append(new OfferResponse(rare.Id, rare.OfferType, features, true)).ToArray();
        var model = OfferPropensity.Train(responses, Catalogue);
        var popularPrior = model.Offers.Single(o => o.OfferId == popular.Id).Prior;
        var rarePrior = model.Offers.Single(o => o.OfferId == rare.Id).Prior;
        var unseenPrior = model.Offers.Single(o => o.OfferId == Catalogue[2].Id).Prior;
        Assert.InRange(popularPrior, 0.48, 0.52);
        Assert.InRange(rarePrior, model.GlobalRate, 0.6); // one acceptance out of one is not a 100 % offer
        Assert.Equal(model.GlobalRate, unseenPrior, 6);   // cold start: the catalogue rate
        Assert.Equal(OfferModelState.Empty, OfferPropensity.Train([], Catalogue));
    }
}
