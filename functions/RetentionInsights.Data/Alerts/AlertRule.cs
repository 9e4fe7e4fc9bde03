using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;

namespace RetentionInsights.Data.Alerts;

/// <summary>What a new assessment does to the contact's open alert.</summary>
public enum AlertDecision
{
    /// <summary>No open alert: raise a new one.</summary>
    Create,

    /// <summary>An open alert of a lower level: raise it to the new level with the new signals, sentiment and deadline.</summary>
    Escalate,

    /// <summary>An open alert at the same or a higher level: leave it as the agent knows it (no rewrite, no duplicate).</summary>
    Leave,
}

/// <summary>
/// The one alert rule, used by the scoring pipeline and the early-warning scan alike. Alerts are closed by people
/// (resolved, false alarm), never by a rescore; a rescore only raises or escalates, and signals fit the column.
/// </summary>
public static class AlertRule
{
    /// <summary>The length of rtn_signals (datamodel.json).</summary>
    public static readonly int MaxSignalsLength =
        DataModel.Current.Table(Names.RetentionAlert.Table).Column("rtn_signals").MaxLength ?? 4000;

    public static AlertDecision Decide(AlertRecord? open, int level) =>
        open is null ? AlertDecision.Create : level > open.Level ? AlertDecision.Escalate : AlertDecision.Leave;

    /// <summary>Signals cut to the column's length (an ellipsis marks the cut) so a write never fails on a long text.</summary>
    public static string FitSignals(string signals) =>
        signals.Length > MaxSignalsLength ? signals[..(MaxSignalsLength - 1)] + "…" : signals;
}
