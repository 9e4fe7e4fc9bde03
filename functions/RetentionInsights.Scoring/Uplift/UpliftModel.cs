using RetentionInsights.Data.Campaign;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;
using RetentionInsights.Scoring.Engine;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Offers;

namespace RetentionInsights.Scoring.Uplift;

/// <summary>Learned effect of a customer accepting an offer of one type: log-odds shift of churn = weights · covariates.</summary>
public sealed record UpliftTypeEffect(int OfferType, double[] Weights, int Rows, int Accepted);

/// <summary>Where an offer's predicted churn reduction came from.</summary>
public enum UpliftSource
{
    /// <summary>Learned from randomised history: customers approached with the offer type against the standing control group.</summary>
    Model,

    /// <summary>Too little randomised history for the offer type: the documented prior, catalogue effect × churn risk.</summary>
    Prior,
}

/// <summary>
/// The uplift model as stored in model metadata: a churn baseline (only there to adjust for who was approached), the effect of
/// being approached at all (<see cref="Contact"/>: positive for customers a sales call annoys) and, per offer type with enough
/// randomised history, the further effect of accepting it. Types without enough history are absent: the selector then falls
/// back to the prior.
/// </summary>
public sealed record UpliftModelState(IReadOnlyList<string> Covariates, double[] Baseline, double[] Contact, IReadOnlyList<UpliftTypeEffect> Types, int ControlRows, int ControlChurned)
{
    /// <summary>No randomised history: every offer type uses the prior.</summary>
    public static readonly UpliftModelState Empty = new([], [], [], [], 0, 0);

    /// <summary>
    /// Log-odds shifts of this customer's churn when approached with an offer of <paramref name="offerType"/>: if they decline
    /// (the contact alone) and if they accept (contact + acceptance); negative keeps the customer. Null when the type has no
    /// learned effect.
    /// </summary>
    public (double IfDeclined, double IfAccepted)? Shifts(int offerType, ReadOnlySpan<float> features) =>
        Shifts(offerType, UpliftCovariates.Compute(features));

    /// <summary><see cref="Shifts(int, ReadOnlySpan{float})"/> from the customer's covariates (<see cref="UpliftCovariates.Compute"/>).</summary>
    public (double IfDeclined, double IfAccepted)? Shifts(int offerType, double[] x)
    {
        if (!Covariates.SequenceEqual(UpliftCovariates.Names))
            return null;
        var type = EffectOf(offerType);
        if (type is null)
            return null;
        double contact = 0, accepted = 0;
        for (var k = 0; k < x.Length; k++)
        {
            contact += Contact[k] * x[k];
            accepted += type.Weights[k] * x[k];
        }
        return (contact, contact + accepted);
    }

    /// <summary>The learned effect of accepting an offer of <paramref name="offerType"/>, or null when the type has none.</summary>
    public UpliftTypeEffect? EffectOf(int offerType)
    {
        for (var i = 0; i < Types.Count; i++)
        {
            if (Types[i].OfferType == offerType)
                return Types[i];
        }
        return null;
    }

    /// <summary>Churn probability within the horizon without an offer, from the model's own baseline (for evaluation only).</summary>
    public double BaselineProbability(ReadOnlySpan<float> features)
    {
        var x = UpliftCovariates.Compute(features);
        var z = 0.0;
        for (var k = 0; k < x.Length; k++)
            z += Baseline[k] * x[k];
        return Logistic(z);
    }

    public static double Logistic(double z) => 1 / (1 + Math.Exp(-z));

    public static double Logit(double p)
    {
        var q = Math.Clamp(p, 1e-6, 1 - 1e-6);
        return Math.Log(q / (1 - q));
    }
}

public sealed record UpliftLearnerOptions
{
    public int HorizonDays { get; init; } = 90;
    public double ControlShare { get; init; } = RetentionGroups.DefaultControlShare;
    public int PeriodMonths { get; init; } = RetentionGroups.DefaultPeriodMonths;

    /// <summary>Below these counts an offer type (or the whole model) keeps the prior: too little randomised history.</summary>
    public int MinControlRows { get; init; } = 300;
    public int MinControlChurned { get; init; } = 15;
    public int MinTypeRows { get; init; } = 150;

    /// <summary>
    /// Ridge penalties: the baseline lightly; the effect of being approached at all moderately; the effect of accepting any offer
    /// (one intercept shared by all types) and each type's own acceptance intercept lightly; each type's own effect modifiers
    /// more (<see cref="EffectL2"/>).
    /// </summary>
    public double BaselineL2 { get; init; } = 1.0;
    public double SharedEffectL2 { get; init; } = 1.0;
    public double EffectInterceptL2 { get; init; } = 0.5;

