using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Scoring.Explanations;

/// <summary>
/// Why THIS offer fits THIS customer, in one sentence the agent can say. Not the card's numbers (acceptance chance, value)
/// and never a mismatch: an offer type only refers to a churn reason it actually answers (a fixed price answers a price
/// increase or a variable contract, a payment plan answers late payments, service answers complaints); otherwise it gets
/// its own plain pitch. Pure: the pipeline passes the customer's reason phrases and tenure.
/// </summary>
public static class TalkingPoints
{
    private static readonly string[] ServiceProblems =
        ["complaints", "open_cases", "reopened_cases", "slow_resolution", "urgent_cases", "low_satisfaction"];

    private static readonly string[] PaymentProblems = ["late_payments", "very_late_payments", "paid_on_time_share", "overdue_invoices"];

    /// <param name="offerType">rtn_offertype choice value.</param>
    /// <param name="reasons">The customer's churn reasons, strongest first (codes and parameters).</param>
    /// <param name="tenureYears">Whole years as a customer.</param>
    public static Phrase Pick(int offerType, IReadOnlyList<Phrase> reasons, int tenureYears)
    {
        Phrase? First(params string[] codes) => reasons.FirstOrDefault(r => codes.Contains(r.Code));
        var priceIncrease = First("price_increase");
        var recentIncrease = First("recent_price_increase");
        var ending = First("contract_ending");
        var service = First(ServiceProblems);
        switch (offerType)
        {
            case Names.Choices.OfferFixedPrice:
                if (priceIncrease is not null)
                    return Phrase.Of("fixed_price_after_increase", ("percent", priceIncrease.Parameters["percent"]));
                if (First("variable_contract") is not null)
                    return Phrase.Of("fixed_price_certainty");
                return ending is not null ? Renewal(ending) : Phrase.Of("fixed_price_default");
            case Names.Choices.OfferPaymentPlan:
                return First(PaymentProblems) is not null ? Phrase.Of("payment_plan_spread") : Phrase.Of("payment_plan_default");
            case Names.Choices.OfferServiceAddOn:
                return service is not null ? Phrase.Of("service_after_complaints") : Phrase.Of("service_default");
            case Names.Choices.OfferDiscount:
                if (service is not null)
                    return Phrase.Of("discount_goodwill");
                return priceIncrease is not null || recentIncrease is not null ? Phrase.Of("discount_price") : Phrase.Of("discount_default");
            case Names.Choices.OfferLoyaltyBonus:
                if (ending is not null)
                    return Renewal(ending);
                return tenureYears >= 1 ? Phrase.Of("loyalty_thanks", ("years", tenureYears)) : Phrase.Of("loyalty_default");
            case Names.Choices.OfferGreenUpgrade:
                return Phrase.Of("green_default");
            default:
                throw new ArgumentOutOfRangeException(nameof(offerType), offerType, "Unknown rtn_offertype value; add its talking points to the catalogue.");
        }
    }

    /// <summary>The rtn_talkingpoint value: compact JSON {"c":code,"p":{parameters}}.</summary>
    public static string ToJson(Phrase phrase) =>
        System.Text.Json.JsonSerializer.Serialize(phrase.Parameters.Count == 0
            ? (object)new { c = phrase.Code }
            : new { c = phrase.Code, p = phrase.Parameters });

    private static Phrase Renewal(Phrase ending) => Phrase.Of("renewal_moment", ("days", ending.Parameters["days"]));
}
