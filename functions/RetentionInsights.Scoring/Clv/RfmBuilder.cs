namespace RetentionInsights.Scoring.Clv;

public readonly record struct Transaction(string CustomerId, DateTime Date, double Amount);

/// <summary>
/// Turns a transaction log into BTYD summaries the standard way (Fader/Hardie's CDNOW rules): transactions on the same
/// day are one transaction, x = repeat transaction days, t_x = last − first, T = calibration end − first, m̄ = mean value of
/// the repeat days. Transactions after the calibration end are ignored (they belong to the holdout).
/// </summary>
public static class RfmBuilder
{
    public static IReadOnlyList<RfmSummary> Build(IEnumerable<Transaction> transactions, DateTime calibrationEnd, TimeUnit unit)
    {
        var unitDays = unit.Days();
        var result = new List<RfmSummary>();
        foreach (var customer in transactions.Where(t => t.Date.Date <= calibrationEnd.Date).GroupBy(t => t.CustomerId, StringComparer.Ordinal))
        {
            var days = customer.GroupBy(t => t.Date.Date).Select(g => (Day: g.Key, Amount: g.Sum(t => t.Amount))).OrderBy(d => d.Day).ToArray();
            var first = days[0].Day;
            var last = days[^1].Day;
            var repeats = days.Skip(1).ToArray();
            result.Add(new RfmSummary(
                customer.Key,
                repeats.Length,
                (last - first).TotalDays / unitDays,
                (calibrationEnd.Date - first).TotalDays / unitDays,
                repeats.Length == 0 ? 0 : repeats.Average(d => d.Amount),
                unit));
        }
        return result;
    }

    /// <summary>Transactions per customer strictly after the calibration end and on or before <paramref name="holdoutEnd"/>.</summary>
    public static IReadOnlyDictionary<string, int> HoldoutCounts(IEnumerable<Transaction> transactions, DateTime calibrationEnd, DateTime holdoutEnd) =>
        transactions.Where(t => t.Date.Date > calibrationEnd.Date && t.Date.Date <= holdoutEnd.Date)
            .GroupBy(t => t.CustomerId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(t => t.Date.Date).Distinct().Count(), StringComparer.Ordinal);
}
