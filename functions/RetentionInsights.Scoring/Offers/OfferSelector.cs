using System.Globalization;
using System.Text.Json;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;

namespace RetentionInsights.Scoring.Offers;

/// <summary>Contact policy and economics of offer selection. Amounts are € per year unless stated.</summary>
public sealed record OfferPolicy
{
    /// <summary>At most this many offers a customer responded to in the last 90 days; at the cap, propose nothing.</summary>
    public int MaxOffersPer90Days { get; init; } = 3;

    /// <summary>After a decline, no offer of the same type for this many days.</summary>
    public int DeclineCooldownDays { get; init; } = 60;

    /// <summary>The contract's yearly margin after the offer (margin + impact − cost) must stay at or above this.</summary>
    public decimal MarginFloorPerContract { get; init; } = 40m;

    /// <summary>Share of the value at risk (P(churn) × CLV 36m) an accepted offer keeps.</summary>
    public double RetentionEffect { get; init; } = 0.5;

    public int TopN { get; init; } = 3;
}

/// <summary>A proposed offer for one customer, ranked 1..3.</summary>
public sealed record OfferProposal(Guid OfferId, string OfferName, int OfferType, int Rank, double AcceptanceProbability, decimal ExpectedValue, string Reason, string ReasonDutch, int Channel);

/// <summary>What the selector knows about the customer at scoring time.</summary>
public sealed record OfferContext(
    CustomerHistory History,
    DateTime AsOf,
    float[] Features,
    double ChurnProbability,
    double Clv36m,
    decimal AnnualMargin,
    OrderRecord? RunningContract);

/// <summary>
/// Chooses the top offers by expected net value under the contact policy. Rules, in order: no running contract or
/// profiling opt-out → nothing; no allowed channel (do-not-phone and do-not-email) → nothing; customer-level cap per 90 days;
/// per offer: active, eligibility rules, per-offer cap per 90 days, cooldown after a decline of the same type, not accepted in
/// the last year, margin floor; then at most one offer per type, positive expected value only, best first.
/// Expected value = P(accept) × (retained value + yearly margin change − cost): the cost is a fulfilment cost paid only when
/// the customer accepts (a bonus nobody takes costs nothing).
/// </summary>
public sealed class OfferSelector
{
    private readonly IReadOnlyList<OfferRecord> _catalogue;
    private readonly OfferModelState _model;
    private readonly OfferPolicy _policy;

    public OfferSelector(IReadOnlyList<OfferRecord> catalogue, OfferModelState model, OfferPolicy? policy = null)
    {
        _catalogue = catalogue;
        _model = model;
        _policy = policy ?? new OfferPolicy();
    }

    public OfferPolicy Policy => _policy;

    public IReadOnlyList<OfferProposal> Select(OfferContext context)
    {
        var contact = context.History.Contact;
        if (contact.ProfilingOptOut || context.RunningContract is null || !contact.IsActive)
            return [];
        int? channel = !contact.DoNotPhone ? Names.Choices.ChannelPhone : !contact.DoNotEmail ? Names.Choices.ChannelEmail : null;
        if (channel is null)
            return [];

        var t = context.AsOf;
        var recent = context.History.Recommendations.Where(r => r.RespondedOn is { } on && on < t && r.CreatedOn < t).ToArray();
        var responded90 = recent.Count(r => (t - r.RespondedOn!.Value).TotalDays <= 90
            && r.Status is Names.Choices.RecommendationAccepted or Names.Choices.RecommendationDeclined);
        if (responded90 >= _policy.MaxOffersPer90Days)
            return [];
        var offerTypeById = _catalogue.ToDictionary(o => o.Id, o => o.OfferType);

        var candidates = new List<(OfferRecord Offer, double P, double Value)>();
        foreach (var offer in _catalogue)
        {
            if (!offer.Active || !IsEligible(offer, context))
                continue;
            var sameOffer90 = recent.Count(r => r.OfferId == offer.Id && (t - r.RespondedOn!.Value).TotalDays <= 90);
            if (sameOffer90 >= Math.Max(1, offer.MaxPer90Days))
                continue;
            var cooling = recent.Any(r => r.Status == Names.Choices.RecommendationDeclined
                && offerTypeById.GetValueOrDefault(r.OfferId, -1) == offer.OfferType
                && (t - r.RespondedOn!.Value).TotalDays <= _policy.DeclineCooldownDays);
            if (cooling)
                continue;
            if (recent.Any(r => r.OfferId == offer.Id && r.Status == Names.Choices.RecommendationAccepted && (t - r.RespondedOn!.Value).TotalDays <= 365))
                continue;
            if (context.AnnualMargin + offer.MarginImpact - offer.Cost < _policy.MarginFloorPerContract)
                continue;
            var p = OfferPropensity.Predict(_model, offer, context.Features);
            var retained = _policy.RetentionEffect * context.ChurnProbability * context.Clv36m;
            var value = p * (retained + (double)offer.MarginImpact - (double)offer.Cost);
            if (value > 0)
                candidates.Add((offer, p, value));
        }

        var chosen = candidates.OrderByDescending(c => c.Value).ThenBy(c => c.Offer.Id)
            .GroupBy(c => c.Offer.OfferType).Select(g => g.First())
            .OrderByDescending(c => c.Value).ThenBy(c => c.Offer.Id)
            .Take(_policy.TopN).ToArray();
        return chosen.Select((c, i) =>
        {
            var (en, nl) = Reason(c.Offer, c.P, context);
            return new OfferProposal(c.Offer.Id, c.Offer.Name, c.Offer.OfferType, i + 1, c.P, Math.Round((decimal)c.Value, 2), en, nl, channel.Value);
        }).ToArray();
    }

