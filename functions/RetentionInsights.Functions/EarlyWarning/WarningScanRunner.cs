using RetentionInsights.Data.Alerts;

using RetentionInsights.Functions.Scoring;
using RetentionInsights.Scoring.EarlyWarning;

namespace RetentionInsights.Functions.EarlyWarning;

public sealed record LevelCounts(int Yellow, int Orange, int Red)
{
    public int Total => Yellow + Orange + Red;

    public static LevelCounts Of(IEnumerable<EarlyWarningLevel> levels)
    {
        int y = 0, o = 0, r = 0;
        foreach (var level in levels)
        {
            switch (level)
            {
                case EarlyWarningLevel.Yellow: y++; break;
                case EarlyWarningLevel.Orange: o++; break;
                case EarlyWarningLevel.Red: r++; break;
            }
        }
        return new LevelCounts(y, o, r);
    }
}

/// <summary>Result of one scan: how many customers were assessed, the levels found and what was written.</summary>
public sealed record WarningScanReport(
    DateTime AsOf,
    int CustomersAssessed,
    int MessagesScored,
    LevelCounts Levels,
    LevelCounts Created,
    LevelCounts Escalated,
    LevelCounts AlreadyOpen,
    LevelCounts ResolvedToday);

public sealed record WarningEvaluationReport(
    IReadOnlyList<DateTime> AsOf,
    DateTime? ObservedUntil,
    int MessagesScored,
    WarningOutcomeReport Overall,
    IReadOnlyList<WarningOutcomeReport> PerAsOf,
    IReadOnlyList<LevelCounts> LevelsPerAsOf);

/// <summary>
/// The early-warning workflows on a local org: a scan that raises rtn_retentionalert rows, and a read-only evaluation of
/// the alerts a scan would have raised at past dates against the churn that followed.
/// </summary>
public sealed class WarningScanRunner(EarlyWarningScanner scanner)
{
    private readonly EarlyWarningScanner _scanner = scanner ?? throw new ArgumentNullException(nameof(scanner));

    public async Task<WarningScanReport> ScanAsync(AlertStore store, DateTime asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var lifecycles = store.LoadLifecycles();
        var rows = store.LoadCommunication(asOf.AddDays(-_scanner.Evaluator.Options.LookbackDays), asOf);
        var sentiment = await _scanner.ScoreMessagesAsync(rows, cancellationToken: cancellationToken);
        var feedback = new AlertFeedbackCalibration(AlertFeedbackCalibration.FromAlerts(store.All()), _scanner.Evaluator.Options);
        var assessments = _scanner.Assess(rows, sentiment, asOf, id => lifecycles.TryGetValue(id, out var l) && l.IsCustomerAt(asOf), feedback);
        var raised = assessments.Where(a => a.RaisesAlert).ToList();
        // The service names the alert a contact opens on a day the same way (RowIds.Alert): a scan beside it adds no second row.
        var outcomes = store.RaiseAll(raised.Select(a => new NewAlert(RowIds.Alert(a.ContactId, asOf), a.ContactId, a.Level.ToChoice(), a.SignalsText(), a.MeanSentiment, a.DueBy!.Value, asOf)));
        var levelOf = raised.ToDictionary(a => a.ContactId, a => a.Level);
        LevelCounts CountOf(AlertWriteOutcome outcome) =>
            LevelCounts.Of(outcomes.Where(o => o.Outcome == outcome).Select(o => levelOf[o.Alert.ContactId]));
        return new WarningScanReport(asOf, assessments.Count, sentiment.Count, LevelCounts.Of(raised.Select(a => a.Level)),
            CountOf(AlertWriteOutcome.Created), CountOf(AlertWriteOutcome.Escalated), CountOf(AlertWriteOutcome.AlreadyOpen),
            CountOf(AlertWriteOutcome.AlreadyResolved));
    }

    /// <summary>
    /// Assesses every customer (with or without recent contact) at each as-of date and scores the levels against churn within
    /// <paramref name="horizonDays"/>. Nothing is written.
    /// </summary>
    public async Task<WarningEvaluationReport> EvaluateAsync(AlertStore store, IReadOnlyList<DateTime> asOfDates, int horizonDays, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (asOfDates.Count == 0)
            throw new ArgumentException("Give at least one as-of date.", nameof(asOfDates));
        var dates = asOfDates.Distinct().Order().ToList();
        var until = store.ObservedUntil();
        if (until is { } end && dates[^1].AddDays(horizonDays) > end)
            throw new ArgumentException($"as-of {dates[^1]:yyyy-MM-dd} + {horizonDays} days runs past the end of the org's history ({end:yyyy-MM-dd}); churn there is not observed yet.");
        var lifecycles = store.LoadLifecycles();
        var rows = store.LoadCommunication(dates[0].AddDays(-_scanner.Evaluator.Options.LookbackDays), dates[^1]);
        var sentiment = await _scanner.ScoreMessagesAsync(rows, cancellationToken: cancellationToken);
        var feedback = new AlertFeedbackCalibration(AlertFeedbackCalibration.FromAlerts(store.All()), _scanner.Evaluator.Options);
        var all = new List<WarningOutcome>();
        var perAsOf = new List<WarningOutcomeReport>();
        var levels = new List<LevelCounts>();
        foreach (var asOf in dates)
        {
            var customers = lifecycles.Values.Where(l => l.IsCustomerAt(asOf)).ToDictionary(l => l.ContactId);
            var assessed = _scanner.Assess(rows, sentiment, asOf, customers.ContainsKey, feedback).ToDictionary(a => a.ContactId);
            var outcomes = customers.Values
                .Select(l => assessed.TryGetValue(l.ContactId, out var a)
                    ? new WarningOutcome(l.ContactId, asOf, a.Level, l.ChurnedOn, a.MessagesInWindow > 0)
                    : new WarningOutcome(l.ContactId, asOf, EarlyWarningLevel.None, l.ChurnedOn, false))
                .ToList();
            all.AddRange(outcomes);
            perAsOf.Add(WarningOutcomeEvaluation.Evaluate(outcomes, horizonDays));
            levels.Add(LevelCounts.Of(outcomes.Select(o => o.Level)));
        }
        return new WarningEvaluationReport(dates, until, sentiment.Count, WarningOutcomeEvaluation.Evaluate(all, horizonDays), perAsOf, levels);
    }
}
