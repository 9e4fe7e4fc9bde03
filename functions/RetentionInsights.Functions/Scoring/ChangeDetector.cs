using RetentionInsights.Data.Alerts;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Scoring.Churn;

namespace RetentionInsights.Functions.Scoring;

/// <summary>
/// Compares a fresh score with what is stored and keeps only real changes, so an unchanged customer costs no Dataverse
/// write at all. Values are compared at the precision of their columns (4 decimals for probabilities, cents for money):
/// a difference the column cannot hold is no change. rtn_scoredon and rtn_modelversion move only with a real change.
/// </summary>
public static class ChangeDetector
{
    private const double ProbabilityTolerance = 0.00005;
    private const decimal MoneyTolerance = 0.005m;

    public static ChangeSet Diff(ContactState current, ScoringOutcome? outcome, DateTime now)
    {
        var changes = new ChangeSet(current.ContactId);
        var stored = current.Scores;

        if (current.ProfilingOptOut || outcome is null)
        {
            // GDPR objection: never score, and remove whatever profiling produced before the objection — the scores, every
            // offer row (with its reasons) and every alert row (signals and sentiment come from the person's messages).
            if (current.ProfilingOptOut)
            {
                ClearScores(changes, stored);
                changes.EraseDerived = current.HasDerivedRows || current.Recommendations.Count > 0 || current.OpenAlert is not null;
            }
            return changes;
        }

        var fresh = outcome.Scores;
        var c = changes.ContactColumns;
        if (!SameProbability(stored.ChurnProbability, fresh.ChurnProbability))
        {
            c[Names.Contact.ChurnProbability] = Round(fresh.ChurnProbability, 4);
            // The previous value lets the form show the trend; it only moves when the probability moves.
            if (!SameProbability(stored.PreviousChurnProbability, stored.ChurnProbability) && stored.ChurnProbability is not null)
                c[Names.Contact.PreviousChurnProbability] = stored.ChurnProbability;
            // Trend against the score it replaces, so "rising" means rising since the last score a marketer could have seen.
            var trend = fresh.ChurnProbability is { } p ? RiskBands.Trend(stored.ChurnProbability, Math.Round(p, 4)) : null;
            if (stored.ChurnTrend != trend)
                c[Names.Contact.ChurnTrend] = trend;
        }
        if (stored.ChurnRiskBand != fresh.ChurnRiskBand)
        {
            c[Names.Contact.ChurnRiskBand] = fresh.ChurnRiskBand;
            // A band move remembers where it came from and when (a first score or a cleared one is no move).
            if (fresh.ChurnRiskBand is { } band && stored.ChurnRiskBand is not null)
            {
                var (previous, changedOn) = RiskBands.BandChange(stored.ChurnRiskBand, stored.PreviousRiskBand, stored.RiskBandChangedOn, band,
                    Truncate(fresh.ScoredOn ?? now));
                c[Names.Contact.PreviousRiskBand] = previous;
                c[Names.Contact.RiskBandChangedOn] = changedOn;
            }
        }
        if (fresh.ChurnRiskBand is null)
        {
            // A cleared score (the customer left) keeps no band history either.
            if (stored.PreviousRiskBand is not null) c[Names.Contact.PreviousRiskBand] = null;
            if (stored.RiskBandChangedOn is not null) c[Names.Contact.RiskBandChangedOn] = null;
        }
        if (!SameMoney(stored.Clv12m, fresh.Clv12m))
            c[Names.Contact.Clv12m] = RoundMoney(fresh.Clv12m);
        if (!SameMoney(stored.Clv36m, fresh.Clv36m))
            c[Names.Contact.Clv36m] = RoundMoney(fresh.Clv36m);
        if (stored.RetentionGroup != fresh.RetentionGroup)
            c[Names.Contact.RetentionGroup] = fresh.RetentionGroup;
        if (stored.RetentionGroupSince?.Date != fresh.RetentionGroupSince?.Date)
            // A date-only column: written as a date, so Dataverse does not shift it by a time zone.
            c[Names.Contact.RetentionGroupSince] = fresh.RetentionGroupSince is { } since ? DateOnly.FromDateTime(since) : null;
        if (stored.UpliftSegment != fresh.UpliftSegment)
            c[Names.Contact.UpliftSegment] = fresh.UpliftSegment;
        if (!SameMoney(stored.ValueIfRetained, fresh.ValueIfRetained))
            c[Names.Contact.ValueIfRetained] = RoundMoney(fresh.ValueIfRetained);
        if (!SameProbability(stored.PAlive, fresh.PAlive))
            c[Names.Contact.PAlive] = Round(fresh.PAlive, 4);
        if (stored.ValueSegment != fresh.ValueSegment)
            c[Names.Contact.ValueSegment] = fresh.ValueSegment;
        if (!string.Equals(Normalize(stored.ChurnReasons), Normalize(fresh.ChurnReasons), StringComparison.Ordinal))
            c[Names.Contact.ChurnReasons] = fresh.ChurnReasons;
        if (!string.Equals(stored.ChurnReasonCodes ?? string.Empty, fresh.ChurnReasonCodes ?? string.Empty, StringComparison.Ordinal))
            c[Names.Contact.ChurnReasonCodes] = fresh.ChurnReasonCodes;
        if (!string.Equals(stored.ChurnReasonDetails ?? string.Empty, fresh.ChurnReasonDetails ?? string.Empty, StringComparison.Ordinal))
            c[Names.Contact.ChurnReasonDetails] = fresh.ChurnReasonDetails;
        if (outcome.AlertEvaluated || fresh.EarlyWarningLevel is not null)
        {
            // The contact shows the level of the alert the agent sees: an open alert that a calmer rescore leaves alone keeps it.
            var raised = ResolvedToday(current, now) ? Names.Choices.WarningNone
                : outcome.Alert?.Level ?? fresh.EarlyWarningLevel ?? Names.Choices.WarningNone;
            var level = Math.Max(raised, current.OpenAlert?.Level ?? Names.Choices.WarningNone);
            if (stored.EarlyWarningLevel != level)
                c[Names.Contact.EarlyWarningLevel] = level;
        }
        if (c.Count > 0)
        {
            // A cleared score (inactive contact) has no scoring date either.
            c[Names.Contact.ScoredOn] = fresh.ChurnProbability is null ? null : Truncate(fresh.ScoredOn ?? now);
            if (!string.Equals(stored.ModelVersion, fresh.ModelVersion, StringComparison.Ordinal))
                c[Names.Contact.ModelVersion] = fresh.ModelVersion;
        }

        DiffOffers(changes, current, outcome, now);
        DiffAlert(changes, current, outcome.Alert, now);
        return changes;
    }

