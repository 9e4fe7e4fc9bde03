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
        return new CustomerValueResult(clv12, clv36, pAlive, monthlyMargin, Segment(clv36, settings.SegmentCuts))
        {
            ValueIfRetained12m = running is null ? 0 : ClvCalculator.Contractual(monthlyMargin, 0, 12, settings.AnnualDiscountRate),
            ValueIfRetained36m = running is null ? 0 : ClvCalculator.Contractual(monthlyMargin, 0, 36, settings.AnnualDiscountRate),
        };
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