    /// <remarks>
    /// Each type's modifiers are its own: a shared modifier would carry one type's driver into every other type (a discount's
    /// price increase into a green upgrade), and shrinking towards it made the cheap offers look as if they answered every driver.
    /// Not lighter: an org of a few thousand customers has only tens of churners among one type's acceptors, and a light
    /// penalty lets their noise through as a driver. Not much heavier: a heavy penalty shrinks every effect towards zero while
    /// the offer cost stays whole, so offers that pay would look as if they do not.
    /// </remarks>
    public double EffectL2 { get; init; } = 0.9;

    /// <summary>
    /// A type's own deviation from a driver's pooled effect, for drivers at least two types answer (see <see cref="UpliftLearner"/>).
    /// Heavier than <see cref="EffectL2"/>: a type departs from what its kind of offer does only where its own history clearly says
    /// so (measured on a generated org: Qini 0.80 of the true ranking without pooling, 0.82 with it at this penalty).
    /// </summary>
    public double DeviationL2 { get; init; } = 4.0;

    /// <summary>
    /// The traits the effect of being approached may depend on (names from <see cref="UpliftCovariates.Names"/>; the intercept is
    /// always in): repeated dissatisfaction, the customers a sales call may irritate. Few on purpose: churn events are rare, and
    /// every modifier the randomised history cannot pin down adds noise to the ranking (all covariates as modifiers halved the
    /// Qini on generated orgs).
    /// </summary>
    public IReadOnlyList<string> ContactModifiers { get; init; } = ["dissatisfied_several"];

    /// <summary>
    /// The traits the effect of accepting an offer of a type may depend on, for types the table below does not name: what an
    /// offer can answer (a price increase, a contract about to end, a complaint, payment trouble) and what no offer answers
    /// (falling usage, as when a customer moves out; repeated dissatisfaction).
    /// </summary>
    public IReadOnlyList<string> AcceptedModifiers { get; init; } =
        ["price_increase_90", "contract_end_within_60", "complaints_any_90", "dissatisfied_several", "late_several_365", "late_payments_365", "usage_drop"];

    /// <summary>
    /// Per standard offer type, the traits its effect may depend on: the reasons to leave the offer is designed to answer, plus
    /// what no offer answers (falling usage; repeated dissatisfaction). A price offer answers a price increase or a contract
    /// about to end, a payment plan payment trouble, a service visit a complaint, a green upgrade nothing in particular. The
    /// randomised history has only tens of churners among one type's acceptors; letting every type depend on every trait
    /// turned that noise into drivers (a payment plan "answering" a complaint), and the policy then followed the noise.
    /// </summary>
    public IReadOnlyDictionary<int, string[]> TypeModifiers { get; init; } = new Dictionary<int, string[]>
    {
        [Names.Choices.OfferDiscount] = ["price_increase_90", "contract_end_within_60", "usage_drop", "dissatisfied_several"],
        [Names.Choices.OfferLoyaltyBonus] = ["price_increase_90", "contract_end_within_60", "usage_drop", "dissatisfied_several"],
        [Names.Choices.OfferFixedPrice] = ["price_increase_90", "contract_end_within_60", "usage_drop", "dissatisfied_several"],
        [Names.Choices.OfferGreenUpgrade] = ["usage_drop", "dissatisfied_several"],
        [Names.Choices.OfferServiceAddOn] = ["complaints_any_90", "usage_drop", "dissatisfied_several"],
        [Names.Choices.OfferPaymentPlan] = ["late_several_365", "late_payments_365", "usage_drop", "dissatisfied_several"],
    };

    /// <summary>The traits <paramref name="offerType"/>'s effect may depend on.</summary>
    public IReadOnlyList<string> ModifiersOf(int offerType) => TypeModifiers.TryGetValue(offerType, out var named) ? named : AcceptedModifiers;
}

/// <summary>One randomised observation: the customer as they were on <see cref="On"/>, approached with an offer type (or held out in
/// the control group, <see cref="OfferType"/> = −1), and whether they churned within the horizon.</summary>
/// <remarks><see cref="Offset"/> is the churn model's log-odds for the row (0 without a churn model): the baseline starts from it.</remarks>
public readonly record struct UpliftRow(Guid ContactId, DateTime On, int OfferType, float[] Features, bool Churned, double Offset = 0, bool Accepted = false, double AcceptanceProbability = 0);

