using System.Globalization;
using System.Text.Json;
using RetentionInsights.Data.Campaign;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;
using RetentionInsights.Scoring.Uplift;

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

    /// <summary>
    /// The prior, used for an offer type until enough randomised history exists: an accepted offer removes this share of the
    /// customer's churn risk (catalogue effect × risk).
    /// </summary>
    public double RetentionEffect { get; init; } = 0.5;

    /// <summary>Share of scored contacts held out of proactive retention offers per period (the standing control group).</summary>
    public double ControlShare { get; init; } = RetentionGroups.DefaultControlShare;

    /// <summary>Length of a control-group period in months (periods align with 1 January).</summary>
    public int ControlPeriodMonths { get; init; } = RetentionGroups.DefaultPeriodMonths;

    /// <summary>
    /// Churn risk from which a customer no offer helps is a lost cause rather than a sure thing: the Medium band by default, the
    /// risk from which the product flags a customer at all. Below it the customer is expected to stay anyway (a sure thing);
    /// from it, no offer is expected to keep them.
    /// </summary>
    public double LostCauseRisk { get; init; } = 0.05;

    public int TopN { get; init; } = 3;
}

/// <summary>A proposed offer for one customer, ranked 1..3.</summary>
public sealed record OfferProposal(Guid OfferId, string OfferName, int OfferType, int Rank, double AcceptanceProbability, decimal ExpectedValue, string Reason, string ReasonDutch, int Channel)
{
    /// <summary>Churn risk now minus churn risk if the customer accepts (rtn_churnreduction); negative: the offer pushes them away.</summary>
    public double ChurnReduction { get; init; }

    /// <summary>Churn risk if the customer accepts: what the card shows after the arrow.</summary>
    public double RiskIfAccepted { get; init; }

    /// <summary>Value the offer protects if accepted: churn reduction × the customer's 36-month value (€).</summary>
    public decimal ValueProtected { get; init; }

    public UpliftSource UpliftSource { get; init; }
}

/// <summary>
/// The economics of one eligible offer for one customer, before the contact policy. <see cref="ChurnReduction"/>: risk now minus
/// risk if accepted; <see cref="ChurnReductionIfDeclined"/>: risk now minus risk if approached and declined (negative for
/// customers a call annoys); <see cref="ChurnReductionIfOffered"/>: the expected reduction from making the offer.
/// </summary>
public sealed record OfferEvaluation(OfferRecord Offer, double AcceptanceProbability, double ChurnReduction, double ChurnReductionIfDeclined, double IncrementalValue, UpliftSource Source, int Driver)
{
    public double ChurnReductionIfOffered => AcceptanceProbability * ChurnReduction + (1 - AcceptanceProbability) * ChurnReductionIfDeclined;
}

/// <summary>What the selector decided for one customer: the proposals, the uplift segment, and every offer it weighed.</summary>
public sealed record OfferDecision(IReadOnlyList<OfferProposal> Offers, int UpliftSegment, IReadOnlyList<OfferEvaluation> Evaluated);

/// <summary>What the selector knows about the customer at scoring time.</summary>
public sealed record OfferContext(
    CustomerHistory History,
    DateTime AsOf,
    float[] Features,
    double ChurnProbability,
    double Clv36m,
    decimal AnnualMargin,
    OrderRecord? RunningContract)
{
    /// <summary>
    /// Until when the customer's answers to offers are known (default, and at the least: <see cref="AsOf"/>). A live service scoring its org as of a
    /// fixed date still knows every answer its agents have given since: an offer accepted this afternoon must not be proposed
    /// again tonight. A backtest leaves it at the scoring date, so no later answer leaks into the policy.
    /// </summary>
    public DateTime? AnswersKnownAt { get; init; }
}

