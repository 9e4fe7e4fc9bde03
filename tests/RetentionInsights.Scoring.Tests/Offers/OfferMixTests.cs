using RetentionInsights.Scoring.Offers;

namespace RetentionInsights.Scoring.Tests.Offers;

public sealed class OfferMixTests
{
    private const int Plan = 1, Fixed = 2, Green = 3;

    private static IReadOnlyList<(int, double)> Offers(params (int Type, double Value)[] offers) => offers;

    private static Dictionary<int, double> FirstShares(IReadOnlyList<IReadOnlyList<(int Type, double Value)>> contacts, OfferMix mix) =>
        contacts.Where(c => c.Count > 0)
            .GroupBy(c => c.MaxBy(o => o.Value - mix.PriceOf(o.Type)).Type)
            .ToDictionary(g => g.Key, g => g.Count() / (double)contacts.Count(c => c.Count > 0));

    [Fact]
    public void Fit_OneOfferFirstForMostButTheyHaveAlternatives_ThoseItWinsByTheLeastGetTheirNextBestFirst()
    {
        // 80 customers for whom the plan pays most, by margins of €1..€80 over their fixed-price alternative; 20 green power first.
        var contacts = Enumerable.Range(1, 80).Select(k => Offers((Plan, 100 + k), (Fixed, 100))).Concat(
            Enumerable.Range(1, 20).Select(_ => Offers((Green, 50), (Fixed, 10)))).ToArray();

        var mix = OfferMix.Fit(contacts, 0.4);

        var shares = FirstShares(contacts, mix);
        Assert.Equal(0.40, shares[Plan], 3);
        Assert.Equal(0.40, shares[Fixed], 3);
        Assert.Equal(0.20, shares[Green], 3);
        Assert.Equal(0.80, mix.LargestShareBefore, 3);
        Assert.Equal(0.40, mix.LargestShareAfter, 3);
        Assert.Equal([new OfferTypePrice(Plan, mix.PriceOf(Plan))], mix.Prices);
        // What it costs, in predicted value of the first offers: the forty moved lose €1..€40 each.
        var before = 80 * 100 + Enumerable.Range(1, 80).Sum() + 20 * 50.0;
        Assert.Equal((before - Enumerable.Range(1, 40).Sum()) / before, mix.FirstOfferValueKept, 3);
        // The forty for whom the plan wins by the most (€41..€80) keep it first.
        var keep = contacts.Take(80).Select((c, k) => (Margin: k + 1, First: c.MaxBy(o => o.Item2 - mix.PriceOf(o.Item1)).Item1)).ToArray();
        Assert.All(keep.Where(x => x.Margin > 40), x => Assert.Equal(Plan, x.First));
        Assert.All(keep.Where(x => x.Margin <= 40), x => Assert.Equal(Fixed, x.First));
    }

    [Fact]
    public void Fit_PricingOneOfferPushesTheNextOverTheShare_PricesThatOneToo()
    {
        // For 90 customers the plan beats fixed price by €1..€90 and fixed price beats green power by €1..€90; 10 green-only
        // customers. Pricing the plan down to 40 % makes fixed price first for 50 %.
        var contacts = Enumerable.Range(1, 90).Select(k => Offers((Plan, 200 + k), (Fixed, 200), (Green, 200 - k))).Concat(
            Enumerable.Range(1, 10).Select(_ => Offers((Green, 20)))).ToArray();

        var mix = OfferMix.Fit(contacts, 0.4);

        Assert.All(FirstShares(contacts, mix).Values, share => Assert.True(share <= 0.40 + 1e-9, $"share {share}"));
        Assert.True(mix.PriceOf(Plan) > 0);
        Assert.True(mix.PriceOf(Fixed) > 0);
        Assert.Equal(0, mix.PriceOf(Green));
    }

    [Fact]
    public void Fit_MoreCustomersThanAllowedHaveOnlyThatOffer_ItIsNotPricedAndTheShareReachedIsReported()
    {
        // 60 customers only the plan pays for, 20 who also have fixed price, 20 fixed price only: the plan stays first for at
        // least 60 %, so moving the 20 would cost value and still miss 40 %.
        var contacts = Enumerable.Range(1, 60).Select(k => Offers((Plan, k))).Concat(
            Enumerable.Range(1, 20).Select(k => Offers((Plan, 30 + k), (Fixed, 30)))).Concat(
            Enumerable.Range(1, 20).Select(k => Offers((Fixed, k)))).ToArray();

        var mix = OfferMix.Fit(contacts, 0.4);

        Assert.Empty(mix.Prices);
        Assert.Equal(0.80, FirstShares(contacts, mix)[Plan], 3);
        Assert.Equal(0.80, mix.LargestShareAfter, 3);
        Assert.Equal(1, mix.FirstOfferValueKept);
    }

    [Fact]
    public void Fit_ShareAlreadyWithinTheLimitOrLimitOfOne_PricesNothing()
    {
        var contacts = Enumerable.Range(1, 90).Select(k => Offers((k % 3 + 1, 10.0 + k), ((k + 1) % 3 + 1, 5))).ToArray();

        Assert.Empty(OfferMix.Fit(contacts, 0.4).Prices);
        Assert.Empty(OfferMix.Fit(contacts.Select(_ => Offers((Plan, 10), (Fixed, 5)))
            .ToArray(), 1).Prices);
        Assert.Throws<ArgumentOutOfRangeException>(() => OfferMix.Fit(contacts, 0));
    }
}
