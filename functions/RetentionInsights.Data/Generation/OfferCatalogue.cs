using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Data.Generation;

public sealed record CatalogueOffer(
    Guid Id, string Code, string Name, int OfferType, string Description, decimal Cost, decimal MarginImpact,
    string EligibilityRules, int MaxPer90Days, double BaseAcceptance);

/// <summary>The synthetic supplier's retention offers and the true (hidden) acceptance behaviour of customers.</summary>
public sealed class OfferCatalogue
{
    public OfferCatalogue(int seed)
    {
        var rng = Rng.For(seed, -1, stream: 7);
        Offers =
        [
            new(rng.NextGuid(), "DISC10", "10% loyalty discount for 12 months", Names.Choices.OfferDiscount,
                "10% off the supply tariff for 12 months.", 0m, -60m, """{"minTenureMonths":6}""", 1, 0.30),
            new(rng.NextGuid(), "BONUS50", "€50 loyalty bonus", Names.Choices.OfferLoyaltyBonus,
                "A one-off €50 credit on the next statement.", 50m, 0m, """{"minTenureMonths":12}""", 1, 0.28),
            new(rng.NextGuid(), "FIX3Y", "3-year fixed price", Names.Choices.OfferFixedPrice,
                "Lock today's price for three years.", 15m, 25m, """{"contractTypes":["variable","fixed1y"]}""", 1, 0.22),
            new(rng.NextGuid(), "GREEN", "100% Dutch wind power at no extra cost", Names.Choices.OfferGreenUpgrade,
                "Upgrade to certified Dutch wind power at the same price.", 5m, -15m, "{}", 1, 0.20),
            new(rng.NextGuid(), "THERMO", "Smart thermostat at half price", Names.Choices.OfferServiceAddOn,
                "A smart thermostat with installation at 50% off.", 110m, 35m, """{"requiresGas":true}""", 1, 0.15),
            new(rng.NextGuid(), "PAYPLAN", "Flexible payment plan", Names.Choices.OfferPaymentPlan,
                "Spread the outstanding amount over six months without extra costs.", 5m, 0m, """{"requiresLatePayments":true}""", 1, 0.12),
            new(rng.NextGuid(), "ECHECK", "Free home energy check", Names.Choices.OfferServiceAddOn,
                "An energy adviser visits and shows where to save.", 60m, 10m, "{}", 1, 0.18),
            new(rng.NextGuid(), "DISC5FIX", "5% discount with 1-year fixed price", Names.Choices.OfferDiscount,
                "5% off and a fixed price for one year.", 0m, -35m, "{}", 1, 0.25),
        ];
    }

    public IReadOnlyList<CatalogueOffer> Offers { get; }

    /// <summary>The planted acceptance probability: what the offer model should learn from past responses.</summary>
    public double TrueAcceptance(CatalogueOffer offer, double priceSensitivity, double greenAffinity, int paymentDiscipline, bool contractEnding)
    {
        var factor = offer.OfferType switch
        {
            Names.Choices.OfferDiscount or Names.Choices.OfferLoyaltyBonus => 0.4 + 1.3 * priceSensitivity,
            Names.Choices.OfferFixedPrice => (contractEnding ? 1.8 : 0.8) * (0.6 + 0.8 * priceSensitivity),
            Names.Choices.OfferGreenUpgrade => 0.3 + 1.6 * greenAffinity,
            Names.Choices.OfferPaymentPlan => paymentDiscipline == 0 ? 0.3 : 2.5,
            _ => 1.0,
        };
        return Math.Clamp(offer.BaseAcceptance * factor, 0.01, 0.9);
    }

    public IEnumerable<object?[]> Rows(RowLayouts layouts, DateTime createdOn) =>
        Offers.Select(o => layouts.Row("rtn_offer")
            .Set("rtn_offerid", StorageFormat.Guid(o.Id))
            .Set("rtn_name", o.Name).Set("rtn_code", o.Code)
            .Set("rtn_offertype", o.OfferType)
            .Set("rtn_description", o.Description)
            .Set("rtn_cost", (double)o.Cost).Set("rtn_marginimpact", (double)o.MarginImpact)
            .Set("rtn_eligibilityrules", o.EligibilityRules)
            .Set("rtn_maxper90days", o.MaxPer90Days)
            .Set("rtn_active", 1)
            .Set("createdon", StorageFormat.Utc(createdOn)).Values);
}
