namespace RetentionInsights.Scoring.Clv;

/// <summary>
/// Discounted customer lifetime value over a horizon in months, summed month by month so discounting is explicit.
/// The annual discount rate is converted to a monthly rate; margins are shares of revenue (0.12 = 12 %).
/// </summary>
public static class ClvCalculator
{
    public static double MonthlyDiscount(double annualRate) => Math.Pow(1 + annualRate, 1.0 / 12) - 1;

    /// <summary>
    /// Non-contractual CLV: expected transactions per month from BG/NBD (conditional on the history) × expected spend from
    /// Gamma–Gamma × margin, discounted monthly.
    /// </summary>
    public static double NonContractual(BgNbdParameters bg, GammaGammaParameters gg, RfmSummary customer, int months, double margin, double annualDiscountRate)
    {
        if (customer.Unit != bg.Unit)
            throw new ArgumentException($"Customer summary is in {customer.Unit}s but the BG/NBD model in {bg.Unit}s.", nameof(customer));
        var spend = GammaGamma.ConditionalExpectedSpend(gg, customer.Frequency, customer.MeanSpend);
        var d = MonthlyDiscount(annualDiscountRate);
        var perMonth = TimeUnits.PerMonth(bg.Unit);
        var total = 0.0;
        var previous = 0.0;
        for (var m = 1; m <= months; m++)
        {
            var cumulative = BgNbd.ConditionalExpectedTransactions(bg, m * perMonth, customer.Frequency, customer.Recency, customer.Age);
            total += (cumulative - previous) * spend * margin / Math.Pow(1 + d, m);
            previous = cumulative;
        }
        return total;
    }

    /// <summary>
    /// Contractual CLV: monthly margin while the customer stays, with a constant monthly churn hazard (from the churn model),
    /// paid at the end of each month survived, discounted monthly.
    /// </summary>
    public static double Contractual(double monthlyMargin, double monthlyChurnHazard, int months, double annualDiscountRate)
    {
        var d = MonthlyDiscount(annualDiscountRate);
        var survival = 1.0;
        var total = 0.0;
        for (var m = 1; m <= months; m++)
        {
            survival *= 1 - monthlyChurnHazard;
            total += monthlyMargin * survival / Math.Pow(1 + d, m);
        }
        return total;
    }

    /// <summary>Constant monthly hazard equivalent to churning with probability <paramref name="probability"/> within <paramref name="horizonDays"/>.</summary>
    public static double MonthlyHazard(double probability, int horizonDays)
    {
        var months = horizonDays / TimeUnits.DaysPerMonth;
        return 1 - Math.Pow(1 - Math.Clamp(probability, 0, 0.999999), 1 / months);
    }
}