    private static void DiffOffers(ChangeSet changes, ContactState current, ScoringOutcome outcome, DateTime now)
    {
        var live = current.Recommendations.Where(r => r.Record.Status == Names.Choices.RecommendationProposed).Select(r => r.Record).ToList();
        // One live row per offer: older versions (or a writer without serialisation) may have left several; the newest is kept.
        var proposed = live.GroupBy(r => r.OfferId)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(r => r.CreatedOn).ThenBy(r => r.Id).First());
        var keep = new HashSet<Guid>();
        foreach (var offer in outcome.Offers)
        {
            if (proposed.TryGetValue(offer.OfferId, out var existing))
            {
                keep.Add(existing.Id);
                var updated = existing with
                {
                    Rank = offer.Rank,
                    AcceptanceProbability = Math.Round(offer.AcceptanceProbability, 4),
                    ExpectedValue = Math.Round(offer.ExpectedValue, 2),
                    Reason = offer.Reason,
                    Channel = offer.Channel ?? existing.Channel,
                    ModelVersion = outcome.Scores.ModelVersion,
                    TalkingPoint = offer.TalkingPoint,
                    ChurnReduction = offer.ChurnReduction,
                };
                if (existing.Rank != updated.Rank
                    || !SameProbability(existing.AcceptanceProbability, updated.AcceptanceProbability)
                    || !SameMoney(existing.ExpectedValue, updated.ExpectedValue)
                    || !string.Equals(Normalize(existing.Reason), Normalize(updated.Reason), StringComparison.Ordinal)
                    || !string.Equals(existing.TalkingPoint ?? string.Empty, updated.TalkingPoint ?? string.Empty, StringComparison.Ordinal)
                    || !SameProbability(existing.ChurnReduction, updated.ChurnReduction))
                    changes.UpdateRecommendations.Add(updated);
            }
            else
            {
                var answered = current.Recommendations.Count(r => r.Record.OfferId == offer.OfferId && r.Record.RespondedOn is not null);
                changes.CreateRecommendations.Add(new RecommendationRecord(
                    RowIds.Recommendation(current.ContactId, offer.OfferId, answered), current.ContactId, offer.OfferId, offer.Rank, Math.Round(offer.AcceptanceProbability, 4),
                    Math.Round(offer.ExpectedValue, 2), offer.Reason, Names.Choices.RecommendationProposed, Truncate(now), null,
                    offer.Channel, outcome.Scores.ModelVersion) { TalkingPoint = offer.TalkingPoint, ChurnReduction = offer.ChurnReduction });
            }
        }
        foreach (var stale in live.Where(r => !keep.Contains(r.Id)))
            changes.ExpireRecommendations.Add(stale.Id);
    }

    private static void DiffAlert(ChangeSet changes, ContactState current, ProposedAlert? alert, DateTime now)
    {
        // One open alert per contact: surplus ones (left by older versions) are closed, the newest stays the agent's alert.
        foreach (var surplus in current.OtherOpenAlerts)
            changes.CloseAlerts.Add(surplus.Id);
        if (alert is null || alert.Level == Names.Choices.WarningNone)
            return;
        var open = current.OpenAlert;
        var signals = AlertRule.FitSignals(alert.Signals);
        var sentiment = alert.Sentiment is { } s ? Math.Round(s, 4) : (double?)null;
        switch (AlertRule.Decide(open, alert.Level))
        {
            case AlertDecision.Create when ResolvedToday(current, now):
                // An agent resolved today's alert (same name-based id): the verdict stands until tomorrow, rather than an
                // upsert reopening the row and overwriting the agent's resolution.
                break;
            case AlertDecision.Create:
                changes.CreateAlert = new AlertRecord(RowIds.Alert(current.ContactId, now), current.ContactId, alert.Level, signals, sentiment, Truncate(alert.DueBy),
                    Names.Choices.AlertOpen, null, Truncate(now), null);
                break;
            case AlertDecision.Escalate:
                // An escalation tightens the deadline and says what changed.
                changes.UpdateAlert = open! with { Level = alert.Level, Signals = signals, Sentiment = sentiment ?? open.Sentiment, DueBy = Truncate(alert.DueBy) };
                break;
        }
    }

    // Asked for every contact: today's alert id (a name-based hash) is made only for a contact with resolved alerts.
    private static bool ResolvedToday(ContactState current, DateTime now) =>
        current.OpenAlert is null && current.ResolvedAlertIds.Count > 0 && current.ResolvedAlertIds.Contains(RowIds.Alert(current.ContactId, now));

    private static void ClearScores(ChangeSet changes, ContactScores stored)
    {
        var c = changes.ContactColumns;
        if (stored.ChurnProbability is not null) c[Names.Contact.ChurnProbability] = null;
        if (stored.PreviousChurnProbability is not null) c[Names.Contact.PreviousChurnProbability] = null;
        if (stored.ChurnRiskBand is not null) c[Names.Contact.ChurnRiskBand] = null;
        if (stored.Clv12m is not null) c[Names.Contact.Clv12m] = null;
        if (stored.Clv36m is not null) c[Names.Contact.Clv36m] = null;
        if (stored.PAlive is not null) c[Names.Contact.PAlive] = null;
        if (stored.ValueSegment is not null) c[Names.Contact.ValueSegment] = null;
        if (stored.ChurnReasons is not null) c[Names.Contact.ChurnReasons] = null;
        if (stored.ChurnReasonCodes is not null) c[Names.Contact.ChurnReasonCodes] = null;
        if (stored.ChurnReasonDetails is not null) c[Names.Contact.ChurnReasonDetails] = null;
        if (stored.ValueIfRetained is not null) c[Names.Contact.ValueIfRetained] = null;
        if (stored.ChurnTrend is not null) c[Names.Contact.ChurnTrend] = null;
        if (stored.RetentionGroup is not null) c[Names.Contact.RetentionGroup] = null;
        if (stored.RetentionGroupSince is not null) c[Names.Contact.RetentionGroupSince] = null;
        if (stored.UpliftSegment is not null) c[Names.Contact.UpliftSegment] = null;
        if (stored.PreviousRiskBand is not null) c[Names.Contact.PreviousRiskBand] = null;
        if (stored.RiskBandChangedOn is not null) c[Names.Contact.RiskBandChangedOn] = null;
        if (stored.EarlyWarningLevel is not null) c[Names.Contact.EarlyWarningLevel] = null;
        if (stored.ScoredOn is not null) c[Names.Contact.ScoredOn] = null;
        if (stored.ModelVersion is not null) c[Names.Contact.ModelVersion] = null;
    }

    private static bool SameProbability(double? a, double? b) =>
        a is null ? b is null : b is not null && Math.Abs(a.Value - b.Value) < ProbabilityTolerance;

    private static bool SameMoney(decimal? a, decimal? b) =>
        a is null ? b is null : b is not null && Math.Abs(a.Value - b.Value) < MoneyTolerance;

    private static double? Round(double? value, int digits) => value is { } v ? Math.Round(v, digits) : null;

    private static decimal? RoundMoney(decimal? value) => value is { } v ? Math.Round(v, 2) : null;

    private static string Normalize(string? text) => (text ?? string.Empty).Replace("\r\n", "\n", StringComparison.Ordinal).Trim();

    /// <summary>Dataverse and the local org keep datetimes to the second.</summary>
    private static DateTime Truncate(DateTime value) =>
        new(value.Ticks - value.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
}
