using System.Globalization;
using RetentionInsights.Data.Campaign;
using RetentionInsights.Data.Records;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Offers;
using RetentionInsights.Scoring.Uplift;

namespace RetentionInsights.Scoring.Campaign;

/// <summary>
/// What `rtn campaign report` and GET /api/campaign share: the default window, the uplift score behind the Qini curve and the
/// JSON shape, so both answer alike.
/// </summary>
public static class CampaignAnalysis
{
    /// <summary>Default window: the last complete control-group period before <paramref name="dataEnd"/>; <paramref name="to"/> defaults to one period after <paramref name="from"/>.</summary>
    public static (DateTime From, DateTime To) Window(DateTime dataEnd, DateTime? from, DateTime? to, int periodMonths = RetentionGroups.DefaultPeriodMonths)
    {
        var start = from ?? RetentionGroups.PeriodStart(dataEnd, periodMonths).AddMonths(-periodMonths);
        return (start, to ?? start.AddMonths(periodMonths));
    }

    /// <summary>
    /// The uplift model as it stood at the start of the period (trained only on outcomes known by then) scores every customer
    /// by the churn reduction of their best offer type; null when the history holds too little randomised data. The second
    /// value says where the score came from (or why there is none).
    /// </summary>
    /// <param name="churnModel">The champion churn model's probabilities for raw feature rows, or null.</param>
    public static (Func<CustomerHistory, double>? Score, string Source) UpliftScorer(
        IReadOnlyList<CustomerHistory> histories, IReadOnlyList<OfferRecord> catalogue, DateTime from, MessageSentiment? sentiment,
        Func<IReadOnlyList<float[]>, double[]>? churnModel = null, string? churnModelVersion = null)
    {
        var byId = catalogue.ToDictionary(o => o.Id);
        var source = $"uplift model on the history before {from:yyyy-MM-dd}" + (churnModelVersion is null ? "" : $", churn model {churnModelVersion}");
        var acceptance = OfferPropensity.Train(OfferPropensity.CollectResponses(histories, from, byId, sentiment), catalogue);
        var model = UpliftLearner.Train(UpliftLearner.CollectRows(histories, byId, from, sentiment: sentiment, churnModel: churnModel, acceptance: acceptance));
        if (model.Types.Count == 0)
            return (null, $"no Qini: too little randomised history before {from:yyyy-MM-dd} ({model.ControlRows} control rows)");
        var active = catalogue.Where(o => o.Active).ToArray();
        return (h =>
        {
            var features = FeatureBuilder.Build(h, from, sentiment);
            var offset = churnModel is null ? 0 : UpliftModelState.Logit(churnModel([features])[0]);
            return active.Max(o => UpliftLearner.PredictedReduction(model, o.OfferType, features, OfferPropensity.Predict(acceptance, o, features), offset));
        }, source);
    }

    /// <summary>
    /// The report as JSON (camelCase): at least treatment.contacts, treatment.churnRate, control.contacts, control.churnRate,
    /// effect.churnRateDifference, effect.ci95 (two numbers), roi and qini (null with qiniNote saying why when there is no curve).
    /// </summary>
    public static object Json(CampaignReport report, string qiniSource) => new
    {
        from = D(report.From),
        to = D(report.To),
        groupPeriodStart = D(report.GroupPeriodStart),
        windowCrossesPeriods = report.WindowCrossesPeriods,
        controlShare = report.ControlShare,
        treatment = report.Treatment,
        control = report.Control,
        effect = new
        {
            churnRateDifference = Math.Round(report.Effect.ChurnRateDifference, 5),
            ci95 = report.Effect.Ci95.Select(v => Math.Round(v, 5)).ToArray(),
            customersKept = Math.Round(report.Effect.CustomersKept, 1),
            significant = report.Effect.Significant,
        },
        roi = report.Roi.Roi is { } roi ? Math.Round(roi, 3) : (double?)null,
        roiInputs = report.Roi,
        qini = report.Qini is { } q ? new { coefficient = Math.Round(q.Coefficient, 6), area = Math.Round(q.Area, 1), curve = q.Points, source = qiniSource } : null,
        qiniNote = report.Qini is null ? qiniSource : null,
    };

    private static string D(DateTime d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