/// <summary>
/// Learns the effect of each offer type on churn from the history of recommendations and outcomes, with the standing control
/// group as the counterfactual. Treated rows: every offer a customer responded to (accepted or declined: they were approached),
/// with point-in-time features and the churn outcome over the horizon. Control rows: control-group contacts at every month
/// start of a period they were held out. One ridge logistic regression: churn log-odds = offset + baseline · x
/// + [approached] · contact · x + [accepted type t] · accepted_t · x (an S-learner whose effect modifiers separate the call
/// itself, which annoys some customers, from accepting an offer of a type), where the offset is the churn model's own log-odds
/// when one is given. Randomisation of who is approached makes the effect terms causal; the offset and baseline adjust for the
/// at-risk customers being approached more often (a strong churn model as offset leaves little for the effect terms to
/// absorb); the acceptance split assumes that, given the covariates, who accepts is not otherwise more or less likely to churn.
/// </summary>
public static class UpliftLearner
{
    /// <param name="churnModel">Maps raw feature rows to churn probabilities within the horizon (the trained churn model), or null.</param>
    /// <param name="acceptance">The offer acceptance model, to record each treated row's predicted acceptance (holdout evaluation).</param>
    public static List<UpliftRow> CollectRows(IReadOnlyList<CustomerHistory> histories, IReadOnlyDictionary<Guid, OfferRecord> catalogue, DateTime asOf, UpliftLearnerOptions? options = null, MessageSentiment? sentiment = null, Func<IReadOnlyList<float[]>, double[]>? churnModel = null, OfferModelState? acceptance = null)
    {
        options ??= new UpliftLearnerOptions();
        RetentionGroups.Validate(options.ControlShare, options.PeriodMonths);
        var lastStart = asOf.AddDays(-options.HorizonDays);
        // Held-out months count from when the data, and the retention campaign, start: before that nobody was approached
        // and no churn was recorded.
        var firstOffer = histories.SelectMany(h => h.Recommendations).Select(r => r.CreatedOn).DefaultIfEmpty(DateTime.MaxValue).Min();
        var dataStart = histories.Count == 0 ? asOf : ChurnLabels.DataStart(histories);
        var campaignStart = firstOffer > dataStart ? firstOffer : dataStart;
        campaignStart = new DateTime(campaignStart.Year, campaignStart.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
        var perCustomer = new List<UpliftRow>[histories.Count];
        Parallel.For(0, histories.Count, i =>
        {
            var h = histories[i];
            var rows = new List<UpliftRow>();
            perCustomer[i] = rows;
            if (h.Contact.ProfilingOptOut)
                return;
            foreach (var r in h.Recommendations)
            {
                if (r.Status is not (Names.Choices.RecommendationAccepted or Names.Choices.RecommendationDeclined) || r.CreatedOn > lastStart
                    || !catalogue.TryGetValue(r.OfferId, out var offer) || ChurnLabels.At(h, r.CreatedOn.Date) != ChurnLabels.Status.Eligible)
                    continue;
                // Like a held-out month, an approach only counts when no earlier offer reached the customer in the horizon before
                // it: both sides of the comparison then start from customers no offer is still acting on.
                if (h.Recommendations.Any(o => o.RespondedOn is { } on && on < r.CreatedOn && on >= r.CreatedOn.AddDays(-options.HorizonDays)))
                    continue;
                // Churn dates are days: the outcome counts from the offer's day, so a customer leaving that same day is not lost.
                var features = FeatureBuilder.Build(h, r.CreatedOn, sentiment);
                rows.Add(new UpliftRow(h.Contact.Id, r.CreatedOn, offer.OfferType, features, ChurnLabels.ChurnsWithin(h, r.CreatedOn.Date, options.HorizonDays),
                    Accepted: r.Status == Names.Choices.RecommendationAccepted,
                    AcceptanceProbability: acceptance is null ? 0 : OfferPropensity.Predict(acceptance, offer, features)));
            }
            var joined = new DateTime(h.Contact.CreatedOn.Year, h.Contact.CreatedOn.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
            for (var m = joined > campaignStart ? joined : campaignStart; m <= lastStart; m = m.AddMonths(1))
            {
                if (!RetentionGroups.IsControl(h.Contact.Id, m, options.ControlShare, options.PeriodMonths) || ChurnLabels.At(h, m) != ChurnLabels.Status.Eligible)
                    continue;
                // A held-out month only counts when no offer reached the customer in the horizon before it: an earlier offer's
                // effect would still be acting.
                if (h.Recommendations.Any(r => r.RespondedOn is { } on && on < m && on >= m.AddDays(-options.HorizonDays)))
                    continue;
                rows.Add(new UpliftRow(h.Contact.Id, m, -1, FeatureBuilder.Build(h, m, sentiment), ChurnLabels.ChurnsWithin(h, m, options.HorizonDays)));
            }
        });
        var all = perCustomer.SelectMany(r => r).ToList();
        if (churnModel is null || all.Count == 0)
            return all;
        var p = churnModel(all.Select(r => r.Features).ToArray());
        return all.Select((r, i) => r with { Offset = UpliftModelState.Logit(p[i]) }).ToList();
    }

    /// <summary>Fits the model; offer types (or the whole model) without enough randomised rows are left out, so they use the prior.</summary>
    public static UpliftModelState Train(IReadOnlyList<UpliftRow> rows, UpliftLearnerOptions? options = null)
    {
        options ??= new UpliftLearnerOptions();
        var control = rows.Where(r => r.OfferType < 0).ToArray();
        var controlChurned = control.Count(r => r.Churned);
        if (control.Length < options.MinControlRows || controlChurned < options.MinControlChurned)
            return UpliftModelState.Empty with { ControlRows = control.Length, ControlChurned = controlChurned };
        var types = rows.Where(r => r.OfferType >= 0).GroupBy(r => r.OfferType)
            .Where(g => g.Count() >= options.MinTypeRows && g.Count(r => r.Accepted) >= options.MinTypeRows / 5).Select(g => g.Key).Order().ToArray();
        var used = rows.Where(r => r.OfferType < 0 || types.Contains(r.OfferType)).ToArray();
        var x = used.Select(r => UpliftCovariates.Compute(r.Features)).ToArray();
        var treated = used.Select(r => r.OfferType >= 0).ToArray();
        var block = used.Select(r => r.OfferType >= 0 && r.Accepted ? Array.IndexOf(types, r.OfferType) : -1).ToArray();
        var y = used.Select(r => r.Churned ? 1.0 : 0.0).ToArray();
        var typeIn = TypeModifierMask(types, options);
        var theta = Fit(x, used.Select(r => r.Offset).ToArray(), treated, block, y, typeIn, options);
        var d = UpliftCovariates.Count;
        // A type's stored effect is the shared block (its intercept, and the drivers the type answers) plus its own block.
        var effects = types.Select((t, j) => new UpliftTypeEffect(t,
            Enumerable.Range(0, d).Select(k => (typeIn[j][k] ? theta[2 * d + k] : 0) + theta[d * (j + 3) + k]).ToArray(),
            used.Count(r => r.OfferType == t), used.Count(r => r.OfferType == t && r.Accepted))).ToArray();
        return new UpliftModelState(UpliftCovariates.Names, theta[..d], theta[d..(2 * d)], effects, control.Length, controlChurned);
    }

    /// <summary>
    /// Honest holdout: trains on rows dated before <paramref name="holdoutFrom"/>, then measures on the later rows, per offer type
    /// against the control rows, the normalised Qini coefficient of the predicted churn reduction (see <see cref="Qini"/>).
    /// Returns the row-weighted mean over types, or null when the holdout is too small to say anything.
    /// </summary>
    public static double? HoldoutQini(IReadOnlyList<UpliftRow> rows, DateTime holdoutFrom, UpliftLearnerOptions? options = null)
    {
        var model = Train(rows.Where(r => r.On < holdoutFrom).ToArray(), options);
        var holdout = rows.Where(r => r.On >= holdoutFrom).ToArray();
        var control = holdout.Where(r => r.OfferType < 0).ToArray();
        double sum = 0, weight = 0;
        foreach (var type in model.Types)
        {
            var treated = holdout.Where(r => r.OfferType == type.OfferType).ToArray();
            if (treated.Length < 50 || control.Length < 50)
                continue;
            var all = treated.Concat(control).ToArray();
            var scores = all.Select(r => PredictedReduction(model, type.OfferType, r.Features, r.AcceptanceProbability, r.Offset)).ToArray();
            var q = Qini.Outcome(scores, all.Select(r => r.OfferType >= 0).ToArray(), all.Select(r => r.Churned).ToArray());
            sum += q.Coefficient * treated.Length;
            weight += treated.Length;
        }
        return weight > 0 ? sum / weight : null;
    }

    /// <summary>Churn reduction from approaching the customer with an offer of the type they accept with <paramref name="acceptance"/>,
    /// on the model's own baseline (evaluation only).</summary>
    public static double PredictedReduction(UpliftModelState model, int offerType, ReadOnlySpan<float> features, double acceptance, double offset = 0)
    {
        var p0 = UpliftModelState.Logistic(offset + UpliftModelState.Logit(model.BaselineProbability(features)));
        if (model.Shifts(offerType, features) is not { } shift)
            return 0;
        var z = UpliftModelState.Logit(p0);
        return p0 - (acceptance * UpliftModelState.Logistic(z + shift.IfAccepted) + (1 - acceptance) * UpliftModelState.Logistic(z + shift.IfDeclined));
    }

    /// <summary>Per trained type, which covariates its effect may depend on (the intercept always).</summary>
    private static bool[][] TypeModifierMask(int[] types, UpliftLearnerOptions options) =>
        types.Select(t => UpliftCovariates.Names.Select((n, k) => k == 0 || options.ModifiersOf(t).Contains(n)).ToArray()).ToArray();

    private static double[] Fit(double[][] x, double[] offset, bool[] treated, int[] block, double[] y, bool[][] typeIn, UpliftLearnerOptions options)
    {
        var d = UpliftCovariates.Count;
        // Layout: baseline, contact effect, shared acceptance effect, then one acceptance block per type. The shared block holds
        // the intercept and every driver at least two types answer; a row uses only the shared drivers its own type answers.
        // So a driver's effect is pooled over the offers designed for it (a price increase over every price offer) and each type
        // keeps its own deviation: with tens of churners per type, one type's estimate alone is mostly noise (a fixed price
        // seemed to make a price increase worse), the pooled one is not. A driver no other type answers stays the type's own.
        // Modifiers left out of a block are held at zero by an overwhelming penalty.
        var types = typeIn.Length;
        var size = d * (3 + types);
        var theta = new double[size];
        var penalty = new double[size];
        var contactIn = UpliftCovariates.Names.Select((n, k) => k == 0 || options.ContactModifiers.Contains(n)).ToArray();
        var sharedIn = Enumerable.Range(0, d).Select(k => k > 0 && typeIn.Count(m => m[k]) >= 2).ToArray();
        for (var k = 0; k < size; k++)
        {
            var j = k % d;
            var intercept = j == 0;
            penalty[k] = k < d ? (intercept ? 1e-3 : options.BaselineL2)
                : k < 2 * d ? (!contactIn[j] ? 1e9 : intercept ? options.EffectInterceptL2 : options.SharedEffectL2)
                : k < 3 * d ? (intercept ? options.EffectInterceptL2 : sharedIn[j] ? options.SharedEffectL2 : 1e9)
                : !typeIn[k / d - 3][j] ? 1e9
                : intercept ? options.EffectInterceptL2 : sharedIn[j] ? options.DeviationL2 : options.EffectL2;
        }
        var active = new int[4 * d];
        for (var iteration = 0; iteration < 40; iteration++)
        {
            var gradient = new double[size];
            var hessian = new double[size, size];
            for (var i = 0; i < x.Length; i++)
            {
                var n = 0;
                for (var k = 0; k < d; k++)
                    active[n++] = k;
                if (treated[i])
                    for (var k = 0; k < d; k++)
                        active[n++] = d + k;
                if (block[i] >= 0)
                {
                    for (var k = 0; k < d; k++)
                        if (typeIn[block[i]][k])
                            active[n++] = 2 * d + k;
                    for (var k = 0; k < d; k++)
                        active[n++] = d * (block[i] + 3) + k;
                }
                var z = offset[i];
                for (var a = 0; a < n; a++)
                    z += theta[active[a]] * x[i][active[a] % d];
                var p = UpliftModelState.Logistic(z);
                var s = p * (1 - p);
                for (var a = 0; a < n; a++)
                {
                    var xa = x[i][active[a] % d];
                    if (xa == 0)
                        continue;
                    gradient[active[a]] += (y[i] - p) * xa;
                    for (var b = 0; b < n; b++)
                        hessian[active[a], active[b]] += s * xa * x[i][active[b] % d];
                }
            }
            for (var k = 0; k < size; k++)
            {
                gradient[k] -= penalty[k] * theta[k];
                hessian[k, k] += penalty[k];
            }
            var step = OfferPropensity.Solve(hessian, gradient);
            var change = 0.0;
            for (var k = 0; k < size; k++)
            {
                theta[k] += step[k];
                change = Math.Max(change, Math.Abs(step[k]));
            }
            if (change < 1e-7)
                break;
        }
        return theta;
    }
}
