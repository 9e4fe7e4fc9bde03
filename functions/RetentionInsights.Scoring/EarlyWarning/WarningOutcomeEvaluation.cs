namespace RetentionInsights.Scoring.EarlyWarning;

/// <summary>The level a contact got at one as-of date, and whether it was still a customer then.</summary>
/// <remarks><see cref="HadRecentContact"/>: the customer wrote or called within the sentiment window, so the early warning had anything to read.</remarks>
public sealed record WarningOutcome(Guid ContactId, DateTime AsOf, EarlyWarningLevel Level, DateTime? ChurnedOn, bool HadRecentContact = true);

public sealed record LevelOutcomeMetrics(
    string MinimumLevel,
    int Alerts,
    int TruePositives,
    double? Precision,
    double? Recall,
    /// <summary>Recall among churners who made contact in the window: the part of churn communication signals can see.</summary>
    double? RecallAmongContacting,
    /// <summary>Precision divided by the base rate: how much likelier churn is after an alert than without knowing.</summary>
    double? Lift,
    /// <summary>Median days from a correct alert to the churn date: the time the retention team had to act.</summary>
    double? MedianDaysBeforeChurn);

public sealed record WarningOutcomeReport(
    int HorizonDays,
    int Assessments,
    int Churners,
    /// <summary>Churners who wrote or called within the window before the as-of date.</summary>
    int ChurnersWithRecentContact,
    double BaseRate,
    IReadOnlyList<LevelOutcomeMetrics> Levels);

/// <summary>
/// Measures alerts against what happened: an alert is a hit when the contact churned within the horizon after the as-of
/// date. Contacts that had already churned at the as-of date must not be passed in; they cannot be warned about.
/// </summary>
public static class WarningOutcomeEvaluation
{
    public static WarningOutcomeReport Evaluate(IReadOnlyList<WarningOutcome> outcomes, int horizonDays)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        if (horizonDays < 1)
            throw new ArgumentOutOfRangeException(nameof(horizonDays), horizonDays, "The horizon must be at least one day.");
        var churned = outcomes.Select(o => o.ChurnedOn is { } c && c > o.AsOf && c <= o.AsOf.AddDays(horizonDays)).ToArray();
        var churners = churned.Count(c => c);
        var contacting = outcomes.Where((o, i) => churned[i] && o.HadRecentContact).Count();
        var baseRate = outcomes.Count == 0 ? 0 : (double)churners / outcomes.Count;
        var levels = new List<LevelOutcomeMetrics>();
        foreach (var minimum in new[] { EarlyWarningLevel.Yellow, EarlyWarningLevel.Orange, EarlyWarningLevel.Red })
        {
            var alerts = 0;
            var hits = 0;
            var contactingHits = 0;
            var leadDays = new List<double>();
            for (var i = 0; i < outcomes.Count; i++)
            {
                if (outcomes[i].Level < minimum)
                    continue;
                alerts++;
                if (churned[i])
                {
                    hits++;
                    leadDays.Add((outcomes[i].ChurnedOn!.Value - outcomes[i].AsOf).TotalDays);
                    if (outcomes[i].HadRecentContact)
                        contactingHits++;
                }
            }
            double? precision = alerts == 0 ? null : Math.Round((double)hits / alerts, 4);
            levels.Add(new LevelOutcomeMetrics(
                minimum + "+",
                alerts,
                hits,
                precision,
                churners == 0 ? null : Math.Round((double)hits / churners, 4),
                contacting == 0 ? null : Math.Round((double)contactingHits / contacting, 4),
                precision is { } p && baseRate > 0 ? Math.Round(p / baseRate, 2) : null,
                leadDays.Count == 0 ? null : Median(leadDays)));
        }
        return new WarningOutcomeReport(horizonDays, outcomes.Count, churners, contacting, Math.Round(baseRate, 4), levels);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        var mid = values.Count / 2;
        return Math.Round(values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2, 1);
    }
}