/// <summary>
/// Chooses the top offers by incremental net value under the contact policy. Economics, per active offer that passes its
/// eligibility rules and the margin floor: P(accept) × [churn reduction if accepted × value if retained − cost − margin given
/// away] + (1 − P(accept)) × churn reduction if declined × value (the cost is paid only when the customer accepts; the declined
/// term is negative for customers a call annoys; a margin gain is not counted, it is no reason for a retention call). The churn reductions come from the uplift model when its offer type
/// has enough randomised history (learned log-odds shifts for being approached and for accepting, applied to the customer's
/// churn risk), else from the prior (catalogue effect × risk, nothing if declined). Contact rules, in order: no running contract or
/// profiling opt-out → nothing; no allowed channel → nothing; customer-level cap per 90 days; per-offer cap per 90 days,
/// cooldown after a decline of the same type, not accepted in the last year. Then at most one offer per type, positive
/// incremental value only, the best three, first the one that keeps the customer best (after the offer-mix guard's price, see
/// <see cref="OfferMix"/>): sure stayers, lost causes and customers an offer would push away get none.
/// </summary>
public sealed class OfferSelector
{
    private readonly IReadOnlyList<OfferRecord> _catalogue;
    private readonly OfferModelState _model;
    private readonly UpliftModelState _uplift;
    private readonly OfferPolicy _policy;
    private readonly OfferMix _mix;
    // The catalogue's rules parsed once per selector: every scored customer is checked against every offer.
    private readonly Dictionary<Guid, EligibilityRules> _rules = [];

    public OfferSelector(IReadOnlyList<OfferRecord> catalogue, OfferModelState model, OfferPolicy? policy = null, UpliftModelState? uplift = null, OfferMix? mix = null)
    {
        _catalogue = catalogue;
        _model = model;
        _policy = policy ?? new OfferPolicy();
        _uplift = uplift ?? UpliftModelState.Empty;
        _mix = mix ?? OfferMix.None;
        foreach (var offer in catalogue)
            _rules[offer.Id] = EligibilityRules.Parse(offer.EligibilityRules);
    }

    public OfferPolicy Policy => _policy;

    public OfferModelState AcceptanceModel => _model;

    public IReadOnlyList<OfferProposal> Select(OfferContext context) => Decide(context).Offers;

    public OfferDecision Decide(OfferContext context)
    {
        var evaluated = Evaluate(context);
        var segment = Segment(context.ChurnProbability, evaluated);
        return new OfferDecision(Propose(context, evaluated), segment, evaluated);
    }

    /// <summary>Economics of every active, eligible offer within the margin floor, whatever the contact policy says.</summary>
    public IReadOnlyList<OfferEvaluation> Evaluate(OfferContext context)
    {
        if (context.RunningContract is null)
            return [];
        var risk = Math.Clamp(context.ChurnProbability, 0, 1);
        var value = Math.Max(0, context.Clv36m);
        var list = new List<OfferEvaluation>(_catalogue.Count);
        // The uplift covariates depend on the customer only: computed once for every offer evaluated.
        double[]? covariates = null;
        foreach (var offer in _catalogue)
        {
            if (!offer.Active || !IsEligible(_rules[offer.Id], context) || context.AnnualMargin + offer.MarginImpact - offer.Cost < _policy.MarginFloorPerContract)
                continue;
            var p = OfferPropensity.Predict(_model, offer, context.Features);
            double reduction, declined = 0;
            UpliftSource source;
            var driver = -1;
            if (_uplift.Shifts(offer.OfferType, covariates ??= UpliftCovariates.Compute(context.Features)) is { } shift)
            {
                // Learned log-odds shifts, applied to this customer's own churn risk from the churn model.
                var z = UpliftModelState.Logit(risk);
                reduction = risk - UpliftModelState.Logistic(z + shift.IfAccepted);
                declined = risk - UpliftModelState.Logistic(z + shift.IfDeclined);
                source = UpliftSource.Model;
                driver = StrongestUpliftDriver(offer.OfferType, covariates);
            }
            else
            {
                reduction = _policy.RetentionEffect * risk;
                source = UpliftSource.Prior;
            }
            // Value of the call: customers kept (accepted or not: a call can also annoy), less, if accepted, the cost and the margin
            // given away. A margin gain (a price lock) is no reason for a retention call, so it does not count.
            var incremental = (p * reduction + (1 - p) * declined) * value - p * ((double)offer.Cost + Math.Max(0, -(double)offer.MarginImpact));
            list.Add(new OfferEvaluation(offer, p, reduction, declined, incremental, source, driver));
        }
        return list;
    }

