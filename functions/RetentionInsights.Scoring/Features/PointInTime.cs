using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;

namespace RetentionInsights.Scoring.Features;

/// <summary>Whether a contact was a customer at a date, judged from dated records only.</summary>
public enum CustomerStatusAt
{
    /// <summary>Created before T and not left before T: scored and, in training, labelled.</summary>
    Customer,

    /// <summary>Created on or after T.</summary>
    NotYetCustomer,

    /// <summary>Left before T (the latest contract stopped, or the last record, before T).</summary>
    Left,

    /// <summary>Inactive now, and no record dates when the customer left: cannot be placed in time.</summary>
    LeftOnUnknownDate,
}

/// <summary>
/// Point-in-time rules: what each source column could tell at a past date T. Dataverse and the ERPs that feed it keep the
/// current value of a column, not its history, so a column that changes when the outcome happens (a contract's end date
/// overwritten with the termination date, today's statecode) must not be read as if it was known at T. Every reader and
/// every feature goes through these rules; docs/point-in-time.md lists them per column.
/// </summary>
public static class PointInTime
{
    /// <summary>When the contract started supplying: salesorder.datefulfilled. Empty = signed, not started yet (never createdon).</summary>
    public static DateTime? StartOf(OrderRecord order) => order.Start;

    public static bool StartedBefore(OrderRecord order, DateTime t) => order.Start is { } s && s < t;

    /// <summary>
    /// When the contract was cancelled: rtn_cancelledon; for a cancelled order (statecode) without it, the earlier of the
    /// (possibly overwritten) end date and the last modification — the best dated evidence a plain export keeps.
    /// </summary>
    public static DateTime? CancelledOn(OrderRecord order)
    {
        if (order.CancelledOn is { } c)
            return c;
        if (order.StateCode != Names.Standard.OrderCanceled)
            return null;
        return (order.ContractEnd, order.ModifiedOn) switch
        {
            ({ } e, { } m) => e < m ? e : m,
            ({ } e, null) => e,
            (null, { } m) => m,
            _ => null,
        };
    }

    /// <summary>When the contract stopped supplying, if it has: its cancellation, else its term end.</summary>
    public static DateTime? StoppedOn(OrderRecord order) => CancelledOn(order) ?? order.ContractEnd;

    /// <summary>Whether the contract had stopped before T (cancelled before T, or its term ended before T's day).</summary>
    public static bool StoppedBefore(OrderRecord order, DateTime t) =>
        (CancelledOn(order) is { } c && c < t) || (order.ContractEnd is { } e && e < t.Date);

    /// <summary>
    /// The planned end of the contract as it could be known at T, the same whichever day the data was exported. The term as
    /// signed (rtn_termmonths) never changes, so start + term is used when both are there. Without it, rtn_contractend may
    /// have been overwritten with the termination date when the customer left, so it is trusted only when it falls on an
    /// anniversary of the start (± 3 days), as fixed energy terms do; any other date is read as unknown and replaced by the
    /// next anniversary on or after T — the same rule for customers who left and who stayed, so it carries no trace of the outcome.
    /// A variable contract has no end.
    /// </summary>
    public static DateTime? KnownEnd(OrderRecord order, DateTime t)
    {
        if (order.Tariff == Names.Choices.TariffVariable)
            return null;
        if (order.Start is not { } started)
            return order.ContractEnd;
        var start = started.Date;
        if (order.TermMonths is > 0 and var term)
            return start.AddMonths(term).AddDays(-1);
        if (order.ContractEnd is not { } end)
            return null;
        var years = Math.Max(1, (int)Math.Round((end.Date - start).TotalDays / 365.25));
        if (Math.Abs((start.AddYears(years).AddDays(-1) - end.Date).TotalDays) <= 3)
            return end;
        var next = 1;
        while (start.AddYears(next).AddDays(-1) < t.Date)
            next++;
        return start.AddYears(next).AddDays(-1);
    }

    /// <summary>Variable price: the tariff column says so, or (without it) the contract has no known end.</summary>
    public static bool IsVariable(OrderRecord order, DateTime t) =>
        order.Tariff is { } tariff ? tariff == Names.Choices.TariffVariable : KnownEnd(order, t) is null;

