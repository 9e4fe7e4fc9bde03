using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;
using RetentionInsights.Scoring.Features;

namespace RetentionInsights.Scoring.Offers;

/// <summary>Learned acceptance behaviour of one catalogue offer: a smoothed prior plus the responses it rests on.</summary>
public sealed record OfferPrior(Guid OfferId, int OfferType, double Prior, int Responses, int Accepted);

/// <summary>Per offer type: how customer features shift the log-odds of acceptance around the offer's prior.</summary>
public sealed record OfferTypeWeights(int OfferType, double[] Weights, int Rows);

/// <summary>The offer acceptance model as stored in model metadata.</summary>
public sealed record OfferModelState(double GlobalRate, IReadOnlyList<OfferPrior> Offers, IReadOnlyList<OfferTypeWeights> Types)
{
    /// <summary>No history at all: a neutral 15 % prior for every offer (cold start).</summary>
    public static readonly OfferModelState Empty = new(0.15, [], []);
}

/// <summary>One past response, with the customer's churn features as they were when the offer was made.</summary>
public readonly record struct OfferResponse(Guid OfferId, int OfferType, float[] Features, bool Accepted);

/// <summary>
/// Acceptance propensity per (customer, offer): logit P = logit(smoothed offer prior) + w_type · x(customer). Priors shrink
/// each offer's acceptance rate towards the catalogue-wide rate with a pseudo-count, so a new offer starts at the catalogue
/// average and moves to its own rate as responses come in. The weights are an L2-regularised logistic regression per
/// offer type (types share behaviour: whoever takes one discount tends to take another), fitted by Newton's method.
/// </summary>
public static class OfferPropensity
{
    /// <summary>Customer features the acceptance model looks at (names from <see cref="FeatureSchema"/>).</summary>
    public static readonly string[] InputFeatures =
        ["late_payments_365", "contract_end_within_60", "contract_variable", "complaints_90", "tenure_years", "sentiment_mean_60", "price_change_90"];

    private static readonly int[] InputIndexes = InputFeatures.Select(FeatureSchema.IndexOf).ToArray();
    private const double PriorPseudoCount = 20;
    private const double L2 = 2.0;

    public static double[] Inputs(ReadOnlySpan<float> churnFeatures)
    {
        var x = new double[InputIndexes.Length];
        for (var k = 0; k < x.Length; k++)
            x[k] = churnFeatures[InputIndexes[k]];
        // Bounded transforms keep the linear model sane for extreme customers.
        x[0] = Math.Min(x[0], 6) / 6;
        x[3] = Math.Min(x[3], 4) / 4;
        x[4] = Math.Min(x[4], 10) / 10;
        x[6] = Math.Clamp(x[6], -0.3, 0.3);
        return x;
    }

    /// <summary>The responses in <paramref name="histories"/> known before <paramref name="asOf"/>, each with point-in-time features.</summary>
    public static List<OfferResponse> CollectResponses(IEnumerable<CustomerHistory> histories, DateTime asOf, IReadOnlyDictionary<Guid, OfferRecord> catalogue, MessageSentiment? sentiment = null)
    {
        var list = new List<OfferResponse>();
        foreach (var h in histories)
        {
            foreach (var r in h.Recommendations)
            {
                if (r.RespondedOn is not { } on || on >= asOf || !catalogue.TryGetValue(r.OfferId, out var offer))
                    continue;
                var accepted = r.Status == Names.Choices.RecommendationAccepted;
                if (!accepted && r.Status != Names.Choices.RecommendationDeclined)
                    continue;
                list.Add(new OfferResponse(r.OfferId, offer.OfferType, FeatureBuilder.Build(h, r.CreatedOn, sentiment), accepted));
            }
        }
        return list;
    }

    public static OfferModelState Train(IReadOnlyList<OfferResponse> responses, IReadOnlyList<OfferRecord> catalogue)
    {
        if (responses.Count == 0)
            return OfferModelState.Empty;
        var global = (responses.Count(r => r.Accepted) + 1.0) / (responses.Count + 2.0);
        var priors = catalogue.Select(o =>
        {
            var mine = responses.Where(r => r.OfferId == o.Id).ToArray();
            var accepted = mine.Count(r => r.Accepted);
            return new OfferPrior(o.Id, o.OfferType, (accepted + PriorPseudoCount * global) / (mine.Length + PriorPseudoCount), mine.Length, accepted);
        }).ToArray();
        var priorById = priors.ToDictionary(p => p.OfferId, p => p.Prior);
        var types = responses.GroupBy(r => r.OfferType).Select(g =>
        {
            var rows = g.Select(r => (X: Inputs(r.Features), Offset: Logit(priorById.GetValueOrDefault(r.OfferId, global)), Y: r.Accepted ? 1.0 : 0.0)).ToArray();
            return new OfferTypeWeights(g.Key, FitLogistic(rows), rows.Length);
        }).OrderBy(t => t.OfferType).ToArray();
        return new OfferModelState(global, priors, types);
    }