    /// <summary>
    /// rtn_upliftsegment: Persuadable when some offer has positive incremental value; Do not disturb when making any offer would
    /// raise the churn risk; otherwise Lost cause at or above <see cref="OfferPolicy.LostCauseRisk"/>, Sure thing below.
    /// </summary>
    public int Segment(double churnProbability, IReadOnlyList<OfferEvaluation> evaluated)
    {
        if (evaluated.Any(e => e.IncrementalValue > 0))
            return Names.Choices.UpliftPersuadable;
        // A clear harm (one percentage point of churn) before a customer is marked do-not-disturb: estimates near zero are noise.
        if (evaluated.Count > 0 && evaluated.Max(e => e.ChurnReductionIfOffered) < -0.01)
            return Names.Choices.UpliftDoNotDisturb;
        return churnProbability >= _policy.LostCauseRisk ? Names.Choices.UpliftLostCause : Names.Choices.UpliftSureThing;
    }

    private IReadOnlyList<OfferProposal> Propose(OfferContext context, IReadOnlyList<OfferEvaluation> evaluated)
    {
        var contact = context.History.Contact;
        if (contact.ProfilingOptOut || context.RunningContract is null || !contact.IsActive)
            return [];
        int? channel = !contact.DoNotPhone ? Names.Choices.ChannelPhone : !contact.DoNotEmail ? Names.Choices.ChannelEmail : null;
        if (channel is null)
            return [];

        var t = context.AsOf;
        var known = context.AnswersKnownAt is { } k && k > t ? k : t;
        var recent = context.History.Recommendations.Where(r => r.RespondedOn is { } on && on < known && r.CreatedOn < known).ToArray();
        var responded90 = recent.Count(r => (t - r.RespondedOn!.Value).TotalDays <= 90
            && r.Status is Names.Choices.RecommendationAccepted or Names.Choices.RecommendationDeclined);
        if (responded90 >= _policy.MaxOffersPer90Days)
            return [];
        // Most customers have answered no offer: the per-offer caps below then hold nothing back.
        var offerTypeById = recent.Length == 0 ? null : _catalogue.ToDictionary(o => o.Id, o => o.OfferType);

        var candidates = new List<OfferEvaluation>();
        foreach (var e in evaluated)
        {
            if (offerTypeById is not null && HeldBack(e.Offer, recent, t, offerTypeById))
                continue;
            if (e.IncrementalValue > 0)
                candidates.Add(e);
        }

        // The offer-mix guard's price reorders the offers (see OfferMix); which offers a customer gets, and their values, stay.
        var chosen = candidates.OrderByDescending(c => c.IncrementalValue).ThenBy(c => c.Offer.Id)
            .GroupBy(c => c.Offer.OfferType).Select(g => g.First())
            .OrderByDescending(c => c.IncrementalValue).ThenBy(c => c.Offer.Id)
            .Take(_policy.TopN)
            .OrderByDescending(c => c.IncrementalValue - _mix.PriceOf(c.Offer.OfferType)).ThenBy(c => c.Offer.Id).ToArray();
        var risk = Math.Clamp(context.ChurnProbability, 0, 1);
        return chosen.Select((c, i) =>
        {
            var protectedValue = Math.Round((decimal)(c.ChurnReduction * Math.Max(0, context.Clv36m)), 0);
            var (en, nl) = Reason(c, context, protectedValue);
            return new OfferProposal(c.Offer.Id, c.Offer.Name, c.Offer.OfferType, i + 1, c.AcceptanceProbability, Math.Round((decimal)c.IncrementalValue, 2), en, nl, channel.Value)
            {
                ChurnReduction = Math.Round(c.ChurnReduction, 4),
                RiskIfAccepted = Math.Round(risk - c.ChurnReduction, 4),
                ValueProtected = protectedValue,
                UpliftSource = c.Source,
            };
        }).ToArray();
    }

