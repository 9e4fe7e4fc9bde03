namespace RetentionInsights.Data.Generation;

/// <summary>How the generated org looks when exported.</summary>
public enum ExportMode
{
    /// <summary>Every date kept as it happened: the planned contract end survives a cancellation, cases are resolved or open.</summary>
    Standard,

    /// <summary>
    /// The habits of real ERP and ticketing exports: a cancellation overwrites the contract end date (rtn_cancelledon is often
    /// left empty), contracts signed but not started have no datefulfilled, statuses are today's, customers reject case
    /// resolutions (cases reopen) and abandoned cases are cancelled, fixed contracts roll over to a dearer variable tariff,
    /// solar owners have net electricity below zero, and a few invoices are billing errors. Roll-overs, billing errors and
    /// reopened cases also raise the planted churn hazard.
    /// </summary>
    Erp,
}

/// <summary>Settings of the synthetic energy supplier. Defaults give the demo org: 20,000 contacts, 15 months of history.</summary>
public sealed record GeneratorOptions
{
    public int Contacts { get; init; } = 20_000;
    public int Seed { get; init; } = 42;

    /// <summary>End of the simulated history (exclusive, UTC, first of a month).</summary>
    public DateTime Until { get; init; } = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Months of invoices, usage, cases and activities before <see cref="Until"/>.</summary>
    public int HistoryMonths { get; init; } = 15;

    /// <summary>
    /// Intercept of the planted monthly churn hazard (logit). The default gives roughly 12–18% churn a year, typical for a
    /// Dutch energy supplier; tests assert the realised rate stays in that band.
    /// </summary>
    public double HazardIntercept { get; init; } = -5.3;

    /// <summary>When set, the true churn probability per contact at this date is reported (see <see cref="TruthRow"/>).</summary>
    public DateTime? TruthAsOf { get; init; }

    public int TruthHorizonDays { get; init; } = 90;

    /// <summary>The truth horizon in simulated months (of 30.4375 days, the mean month): the forks follow each contact this long.</summary>
    public double TruthHorizonMonths => TruthHorizonDays / 30.4375;

    public ExportMode ExportMode { get; init; } = ExportMode.Standard;

    /// <summary>
    /// The day the org is exported (default <see cref="Until"/>): rows created on or after it are left out and changeable
    /// columns (status, payment, resolution, cancellation) show their value on that day. The simulation itself runs to
    /// <see cref="Until"/>, so two exports of the same org at different days share the history before the earlier one.
    /// </summary>
    public DateTime? ExportAt { get; init; }

    public DateTime ExportDate => ExportAt ?? Until;

    public DateTime WindowStart => Until.AddMonths(-HistoryMonths);

    public void Validate()
    {
        if (Contacts is < 1 or > 5_000_000)
            throw new ArgumentOutOfRangeException(nameof(Contacts), Contacts, "--contacts must be between 1 and 5,000,000.");
        if (HistoryMonths is < 6 or > 60)
            throw new ArgumentOutOfRangeException(nameof(HistoryMonths), HistoryMonths, "history must be 6 to 60 months.");
        if (Until.Day != 1 || Until.TimeOfDay != TimeSpan.Zero)
            throw new ArgumentException($"--until must be the first day of a month (got {Until:yyyy-MM-dd}).", nameof(Until));
        if (TruthAsOf is { } t && (t.Day != 1 || t.TimeOfDay != TimeSpan.Zero || t <= WindowStart || t >= Until))
            throw new ArgumentException(
                $"--truth-as-of must be the first day of a month inside the simulated window ({WindowStart:yyyy-MM-dd} .. {Until:yyyy-MM-dd}), got {t:yyyy-MM-dd}.",
                nameof(TruthAsOf));
        if (ExportAt is { } x && (x <= WindowStart || x > Until))
            throw new ArgumentException($"--export-at must be inside the simulated window ({WindowStart:yyyy-MM-dd} .. {Until:yyyy-MM-dd}], got {x:yyyy-MM-dd}.", nameof(ExportAt));
        if (TruthHorizonDays is < 1 or > 365)
            throw new ArgumentOutOfRangeException(nameof(TruthHorizonDays), TruthHorizonDays, "--truth-horizon-days must be 1..365.");
        // The truth follows each contact month by month through the whole horizon, so those months must be simulated.
        var horizonMonths = (int)Math.Ceiling(TruthHorizonMonths);
        if (TruthAsOf is { } start && start.AddMonths(horizonMonths) > Until)
        {
            var latest = Until.AddMonths(-horizonMonths);
            throw new ArgumentException(
                $"--truth-as-of {start:yyyy-MM-dd} with a {TruthHorizonDays}-day horizon needs the history simulated through {start.AddMonths(horizonMonths).AddDays(-1):yyyy-MM-dd}, " +
                $"but --until is {Until:yyyy-MM-dd}: " + (latest > WindowStart ? $"use --truth-as-of {latest:yyyy-MM-dd} or earlier, a later --until, or a shorter --truth-horizon-days." : "use a later --until or a shorter --truth-horizon-days."),
                nameof(TruthAsOf));
        }
    }
}

/// <summary>
/// The planted truth for one contact active at the truth date. <see cref="TrueProbability"/>: P(churn within the horizon |
/// the simulator's whole state at T), hidden per-customer trait included (32 forked futures). <see cref="ObservableProbability"/>:
/// the same with that hidden trait drawn afresh per fork, i.e. what the records can reveal at best. And whether the contact
/// actually churned.
/// </summary>
/// <remarks>
/// The offer part is planted retention-offer truth at T, with the hidden churn trait integrated out like
/// <see cref="ObservableProbability"/> (which is also the churn probability without an offer): per catalogue offer the true
/// acceptance probability and the churn probability if the customer accepts it; the churn probability if approached and
/// declined. The campaign part is the customer's churn inside the horizon under each group, the same random numbers replayed
/// (so <c>ChurnedIfTreated − ChurnedIfControl</c> is the customer's own effect of the past retention campaign).
/// </remarks>
public sealed record TruthRow(Guid ContactId, double TrueProbability, bool ChurnedWithinHorizon, double ObservableProbability)
{
    public double ChurnIfDeclined { get; init; }
    public IReadOnlyList<OfferTruth> Offers { get; init; } = [];
    public bool InControlGroup { get; init; }
    public bool ChurnedIfTreated { get; init; }
    public bool ChurnedIfControl { get; init; }
}

/// <summary>Planted truth for one catalogue offer made to one customer at the truth date.</summary>
public sealed record OfferTruth(Guid OfferId, string Code, int OfferType, double Acceptance, double ChurnIfAccepted);