    public static double Predict(OfferModelState state, OfferRecord offer, ReadOnlySpan<float> churnFeatures)
    {
        var prior = PriorOf(state, offer.Id)?.Prior ?? state.GlobalRate;
        var logit = Logit(prior);
        var weights = WeightsOf(state, offer.OfferType);
        if (weights is not null)
        {
            var x = Inputs(churnFeatures);
            for (var k = 0; k < x.Length; k++)
                logit += weights[k] * x[k];
        }
        return 1 / (1 + Math.Exp(-logit));
    }

    /// <summary>Index of the input that raises acceptance most for this customer, or −1 when none does.</summary>
    public static int StrongestDriver(OfferModelState state, OfferRecord offer, ReadOnlySpan<float> churnFeatures)
    {
        var weights = WeightsOf(state, offer.OfferType);
        if (weights is null)
            return -1;
        var x = Inputs(churnFeatures);
        var best = -1;
        var bestValue = 0.15;
        for (var k = 0; k < x.Length; k++)
        {
            if (weights[k] * x[k] > bestValue)
            {
                best = k;
                bestValue = weights[k] * x[k];
            }
        }
        return best;
    }

    // Every scored customer is checked against every offer: plain loops, no delegate or enumerator per lookup.
    private static OfferPrior? PriorOf(OfferModelState state, Guid offerId)
    {
        for (var i = 0; i < state.Offers.Count; i++)
        {
            if (state.Offers[i].OfferId == offerId)
                return state.Offers[i];
        }
        return null;
    }

    private static double[]? WeightsOf(OfferModelState state, int offerType)
    {
        for (var i = 0; i < state.Types.Count; i++)
        {
            if (state.Types[i].OfferType == offerType)
                return state.Types[i].Weights;
        }
        return null;
    }

    private static double Logit(double p) => Math.Log(Math.Clamp(p, 1e-6, 1 - 1e-6) / (1 - Math.Clamp(p, 1e-6, 1 - 1e-6)));

    private static double[] FitLogistic((double[] X, double Offset, double Y)[] rows)
    {
        var d = InputIndexes.Length;
        var w = new double[d];
        for (var iteration = 0; iteration < 25; iteration++)
        {
            var gradient = new double[d];
            var hessian = new double[d, d];
            foreach (var (x, offset, y) in rows)
            {
                var z = offset;
                for (var k = 0; k < d; k++) z += w[k] * x[k];
                var p = 1 / (1 + Math.Exp(-z));
                var s = p * (1 - p);
                for (var k = 0; k < d; k++)
                {
                    gradient[k] += (y - p) * x[k];
                    for (var l = 0; l < d; l++)
                        hessian[k, l] += s * x[k] * x[l];
                }
            }
            for (var k = 0; k < d; k++)
            {
                gradient[k] -= L2 * w[k];
                hessian[k, k] += L2;
            }
            var step = Solve(hessian, gradient);
            var change = 0.0;
            for (var k = 0; k < d; k++)
            {
                w[k] += step[k];
                change = Math.Max(change, Math.Abs(step[k]));
            }
            if (change < 1e-8)
                break;
        }
        return w;
    }

    internal static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var row = col + 1; row < n; row++)
                if (Math.Abs(m[row, col]) > Math.Abs(m[pivot, col])) pivot = row;
            if (pivot != col)
            {
                for (var k = 0; k < n; k++) (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
                (x[col], x[pivot]) = (x[pivot], x[col]);
            }
            for (var row = col + 1; row < n; row++)
            {
                var factor = m[row, col] / m[col, col];
                for (var k = col; k < n; k++) m[row, k] -= factor * m[col, k];
                x[row] -= factor * x[col];
            }
        }
        for (var row = n - 1; row >= 0; row--)
        {
            for (var k = row + 1; k < n; k++) x[row] -= m[row, k] * x[k];
            x[row] /= m[row, row];
        }
        return x;
    }
}