    /// <summary>Evaluates the JSON eligibility rules of an offer. Unknown rule keys make the offer ineligible (fail closed).</summary>
    public static bool IsEligible(OfferRecord offer, OfferContext context)
    {
        if (string.IsNullOrWhiteSpace(offer.EligibilityRules))
            return true;
        JsonDocument rules;
        try
        {
            rules = JsonDocument.Parse(offer.EligibilityRules);
        }
        catch (JsonException)
        {
            return false;
        }
        using (rules)
        {
            if (rules.RootElement.ValueKind != JsonValueKind.Object)
                return false;
            var contract = context.RunningContract!;
            foreach (var rule in rules.RootElement.EnumerateObject())
            {
                var ok = rule.Name switch
                {
                    "minTenureMonths" => (context.AsOf - context.History.Contact.CreatedOn).TotalDays / 30.4375 >= rule.Value.GetDouble(),
                    "contractTypes" => rule.Value.EnumerateArray().Any(v => v.GetString() == ContractType(contract)),
                    "requiresGas" => !rule.Value.GetBoolean() || HasGas(context.History, contract),
                    "requiresLatePayments" => !rule.Value.GetBoolean() || context.Features[Features.FeatureSchema.IndexOf("late_payments_365")] > 0,
                    _ => false,
                };
                if (!ok)
                    return false;
            }
        }
        return true;
    }

    public static string ContractType(OrderRecord contract)
    {
        if (contract.ContractEnd is not { } end)
            return "variable";
        var years = Math.Round(((end - (contract.Start ?? contract.CreatedOn)).TotalDays + 1) / 365.25);
        return $"fixed{Math.Max(1, years).ToString(CultureInfo.InvariantCulture)}y";
    }

    private static bool HasGas(CustomerHistory history, OrderRecord contract) =>
        history.OrderLines.Any(l => l.OrderId == contract.Id && l.Product.Contains("gas", StringComparison.OrdinalIgnoreCase) && l.Quantity > 0);

    // One phrase per acceptance-model input; inputs that can be negative (tone, price change) say which way they point,
    // so a customer with angry messages is never told "recent messages are positive".
    private static readonly (string En, string Nl, string EnNegative, string NlNegative)[] DriverPhrases =
    [
        ("has paid late recently", "heeft recent te laat betaald", "", ""),
        ("contract ends within 60 days", "contract loopt binnen 60 dagen af", "", ""),
        ("is on a variable price", "heeft een variabele prijs", "", ""),
        ("has complained recently", "heeft recent geklaagd", "", ""),
        ("long-standing customer", "al lang klant", "", ""),
        ("recent messages are positive", "recente berichten zijn positief", "recent messages are negative", "recente berichten zijn negatief"),
        ("instalment went up recently", "termijnbedrag is recent gestegen", "instalment went down recently", "termijnbedrag is recent gedaald"),
    ];

    private (string En, string Nl) Reason(OfferRecord offer, double p, OfferContext context)
    {
        var driver = OfferPropensity.StrongestDriver(_model, offer, context.Features);
        var pct = p.ToString("0%", CultureInfo.InvariantCulture);
        var risk = context.ChurnProbability.ToString("0%", CultureInfo.InvariantCulture);
        if (driver >= 0)
        {
            var phrase = DriverPhrases[driver];
            var negative = OfferPropensity.Inputs(context.Features)[driver] < 0;
            var (en, nl) = negative ? (phrase.EnNegative, phrase.NlNegative) : (phrase.En, phrase.Nl);
            return ($"{pct} likely to accept: customer {en}; churn risk {risk}.", $"{pct} kans op acceptatie: klant {nl}; opzegrisico {risk}.");
        }
        return ($"{pct} likely to accept, based on similar customers; churn risk {risk}.", $"{pct} kans op acceptatie, op basis van vergelijkbare klanten; opzegrisico {risk}.");
    }
}
