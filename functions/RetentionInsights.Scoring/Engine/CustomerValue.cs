using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;
using RetentionInsights.Scoring.Clv;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Models;

namespace RetentionInsights.Scoring.Engine;

/// <summary>
/// CLV figures of one customer (€, discounted): risk-adjusted (<see cref="Clv12m"/>, <see cref="Clv36m"/>: margin × survival
/// under the churn hazard) and value if retained (the same margin if the customer stays the whole period), and P(alive).
/// </summary>
public readonly record struct CustomerValueResult(double Clv12m, double Clv36m, double PAlive, double MonthlyMargin, int Segment)
{
    public double ValueIfRetained12m { get; init; }
    public double ValueIfRetained36m { get; init; }
}

/// <summary>
/// Customer value for an energy supplier, which is contractual: the running contract's margin per year × the expected retained
/// time under the churn model's hazard, discounted — for 12 and 36 months (36 > 12 whenever the customer may stay). For a
/// customer under contract P(alive) is the chance to still be a customer at the end of the churn horizon (1 − churn
/// probability), so it never says "active 100 %" beside a high churn risk; BG/NBD over contract starts is used only for
/// contacts without a running contract, whose purchases are non-contractual.
/// </summary>
public static class CustomerValue
{
    public static CustomerValueResult Compute(CustomerHistory history, DateTime asOf, double churnProbability, int horizonDays, ClvSettings settings)
    {
        var running = FeatureBuilder.RunningContract(history, asOf);
        var monthlyMargin = running is null ? 0 : (double)running.TotalAmount * settings.MarginRate / 12;
        var hazard = ClvCalculator.MonthlyHazard(churnProbability, horizonDays);
        var clv12 = running is null ? 0 : ClvCalculator.Contractual(monthlyMargin, hazard, 12, settings.AnnualDiscountRate);
        var clv36 = running is null ? 0 : ClvCalculator.Contractual(monthlyMargin, hazard, 36, settings.AnnualDiscountRate);
        var pAlive = running is not null ? 1 - Math.Clamp(churnProbability, 0, 1)
            : settings.OrderBgNbd is { } bg && OrderSummary(history, asOf) is { } rfm
            ? BgNbd.ProbabilityAlive(bg, rfm.Frequency, rfm.Recency, rfm.Age)
            : Math.Pow(1 - hazard, 12);
        return new CustomerValueResult(clv12, clv36, pAlive, monthlyMargin, Segment(RetainedValue(monthlyMargin, settings), settings.SegmentCuts))
        {
            ValueIfRetained12m = running is null ? 0 : ClvCalculator.Contractual(monthlyMargin, 0, 12, settings.AnnualDiscountRate),
            ValueIfRetained36m = running is null ? 0 : RetainedValue(monthlyMargin, settings),
        };
    }

    /// <summary>
    /// What the customer is worth if retained: 36 months of the running contract's margin, discounted but NOT reduced by the
    /// churn risk. Value segments use this, so "high risk, high value" finds the valuable customers at risk instead of
    /// excluding them because their risk already discounted their value.
    /// </summary>
    public static double RetainedValue(double monthlyMargin, ClvSettings settings) =>
        monthlyMargin <= 0 ? 0 : ClvCalculator.Contractual(monthlyMargin, 0, 36, settings.AnnualDiscountRate);

    /// <summary>
    /// Cut points on <see cref="RetainedValue"/> that split the active base into the configured shares (Low, Medium, High,
    /// Top), so every segment has members whatever the price level of the market.
    /// </summary>
    public static double[] SegmentCutsByQuantile(IReadOnlyList<double> values, IReadOnlyList<double> shares)
    {
        if (shares.Count != 4 || shares.Any(s => s <= 0) || Math.Abs(shares.Sum() - 1) > 1e-6)
            throw new ArgumentException($"Value segment shares must be four positive numbers (Low, Medium, High, Top) that add up to 1 (got {string.Join(", ", shares)}).", nameof(shares));
        if (values.Count == 0)
            throw new ArgumentException("Value segments need at least one active customer to set their cut points.", nameof(values));
        var sorted = values.Order().ToArray();
        var cuts = new double[3];
        var cumulative = 0.0;
        for (var i = 0; i < 3; i++)
        {
            cumulative += shares[i];
            // The first value at or above the cumulative share: everyone below the cut is in the lower segments.
            cuts[i] = sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(cumulative * sorted.Length))];
        }
        return cuts;
    }

    public static int Segment(double clv36, double[] cuts) =>
        clv36 >= cuts[2] ? Names.Choices.SegmentTop
        : clv36 >= cuts[1] ? Names.Choices.SegmentHigh
        : clv36 >= cuts[0] ? Names.Choices.SegmentMedium
        : Names.Choices.SegmentLow;

    /// <summary>BTYD summary of a customer's contract starts before <paramref name="asOf"/>, in weeks; null without any.</summary>
    public static RfmSummary? OrderSummary(CustomerHistory history, DateTime asOf)
    {
        var starts = history.Orders.Where(o => PointInTime.StartedBefore(o, asOf)).Select(o => o.Start!.Value.Date).Distinct().Order().ToArray();
        if (starts.Length == 0)
            return null;
        var amounts = history.Orders.Where(o => PointInTime.StartedBefore(o, asOf)).Skip(1).Select(o => (double)o.TotalAmount).ToArray();
        return new RfmSummary(history.Contact.Id.ToString(), starts.Length - 1,
            TimeUnits.Of(starts[^1] - starts[0], TimeUnit.Week), TimeUnits.Of(asOf.Date - starts[0], TimeUnit.Week),
            amounts.Length == 0 ? 0 : amounts.Average(), TimeUnit.Week);
    }
}