    /// <summary>The contract supplying the customer at T as known then: the latest started before T and not stopped before T.</summary>
    public static OrderRecord? RunningContract(CustomerHistory history, DateTime t)
    {
        OrderRecord? running = null;
        foreach (var order in history.Orders)
        {
            if (!StartedBefore(order, t) || StoppedBefore(order, t))
                continue;
            if (running is null || order.Start > running.Start)
                running = order;
        }
        return running;
    }

    /// <summary>
    /// When the customer left, from dated records: for a contact inactive now, the latest stop of its contracts; without any
    /// dated contract, its last record (invoice, case, message, reading). Null for an active contact or when nothing is dated.
    /// Used for labels and for "was a customer at T", never as a feature.
    /// </summary>
    public static DateTime? LeftOn(CustomerHistory history)
    {
        if (history.Contact.IsActive)
            return null;
        DateTime? left = null;
        foreach (var order in history.Orders)
        {
            if (StoppedOn(order) is { } stopped && (left is null || stopped > left))
                left = stopped;
        }
        if (left is not null)
            return left;
        var last = DateTime.MinValue;
        foreach (var i in history.Invoices) if (i.CreatedOn > last) last = i.CreatedOn;
        foreach (var c in history.Cases) if (c.CreatedOn > last) last = c.CreatedOn;
        foreach (var a in history.Activities) if (a.On > last) last = a.On;
        foreach (var u in history.Usage) if (u.Date > last) last = u.Date;
        return last == DateTime.MinValue ? null : last;
    }

    /// <summary>Whether the contact was a customer at T. Today's statecode only says whether to look for a leaving date.</summary>
    public static CustomerStatusAt StatusAt(CustomerHistory history, DateTime t)
    {
        if (history.Contact.CreatedOn >= t)
            return CustomerStatusAt.NotYetCustomer;
        if (history.Contact.IsActive)
            return CustomerStatusAt.Customer;
        return LeftOn(history) switch
        {
            null => CustomerStatusAt.LeftOnUnknownDate,
            { } left when left < t => CustomerStatusAt.Left,
            _ => CustomerStatusAt.Customer,
        };
    }

    /// <summary>The customer left within [T, T + horizon).</summary>
    public static bool LeavesWithin(CustomerHistory history, DateTime t, int horizonDays) =>
        LeftOn(history) is { } left && left >= t && left < t.AddDays(horizonDays);

    /// <summary>
    /// Whether the case was resolved at T. With resolution rows: a resolution before T that was not cancelled (reopened)
    /// before T. Without them: resolved now and last modified before T.
    /// </summary>
    public static bool ResolvedAt(CaseRecord c, IReadOnlyList<CaseResolutionRecord> resolutions, DateTime t)
    {
        var any = false;
        foreach (var r in resolutions)
        {
            if (r.CaseId != c.Id)
                continue;
            any = true;
            if (r.ResolvedOn < t && (r.CancelledOn is not { } reopened || reopened >= t))
                return true;
        }
        return !any && c.ResolvedOn is { } resolved && resolved < t;
    }

    /// <summary>Cancelled before T: a cancelled case is closed from its cancellation (its last modification), not open for ever.</summary>
    public static bool CancelledAt(CaseRecord c, DateTime t) =>
        c.StateCode == Names.Standard.IncidentCanceled && (c.ModifiedOn ?? c.CreatedOn) < t;

    public static bool OpenAt(CaseRecord c, IReadOnlyList<CaseResolutionRecord> resolutions, DateTime t) =>
        c.CreatedOn < t && !CancelledAt(c, t) && !ResolvedAt(c, resolutions, t);

    /// <summary>
    /// When the case was first resolved as known at T (for resolution times): the earliest resolution before T, else the
    /// case's own resolution date when no resolution rows exist.
    /// </summary>
    public static DateTime? FirstResolvedBefore(CaseRecord c, IReadOnlyList<CaseResolutionRecord> resolutions, DateTime t)
    {
        DateTime? first = null;
        var any = false;
        foreach (var r in resolutions)
        {
            if (r.CaseId != c.Id)
                continue;
            any = true;
            if (r.ResolvedOn < t && (first is null || r.ResolvedOn < first))
                first = r.ResolvedOn;
        }
        return any ? first : c.ResolvedOn is { } resolved && resolved < t ? resolved : null;
    }
}
