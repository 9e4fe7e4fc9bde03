using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Data.Generation;

public sealed record CatalogueOffer(
    Guid Id, string Code, string Name, int OfferType, string Description, decimal Cost, decimal MarginImpact,
    string EligibilityRules, int MaxPer90Days, double BaseAcceptance);

/// <summary>Log-odds shifts of the monthly churn hazard caused by a retention offer (negative keeps the customer).</summary>
public readonly record struct OfferEffect(double IfAccepted, double OfContact);

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

    /// <summary>
    /// The planted effect of a retention offer on the monthly churn hazard, as log-odds shifts: <see cref="OfferEffect.IfAccepted"/>
    /// for 180 days after the customer accepts, <see cref="OfferEffect.OfContact"/> for 90 days after the customer is approached
    /// (accepted or not). Heterogeneous on purpose, and driven by what the records show, so an uplift model can learn it:
    /// price offers keep customers whose risk comes from price (a recent increase, a contract about to end); a payment plan keeps
    /// chronic late payers; service offers keep customers with a recent complaint; nothing keeps a customer who is moving out
    /// (lost cause); customers who complain a lot or write angry messages are annoyed by a sales call (do not disturb). Low-risk
    /// customers move little in absolute terms whatever the shift (sure things). <paramref name="responsiveness"/> is a hidden
    /// per-customer multiplier no record reveals.
    /// </summary>
    public static OfferEffect TrueEffect(int offerType, in CustomerSimulator.HazardInputs x, double responsiveness)
    {
        var annoyed = x.Complaints90 >= 2 || x.NegativeInbound60 >= 2;
        var priceIncrease = x.PriceIncrease90 ? 1.0 : 0.0;
        var contractEnding = x.ContractEndWithin60 ? 1.0 : 0.0;
        var accepted = offerType switch
        {
            Names.Choices.OfferDiscount => -(0.2 + 2.0 * priceIncrease + 0.8 * contractEnding),
            Names.Choices.OfferLoyaltyBonus => -(0.2 + 1.0 * priceIncrease + 0.8 * contractEnding),
            Names.Choices.OfferFixedPrice => -(0.1 + 0.8 * priceIncrease + 2.4 * contractEnding),
            Names.Choices.OfferGreenUpgrade => -0.3,
            Names.Choices.OfferServiceAddOn => -(0.1 + 1.5 * Math.Min(x.Complaints90, 1)),
            Names.Choices.OfferPaymentPlan => -(0.1 + 2.0 * (x.LatePayments365 >= 2 ? 1 : 0)),
            _ => -0.2,
        };
        if (x.UsageDrop)
            accepted = 0;
        if (annoyed)
            accepted *= 0.3;
        return new OfferEffect(accepted * responsiveness, annoyed ? 1.2 : 0);
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