    /// <summary>
    /// Whether the customer's answers to earlier offers hold this offer back: its own cap per 90 days, the cooldown after a
    /// decline of the same type, or an acceptance of it in the last year.
    /// </summary>
    private bool HeldBack(OfferRecord offer, RecommendationRecord[] recent, DateTime t, Dictionary<Guid, int> offerTypeById)
    {
        var sameOffer90 = 0;
        foreach (var r in recent)
        {
            var days = (t - r.RespondedOn!.Value).TotalDays;
            if (r.OfferId == offer.Id && days <= 90)
                sameOffer90++;
            var cooling = r.Status == Names.Choices.RecommendationDeclined && offerTypeById.GetValueOrDefault(r.OfferId, -1) == offer.OfferType
                && days <= _policy.DeclineCooldownDays;
            if (cooling || (r.OfferId == offer.Id && r.Status == Names.Choices.RecommendationAccepted && days <= 365))
                return true;
        }
        return sameOffer90 >= Math.Max(1, offer.MaxPer90Days);
    }

    /// <summary>Index (in <see cref="UpliftCovariates.Names"/>) of the trait that makes this offer type keep this customer most, or −1.</summary>
    private int StrongestUpliftDriver(int offerType, double[] x)
    {
        var type = _uplift.EffectOf(offerType);
        if (type is null || _uplift.Contact.Length != UpliftCovariates.Count)
            return -1;
        var best = -1;
        var bestValue = -0.1;
        for (var k = 1; k < x.Length; k++)
        {
            var effect = (type.Weights[k] + _uplift.Contact[k]) * x[k];
            if (effect < bestValue && UpliftPhrases[k].En.Length > 0)
            {
                best = k;
                bestValue = effect;
            }
        }
        return best;
    }

    /// <summary>Evaluates the JSON eligibility rules of an offer. Unknown rule keys make the offer ineligible (fail closed).</summary>
    public static bool IsEligible(OfferRecord offer, OfferContext context) => IsEligible(EligibilityRules.Parse(offer.EligibilityRules), context);

    private static bool IsEligible(EligibilityRules rules, OfferContext context)
    {
        if (rules.Text is null)
            return true;
        if (rules.Root is not { } root)
            return false;
        var contract = context.RunningContract!;
        foreach (var rule in root.EnumerateObject())
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
        return true;
    }

    /// <summary>An offer's eligibility rules: <see cref="Text"/> null when it has none; <see cref="Root"/> null when the text is
    /// not a JSON object (the offer is then never eligible).</summary>
    private sealed record EligibilityRules(string? Text, JsonElement? Root)
    {
        public static EligibilityRules Parse(string? text)
        {
            if (string.IsNullOrWhiteSpace(text))
                return new(null, null);
            try
            {
                using var document = JsonDocument.Parse(text);
                return new(text, document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null);
            }
            catch (JsonException)
            {
                return new(text, null);
            }
        }
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

