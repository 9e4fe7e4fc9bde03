namespace RetentionInsights.Scoring.Offers;

/// <summary>The price (€) the offer-mix guard puts on ranking an offer type first.</summary>
public sealed record OfferTypePrice(int OfferType, double Price);

/// <summary>
/// The offer-mix guard. Left alone, the policy puts first whichever offer the models say keeps a customer best, and when one
/// offer wins for most of the book (a cheap payment plan in a book with many late payers, say) agents make the same call all
/// day, the offer's own budget or team runs out, and a model error on that one offer hits everyone. The business sets a
/// largest share of first offers per offer type (<see cref="MaxFirstShare"/>); training prices each type just enough that, on
/// the book it was trained on, no type is first for more than that share of the contacts with offers. The price only
/// reorders: it is subtracted from an offer's incremental value when the top-3 is ranked, never from the value shown, and no
/// customer gains or loses offers by it. Those for whom a type clearly pays most keep it first; the customers it wins by the
/// smallest margin get their next-best offer first, with the capped one still in their top 3. Training fits it by default at
/// <see cref="DefaultMaxFirstShare"/>, the mix the business asked for; it gives up predicted value wherever one offer keeps most
/// customers best, and <see cref="FirstOfferValueKept"/> says how much. <see cref="None"/> (no prices) is the guard off.
/// </summary>
public sealed record OfferMix
{
    public static readonly OfferMix None = new();

    /// <summary>Training's default: no offer type first for more than 40 % of the contacts with offers.</summary>
    public const double DefaultMaxFirstShare = 0.4;

    // Bounds training time on a book where types keep trading customers; the shares reached are reported either way.
    private const int MaxRounds = 500;

    /// <summary>Largest share of first offers one offer type may take; 1 turns the guard off.</summary>
    public double MaxFirstShare { get; init; } = 1;

    /// <summary>Price per offer type; types not listed have none.</summary>
    public IReadOnlyList<OfferTypePrice> Prices { get; init; } = [];

    /// <summary>On the training book: the largest share of first offers any type had before the guard, and after it.</summary>
    public double LargestShareBefore { get; init; }

    public double LargestShareAfter { get; init; }

    /// <summary>On the training book: the predicted incremental value of the first offers after the guard, as a share of before.</summary>
    public double FirstOfferValueKept { get; init; } = 1;

    public double PriceOf(int offerType)
    {
        foreach (var p in Prices)
        {
            if (p.OfferType == offerType)
                return p.Price;
        }
        return 0;
    }

    /// <summary>
    /// Fits the prices on the ranked candidates of every contact with offers (per contact: offer type and incremental value, at
    /// most one per type). Exact per type: a type stays first for a contact as long as its price is below the margin by which it
    /// beats the contact's best alternative (at that alternative's price), so the price that leaves it first for exactly the
    /// allowed number of contacts is the next margin down. Prices only rise, and raising one type's price can push another over
    /// its share, so the types are priced in turn until none is over. A contact with a single offer keeps it whatever the price:
    /// a type that more contacts than allowed have as their only paying offer cannot be brought within the share, and is not
    /// priced (moving the others would cost value and still miss it); <see cref="LargestShareAfter"/> then says so.
    /// </summary>
    public static OfferMix Fit(IReadOnlyList<IReadOnlyList<(int OfferType, double Value)>> candidates, double maxFirstShare)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxFirstShare, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxFirstShare, 1);
        var contacts = candidates.Where(c => c.Count > 0).ToArray();
        var prices = new Dictionary<int, double>();
        double Adjusted((int OfferType, double Value) c) => c.Value - prices.GetValueOrDefault(c.OfferType);
        int FirstOf(IReadOnlyList<(int OfferType, double Value)> c)
        {
            var best = c[0];
            for (var i = 1; i < c.Count; i++)
            {
                if (Adjusted(c[i]) > Adjusted(best))
                    best = c[i];
            }
            return best.OfferType;
        }
        double LargestShare() => contacts.Length == 0 ? 0 : contacts.GroupBy(FirstOf).Max(g => g.Count()) / (double)contacts.Length;
        double FirstValue() => contacts.Sum(c => c.First(x => x.OfferType == FirstOf(c)).Value);

        var before = LargestShare();
        var valueBefore = FirstValue();
        var allowed = (int)Math.Floor(maxFirstShare * contacts.Length);
        // Each round prices the type furthest over its share; a type priced once can be priced again after others moved.
        var exhausted = new HashSet<int>();
        var slack = Math.Max(1, contacts.Length / 200);
        for (var round = 0; round < MaxRounds && maxFirstShare < 1; round++)
        {
            var over = contacts.GroupBy(FirstOf).Where(g => g.Count() > allowed && !exhausted.Contains(g.Key))
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key).FirstOrDefault();
            if (over is null)
                break;
            var type = over.Key;
            // The price below which this type stays first, per contact that has it: its value less the best alternative's
            // adjusted value (no alternative: it stays first at any price).
            var margins = contacts.Select(c =>
            {
                double? own = null;
                var alternative = double.NegativeInfinity;
                foreach (var x in c)
                {
                    if (x.OfferType == type)
                        own = x.Value;
                    else
                        alternative = Math.Max(alternative, Adjusted(x));
                }
                return own is null ? null : (double?)(own.Value - alternative);
            }).OfType<double>().OrderByDescending(m => m).ToArray();
            if (allowed >= margins.Length || double.IsPositiveInfinity(margins[allowed]))
            {
                // Not reachable by price: more contacts than allowed have this type as their only paying offer. Moving the others
                // would cost value and still miss the share, so the type is left as it is.
                exhausted.Add(type);
                continue;
            }
            // A cent above the (target+1)-th largest margin: that contact and every one below it move to their alternative. A type
            // back over its share was pushed there by another's price; two types that share customers would then trade them one per
            // round, so it goes a slack (0.5 % of the contacts) below its share.
            var target = prices.ContainsKey(type) && double.IsFinite(margins[allowed - slack < 0 ? 0 : allowed - slack]) ? Math.Max(0, allowed - slack) : allowed;
            prices[type] = Math.Max(prices.GetValueOrDefault(type), margins[target] + 0.01);
        }
        return new OfferMix
        {
            MaxFirstShare = maxFirstShare,
            Prices = prices.Where(p => p.Value > 0).OrderBy(p => p.Key).Select(p => new OfferTypePrice(p.Key, Math.Round(p.Value, 2))).ToArray(),
            LargestShareBefore = Math.Round(before, 4),
            LargestShareAfter = Math.Round(LargestShare(), 4),
            FirstOfferValueKept = valueBefore > 0 ? Math.Round(FirstValue() / valueBefore, 4) : 1,
        };
    }
}
