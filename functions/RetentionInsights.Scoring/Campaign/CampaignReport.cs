using RetentionInsights.Data.Campaign;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;
using RetentionInsights.Scoring.Engine;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Uplift;

namespace RetentionInsights.Scoring.Campaign;

/// <summary>One group of the period: who was in it and what happened to them.</summary>
public sealed record CampaignGroup(
    int Contacts,
    int Churned,
    double ChurnRate,
    decimal MarginPerContract,
    decimal Revenue,
    int OffersMade,
    int OffersAccepted,
    int OffersRetained);

/// <summary>Treatment minus control churn rate, with a 95 % confidence interval (normal approximation, unpooled variance).</summary>
public sealed record CampaignEffect(double ChurnRateDifference, double[] Ci95, double CustomersKept, bool Significant);

/// <summary>
/// Return on the offers, in the form "value retained × customers kept × probability of losing them without the action, against
/// offer costs": customers kept = offers accepted by customers still with us at the end of the period; probability of losing
/// them without the action = the control group's churn rate; value retained = their average yearly contract margin.
/// <see cref="Roi"/> = (value retained − offer costs) / offer costs, null without costs.
/// </summary>
public sealed record CampaignRoi(decimal ValuePerCustomer, int CustomersKept, double ProbabilityOfLosingWithoutAction, decimal ValueRetained, decimal OfferCosts, double? Roi);

/// <summary>The campaign report for one period: both groups, the effect, the ROI and, when a model is given, a Qini curve.</summary>
public sealed record CampaignReport(
    DateTime From,
    DateTime To,
    DateTime GroupPeriodStart,
    bool WindowCrossesPeriods,
    double ControlShare,
    CampaignGroup Treatment,
    CampaignGroup Control,
    CampaignEffect Effect,
    CampaignRoi Roi,
    QiniCurve? Qini)
{
    /// <summary>
    /// Builds the report over the records. Contacts count when they were customers at <paramref name="from"/> and had not
    /// objected to profiling; their group is the standing control-group assignment of the period containing
    /// <paramref name="from"/> (the same pure function the engine uses). Churned: left in [from, to). Margin per contract: the
    /// running contract's yearly value × <paramref name="marginRate"/>, averaged. Revenue: invoices raised in the window.
    /// Offers: recommendations created in the window, accepted ones, and accepted by customers who did not churn.
    /// <paramref name="upliftScore"/> (predicted churn reduction from the best offer, as of <paramref name="from"/>) gives the
    /// Qini curve of the model on the period: treated against control, ranked by that score.
    /// </summary>
    public static CampaignReport Build(
        IReadOnlyList<CustomerHistory> histories,
        IReadOnlyList<OfferRecord> catalogue,
        DateTime from,
        DateTime to,
        double controlShare = RetentionGroups.DefaultControlShare,
        int periodMonths = RetentionGroups.DefaultPeriodMonths,
        double marginRate = 0.12,
        Func<CustomerHistory, double>? upliftScore = null)
    {
        if (to <= from)
            throw new ArgumentException($"The report window is empty: --to ({to:yyyy-MM-dd}) must be after --from ({from:yyyy-MM-dd}).");
        RetentionGroups.Validate(controlShare, periodMonths);
        var offers = catalogue.ToDictionary(o => o.Id);
        var members = histories
            .Where(h => !h.Contact.ProfilingOptOut && ChurnLabels.At(h, from) == ChurnLabels.Status.Eligible)
            .Select(h => (History: h, Control: RetentionGroups.IsControl(h.Contact.Id, from, controlShare, periodMonths),
                Churned: h.ChurnedOn is { } left && !h.Contact.IsActive && left >= from && left < to))
            .ToArray();
        if (members.Length == 0)
            throw new InvalidDataException($"No customers at {from:yyyy-MM-dd}: choose a window inside the org's history.");

        CampaignGroup Group(bool control)
        {
            var group = members.Where(m => m.Control == control).ToArray();
            var churned = group.Count(m => m.Churned);
            var contracts = group.Select(m => FeatureBuilder.RunningContract(m.History, from)).OfType<OrderRecord>().ToArray();
            var made = group.SelectMany(m => m.History.Recommendations.Where(r => r.CreatedOn >= from && r.CreatedOn < to).Select(r => (m.Churned, r))).ToArray();
            var accepted = made.Where(x => x.r.Status == Names.Choices.RecommendationAccepted).ToArray();
            return new CampaignGroup(
                group.Length,
                churned,
                group.Length == 0 ? 0 : churned / (double)group.Length,
                contracts.Length == 0 ? 0 : Math.Round(contracts.Average(c => c.TotalAmount) * (decimal)marginRate, 2),
                Math.Round(group.Sum(m => m.History.Invoices.Where(i => i.CreatedOn >= from && i.CreatedOn < to).Sum(i => i.Amount)), 2),
                made.Length,
                accepted.Length,
                accepted.Count(x => !x.Churned));
        }

        var treatment = Group(control: false);
        var controlGroup = Group(control: true);
        var difference = treatment.ChurnRate - controlGroup.ChurnRate;
        var se = Math.Sqrt(Variance(controlGroup) + Variance(treatment));
        var ci = new[] { difference - 1.96 * se, difference + 1.96 * se };
        var effect = new CampaignEffect(difference, ci, -difference * treatment.Contacts, ci[0] > 0 || ci[1] < 0);

        // ROI in the seed's form, over offers accepted in the window by treatment customers who stayed.
        var kept = members.Where(m => !m.Control && !m.Churned)
            .SelectMany(m => m.History.Recommendations.Where(r => r.CreatedOn >= from && r.CreatedOn < to && r.Status == Names.Choices.RecommendationAccepted).Select(r => (m.History, r)))
            .ToArray();
        var acceptedAll = members.Where(m => !m.Control)
            .SelectMany(m => m.History.Recommendations.Where(r => r.CreatedOn >= from && r.CreatedOn < to && r.Status == Names.Choices.RecommendationAccepted))
            .ToArray();
        var costs = acceptedAll.Sum(r => offers.TryGetValue(r.OfferId, out var o) ? o.Cost + Math.Max(0, -o.MarginImpact) : 0);
        var keptCustomers = kept.Select(k => k.History).Distinct().ToArray();
        var valuePerCustomer = keptCustomers.Length == 0 ? 0
            : Math.Round(keptCustomers.Average(h => (FeatureBuilder.RunningContract(h, from)?.TotalAmount ?? 0) * (decimal)marginRate), 2);
        var valueRetained = Math.Round(valuePerCustomer * keptCustomers.Length * (decimal)controlGroup.ChurnRate, 2);
        var roi = new CampaignRoi(valuePerCustomer, keptCustomers.Length, controlGroup.ChurnRate, valueRetained, Math.Round(costs, 2),
            costs > 0 ? (double)((valueRetained - costs) / costs) : null);

        QiniCurve? qini = null;
        if (upliftScore is not null)
        {
            var scores = members.Select(m => upliftScore(m.History)).ToArray();
            qini = Uplift.Qini.Outcome(scores, members.Select(m => !m.Control).ToArray(), members.Select(m => m.Churned).ToArray());
        }
        var periodStart = RetentionGroups.PeriodStart(from, periodMonths);
        return new CampaignReport(from, to, periodStart, to > periodStart.AddMonths(periodMonths), controlShare, treatment, controlGroup, effect, roi, qini);

        static double Variance(CampaignGroup g) => g.Contacts == 0 ? 0 : g.ChurnRate * (1 - g.ChurnRate) / g.Contacts;
    }
}
