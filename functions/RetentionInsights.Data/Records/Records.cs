namespace RetentionInsights.Data.Records;

// Typed rows of the Dataverse tables the product reads, as the engine sees them. The local org reader and the Dataverse
// Web API client both produce these, so the engine never knows where the data came from. Times are UTC.

public sealed record ContactRecord(
    Guid Id,
    string FullName,
    DateTime CreatedOn,
    int StateCode,
    bool DoNotEmail,
    bool DoNotPhone,
    bool DoNotBulkEmail,
    bool ProfilingOptOut,
    DateTime? BirthDate,
    string? City,
    string? Country)
{
    public bool IsActive => StateCode == 0;
}

/// <summary>A supply contract. <see cref="Start"/> is salesorder.datefulfilled.</summary>
public sealed record OrderRecord(
    Guid Id,
    Guid ContactId,
    string Name,
    decimal TotalAmount,
    DateTime? SubmitDate,
    DateTime? Start,
    DateTime? ContractEnd,
    DateTime? CancelledOn,
    int StateCode,
    DateTime CreatedOn)
{
    /// <summary>When the contract stopped supplying, if it has: the cancellation, else the term end when not renewed.</summary>
    public DateTime? EndedOn => CancelledOn ?? ContractEnd;

    /// <summary>salesorder.rtn_tariff (fixed or variable price), null when the source does not say.</summary>
    public int? Tariff { get; init; }

    /// <summary>salesorder.rtn_termmonths: the term as signed (immutable, unlike the end date); null when open-ended or unknown.</summary>
    public int? TermMonths { get; init; }

    /// <summary>salesorder.modifiedon: the last change of the row (read only to date a cancellation the source did not date).</summary>
    public DateTime? ModifiedOn { get; init; }
}

public sealed record OrderLineRecord(Guid Id, Guid OrderId, string Product, decimal Quantity, decimal PricePerUnit, decimal Amount);

public sealed record InvoiceRecord(Guid Id, Guid ContactId, Guid? OrderId, decimal Amount, DateTime DueDate, DateTime? PaidOn, DateTime CreatedOn)
{
    /// <summary>Days paid after the due date as of <paramref name="asOf"/>; unpaid invoices count up to asOf.</summary>
    public double DaysLate(DateTime asOf)
    {
        var paid = PaidOn is { } p && p <= asOf ? p : asOf;
        return Math.Max(0, (paid - DueDate).TotalDays);
    }
}

public sealed record CaseRecord(
    Guid Id,
    Guid ContactId,
    string Title,
    string? Description,
    int CaseType,
    int? Priority,
    int? Origin,
    int? Satisfaction,
    Guid? ParentCaseId,
    DateTime CreatedOn,
    DateTime? ResolvedOn,
    int StateCode)
{
    /// <summary>incident.modifiedon: for a cancelled case, when it was cancelled.</summary>
    public DateTime? ModifiedOn { get; init; }
}

/// <summary>
/// One resolution of a case (incidentresolution). Reopening a case cancels its resolution: <see cref="CancelledOn"/> is then
/// the reopen date, so the rows date every resolve and reopen.
/// </summary>
public sealed record CaseResolutionRecord(Guid Id, Guid CaseId, DateTime ResolvedOn, DateTime? CancelledOn);

public enum ActivityKind
{
    Email,
    PhoneCall,
}

public sealed record ActivityRecord(
    Guid Id,
    Guid ContactId,
    ActivityKind Kind,
    bool Outgoing,
    string? Subject,
    string? Text,
    DateTime On,
    int? DurationMinutes)
{
    /// <summary>
    /// What sentiment and red flags read, in training, the service and the early-warning scan alike: subject and body as one
    /// text (a subject like "URGENT: meter reading" carries signal too).
    /// </summary>
    public string? MessageText =>
        string.IsNullOrWhiteSpace(Subject) ? Text : string.IsNullOrWhiteSpace(Text) ? Subject : Subject + ".\n" + Text;

    /// <summary>Whether <see cref="MessageText"/> has any text, without joining subject and body to find out.</summary>
    public bool HasMessageText => !string.IsNullOrWhiteSpace(Subject) || !string.IsNullOrWhiteSpace(Text);
}

/// <summary>A meter reading. Net electricity can be below zero (solar panels feeding back).</summary>
public sealed record UsageRecord(Guid ContactId, DateTime Date, double ElectricityKwh, double GasM3)
{
    /// <summary>When the reading was recorded (it is known from then on, whatever its reading date); null = on its date.</summary>
    public DateTime? CreatedOn { get; init; }

