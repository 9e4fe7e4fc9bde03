using RetentionInsights.Data.Metadata;
using RetentionInsights.Scoring.Explanations;

namespace RetentionInsights.Scoring.Tests.Explanations;

public sealed class TalkingPointsTests
{
    private static readonly int[] AllOfferTypes =
    [
        Names.Choices.OfferDiscount, Names.Choices.OfferLoyaltyBonus, Names.Choices.OfferFixedPrice,
        Names.Choices.OfferGreenUpgrade, Names.Choices.OfferServiceAddOn, Names.Choices.OfferPaymentPlan,
    ];

    [Fact]
    public void Pick_FixedPriceAfterPriceIncrease_RefersToTheIncrease()
    {
        var point = TalkingPoints.Pick(Names.Choices.OfferFixedPrice, [Phrase.Of("complaints", ("count", 2), ("days", 30)), Phrase.Of("price_increase", ("percent", 9))], 3);
        Assert.Equal("fixed_price_after_increase", point.Code);
        Assert.Contains("9 %", Phrases.Render(PhraseSection.TalkingPoints, point, "en"));
    }

    [Fact]
    public void Pick_GreenUpgradeForComplainingCustomer_NeverCitesTheComplaint()
    {
        var point = TalkingPoints.Pick(Names.Choices.OfferGreenUpgrade, [Phrase.Of("complaints", ("count", 2), ("days", 30))], 3);
        var text = Phrases.Render(PhraseSection.TalkingPoints, point, "en");
        Assert.DoesNotContain("complain", text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("green_default", point.Code);
    }

    [Fact]
    public void Pick_PaymentPlan_OnlyMentionsPaymentsWhenThereArePaymentProblems()
    {
        Assert.Equal("payment_plan_spread", TalkingPoints.Pick(Names.Choices.OfferPaymentPlan, [Phrase.Of("overdue_invoices", ("count", 2))], 1).Code);
        Assert.Equal("payment_plan_default", TalkingPoints.Pick(Names.Choices.OfferPaymentPlan, [Phrase.Of("variable_contract")], 1).Code);
    }

    [Fact]
    public void Pick_LoyaltyBonusForNewCustomer_DoesNotThankForZeroYears() =>
        Assert.Equal("loyalty_default", TalkingPoints.Pick(Names.Choices.OfferLoyaltyBonus, [], 0).Code);

    [Fact]
    public void Pick_AnyOfferType_NeverRepeatsTheCardsPercentages()
    {
        // The card shows acceptance chance and risk; the talking point is about the customer, so it never carries a "%" of its own
        // unless it quotes the customer's price increase.
        foreach (var type in AllOfferTypes)
        {
            var point = TalkingPoints.Pick(type, [Phrase.Of("complaints", ("count", 1), ("days", 30)), Phrase.Of("late_payments", ("count", 2))], 4);
            foreach (var language in Phrases.Languages)
                Assert.DoesNotContain("%", Phrases.Render(PhraseSection.TalkingPoints, point, language));
        }
    }

    [Fact]
    public void Pick_UnknownOfferType_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TalkingPoints.Pick(1, [], 0));

    [Fact]
    public void ToJson_PhraseWithParameters_IsCompact() =>
        Assert.Equal("{\"c\":\"renewal_moment\",\"p\":{\"days\":30}}", TalkingPoints.ToJson(Phrase.Of("renewal_moment", ("days", 30))));
}