    // Why this offer keeps this customer, by uplift covariate; a covariate without a phrase is never a talking point. Keyed by
    // name and laid out along UpliftCovariates.Names once, so adding or reordering a covariate cannot shift the phrases.
    private static readonly Dictionary<string, (string En, string Nl)> UpliftPhraseByCovariate = new()
    {
        ["price_increase_90"] = ("their instalment went up recently, and this offer answers the price", "het termijnbedrag is recent gestegen en dit aanbod beantwoordt de prijs"),
        ["contract_end_within_60"] = ("their contract ends within 60 days: this keeps them from comparing suppliers", "het contract loopt binnen 60 dagen af: dit voorkomt dat de klant gaat vergelijken"),
        ["contract_variable"] = ("they are on a variable price, which this offer takes the uncertainty out of", "de klant heeft een variabele prijs en dit aanbod neemt de onzekerheid weg"),
        ["complaints_any_90"] = ("they complained recently, and this shows we take them seriously", "de klant heeft recent geklaagd en dit laat zien dat we dat serieus nemen"),
        ["complaints_90"] = ("they complained recently, and this shows we take them seriously", "de klant heeft recent geklaagd en dit laat zien dat we dat serieus nemen"),
        ["complaints_several_90"] = ("they complained recently, and this shows we take them seriously", "de klant heeft recent geklaagd en dit laat zien dat we dat serieus nemen"),
        ["late_any_365"] = ("they paid late recently, and this eases their bills", "de klant heeft recent te laat betaald en dit maakt de rekeningen lichter"),
        ["late_several_365"] = ("they paid late several times this year, and this eases their bills", "de klant heeft dit jaar meermaals te laat betaald en dit maakt de rekeningen lichter"),
        ["late_payments_365"] = ("they paid late recently, and this eases their bills", "de klant heeft recent te laat betaald en dit maakt de rekeningen lichter"),
        ["tenure_years"] = ("they have been with us for years, and this rewards their loyalty", "de klant is al jaren bij ons en dit beloont die trouw"),
        ["new_customer"] = ("they are new, and this wins their trust early", "de klant is nieuw en dit wint vroeg het vertrouwen"),
    };

    internal static readonly (string En, string Nl)[] UpliftPhrases =
        UpliftCovariates.Names.Select(n => UpliftPhraseByCovariate.GetValueOrDefault(n, ("", ""))).ToArray();

    /// <summary>Covariates a phrase is written for: each must be one of <see cref="UpliftCovariates.Names"/> (a test checks).</summary>
    internal static IEnumerable<string> PhrasedCovariates => UpliftPhraseByCovariate.Keys;

    private (string En, string Nl) Reason(OfferEvaluation c, OfferContext context, decimal protectedValue)
    {
        var pct = c.AcceptanceProbability.ToString("0%", CultureInfo.InvariantCulture);
        var risk = Math.Clamp(context.ChurnProbability, 0, 1);
        var now = risk.ToString("0%", CultureInfo.InvariantCulture);
        var after = (risk - c.ChurnReduction).ToString("0%", CultureInfo.InvariantCulture);
        var money = protectedValue.ToString("0", CultureInfo.InvariantCulture);
        var effectEn = $"Risk {now} → {after} if accepted, protecting €{money}";
        var effectNl = $"Risico {now} → {after} bij acceptatie, beschermt €{money}";
        if (c.Driver >= 0)
        {
            var phrase = UpliftPhrases[c.Driver];
            return ($"{effectEn}: {phrase.En} ({pct} likely to accept).", $"{effectNl}: {phrase.Nl} ({pct} kans op acceptatie).");
        }
        var driver = OfferPropensity.StrongestDriver(_model, c.Offer, context.Features);
        var basis = c.Source == UpliftSource.Prior ? ("estimate from the catalogue effect", "schatting op basis van het catalogus-effect") : ("based on similar customers", "op basis van vergelijkbare klanten");
        if (driver >= 0)
        {
            var phrase = DriverPhrases[driver];
            var negative = OfferPropensity.Inputs(context.Features)[driver] < 0;
            var (en, nl) = negative ? (phrase.EnNegative, phrase.NlNegative) : (phrase.En, phrase.Nl);
            return ($"{effectEn} ({basis.Item1}); {pct} likely to accept: customer {en}.", $"{effectNl} ({basis.Item2}); {pct} kans op acceptatie: klant {nl}.");
        }
        return ($"{effectEn} ({basis.Item1}); {pct} likely to accept, based on similar customers.", $"{effectNl} ({basis.Item2}); {pct} kans op acceptatie, op basis van vergelijkbare klanten.");
    }
}