    /// <summary>Whether the reading was in the data before <paramref name="t"/>.</summary>
    public bool KnownBefore(DateTime t) => Date < t && (CreatedOn ?? Date) < t;
}

public sealed record OfferRecord(
    Guid Id,
    string Name,
    string Code,
    int OfferType,
    string? Description,
    decimal Cost,
    decimal MarginImpact,
    string? EligibilityRules,
    int MaxPer90Days,
    bool Active);

public sealed record RecommendationRecord(
    Guid Id,
    Guid ContactId,
    Guid OfferId,
    int Rank,
    double? AcceptanceProbability,
    decimal? ExpectedValue,
    string? Reason,
    int Status,
    DateTime CreatedOn,
    DateTime? RespondedOn,
    int? Channel,
    string? ModelVersion)
{
    /// <summary>rtn_talkingpoint: why this offer fits this customer, as compact JSON (code and parameters) the panel renders.</summary>
    public string? TalkingPoint { get; init; }

    /// <summary>rtn_churnreduction: churn risk now minus churn risk if the offer is accepted.</summary>
    public double? ChurnReduction { get; init; }
}

public sealed record AlertRecord(
    Guid Id,
    Guid ContactId,
    int Level,
    string? Signals,
    double? Sentiment,
    DateTime? DueBy,
    int Status,
    int? Feedback,
    DateTime CreatedOn,
    DateTime? ResolvedOn);

/// <summary>Everything known about one customer: the unit the engine scores.</summary>
public sealed record CustomerHistory(
    ContactRecord Contact,
    IReadOnlyList<OrderRecord> Orders,
    IReadOnlyList<OrderLineRecord> OrderLines,
    IReadOnlyList<InvoiceRecord> Invoices,
    IReadOnlyList<CaseRecord> Cases,
    IReadOnlyList<ActivityRecord> Activities,
    IReadOnlyList<UsageRecord> Usage,
    IReadOnlyList<RecommendationRecord> Recommendations,
    IReadOnlyList<AlertRecord> Alerts)
{
    /// <summary>Resolutions of the customer's cases (empty when the source does not export them).</summary>
    public IReadOnlyList<CaseResolutionRecord> CaseResolutions { get; init; } = [];

    /// <summary>
    /// The date the customer left, if they did: for an inactive contact, the latest end of its contracts.
    /// Used for labels only, never as a feature.
    /// </summary>
    public DateTime? ChurnedOn =>
        Contact.IsActive ? null : Orders.Select(o => o.EndedOn).Where(d => d.HasValue).Max();
}

/// <summary>The rtn_ score columns of a contact, as written back (null = clear the value).</summary>
public sealed record ContactScores(
    Guid ContactId,
    double? ChurnProbability,
    double? PreviousChurnProbability,
    int? ChurnRiskBand,
    decimal? Clv12m,
    decimal? Clv36m,
    double? PAlive,
    int? ValueSegment,
    string? ChurnReasons,
    int? EarlyWarningLevel,
    DateTime? ScoredOn,
    string? ModelVersion)
{
    /// <summary>rtn_valueifretained: 36-month margin if the customer stays (€, discounted, not reduced by the risk).</summary>
    public decimal? ValueIfRetained { get; init; }

    /// <summary>rtn_churnreasoncodes: the reasons' option values, comma-separated as the Web API writes a multi-select choice.</summary>
    public string? ChurnReasonCodes { get; init; }

    /// <summary>rtn_churnreasondetails: compact JSON the panel renders in the reader's language.</summary>
    public string? ChurnReasonDetails { get; init; }

    /// <summary>rtn_churntrend versus the previous score (stored state; the engine leaves it null).</summary>
    public int? ChurnTrend { get; init; }

    /// <summary>rtn_previousriskband: the band before the last change of band (stored state; the engine leaves it null).</summary>
    public int? PreviousRiskBand { get; init; }

    /// <summary>rtn_riskbandchangedon: when the band last changed (stored state; the engine leaves it null).</summary>
    public DateTime? RiskBandChangedOn { get; init; }

    /// <summary>rtn_retentiongroup: Treatment or Control (the standing control group gets no proactive retention offer).</summary>
    public int? RetentionGroup { get; init; }

    /// <summary>rtn_retentiongroupsince: start of the period the group holds for.</summary>
    public DateTime? RetentionGroupSince { get; init; }

    /// <summary>rtn_upliftsegment: Persuadable, Sure thing, Lost cause or Do not disturb.</summary>
    public int? UpliftSegment { get; init; }
}
