using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;

namespace RetentionInsights.Functions.Stores;

/// <summary>
/// Where the service reads customers and writes scores: the SQLite local org (default) or Dataverse through the Web API.
/// Both produce the same typed records, so event handling, batch rescoring and the insights route never know which.
/// </summary>
public interface IRetentionStore
{
    /// <summary>"local-org" or "dataverse", for /api/health.</summary>
    string Kind { get; }

    Task<CustomerHistory?> LoadCustomerAsync(Guid contactId, CancellationToken cancellationToken);

    /// <summary>Histories of many contacts at once (batch chunks); unknown ids are left out.</summary>
    Task<IReadOnlyList<CustomerHistory>> LoadCustomersAsync(IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken);

    Task<IReadOnlyList<OfferRecord>> LoadOfferCatalogueAsync(CancellationToken cancellationToken);

    /// <summary>Contacts in a stable order (contactid): active ones for the nightly fan-out, all of them for training.</summary>
    Task<IReadOnlyList<Guid>> ListContactIdsAsync(bool activeOnly, CancellationToken cancellationToken);

    /// <summary>Contacts for the preview's list: highest churn probability first, unscored last.</summary>
    Task<IReadOnlyList<CustomerListItem>> ListCustomersAsync(int top, CancellationToken cancellationToken);

    /// <summary>What is stored for contacts now: score columns, live recommendations, the open alert. Unknown ids are left out.</summary>
    Task<IReadOnlyList<ContactState>> ReadContactStatesAsync(IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken);

    /// <summary>
    /// A contact's recommendation in any status, addressed by its offer (the latest recommendation of it) or by its own id;
    /// null when there is none. Read only when an answer names no live recommendation: an offer whose recommendation
    /// expired is answered 409, one never proposed 404.
    /// </summary>
    Task<RecommendationRecord?> FindRecommendationAsync(Guid contactId, Guid offerOrRecommendationId, CancellationToken cancellationToken);

    /// <summary>
    /// The customer lookup of a record, read from the store (used when a webhook body was truncated at 256 KB or the
    /// step registered no image). Null when the record does not exist.
    /// </summary>
    Task<CustomerLink?> ReadCustomerOfRecordAsync(string table, Guid id, CancellationToken cancellationToken);

    /// <summary>Writes the changes; returns the number of write calls made (requests for Dataverse, statements locally).</summary>
    Task<int> ApplyAsync(IReadOnlyList<ChangeSet> changes, CancellationToken cancellationToken);

    /// <summary>Sets status/responded on/channel of a recommendation (an agent's accept or decline).</summary>
    Task<int> ApplyResponseAsync(ResponseUpdate response, CancellationToken cancellationToken);

    /// <summary>
    /// Removes everything the service derived from a person (contact Delete, or an objection to profiling): every offer
    /// recommendation and retention alert row of the contact, and its score columns when the contact still exists.
    /// Returns the number of writes.
    /// </summary>
    Task<int> EraseContactAsync(Guid contactId, CancellationToken cancellationToken);

    /// <summary>Clears message-derived data (alert signals and sentiment) of alerts created before <paramref name="createdBefore"/>.</summary>
    Task<int> RemoveMessageDerivedDataAsync(DateTime createdBefore, CancellationToken cancellationToken);
}

public sealed record CustomerListItem(Guid ContactId, string FullName, double? ChurnProbability, int? RiskBand);

/// <summary>The lookup found on a record: the table it points to and the id. A "customer" column can point to an account.</summary>
public sealed record CustomerLink(string Table, Guid Id);

/// <summary>A contact as stored now, with its live recommendations and open alert.</summary>
public sealed record ContactState(
    Guid ContactId,
    string FullName,
    bool ProfilingOptOut,
    ContactScores Scores,
    IReadOnlyList<StoredRecommendation> Recommendations,
    AlertRecord? OpenAlert)
{
    /// <summary>Open alerts besides <see cref="OpenAlert"/> (duplicates left by older versions); a rescore closes them.</summary>
    public IReadOnlyList<AlertRecord> OtherOpenAlerts { get; init; } = [];

    /// <summary>
    /// Ids of the contact's resolved alerts, at least those raised today: the day's alert (<see cref="Scoring.RowIds.Alert"/>)
    /// among them was resolved by an agent and is not reopened that day.
    /// </summary>
    public IReadOnlyCollection<Guid> ResolvedAlertIds { get; init; } = [];

    /// <summary>Whether any recommendation or alert row of the contact exists (in any status): what an objection erases.</summary>
    public bool HasDerivedRows { get; init; }

    /// <summary>
    /// The state of a contact from its score columns and every recommendation and alert row it has, each in created order:
    /// live recommendations are the proposed and the answered ones (newest first), the open alert the newest unresolved one.
    /// </summary>
    public static ContactState From(Guid id, string fullName, bool optOut, ContactScores scores, OwnRows rows, IReadOnlyDictionary<Guid, OfferRecord> offers)
    {
        var live = rows.Recommendations
            .Where(r => r.Status == Names.Choices.RecommendationProposed || r.RespondedOn is not null)
            .OrderByDescending(r => r.CreatedOn)
            .Select(r => new StoredRecommendation(r, offers.TryGetValue(r.OfferId, out var o) ? o.Name : string.Empty, offers.TryGetValue(r.OfferId, out var t) ? t.OfferType : 0))
            .ToList();
        var open = rows.Alerts.Where(a => a.Status != Names.Choices.AlertResolved).OrderByDescending(a => a.CreatedOn).ThenBy(a => a.Id).ToList();
        return new ContactState(id, fullName, optOut, scores, live, open.FirstOrDefault())
        {
            OtherOpenAlerts = open.Skip(1).ToList(),
            ResolvedAlertIds = rows.Alerts.Where(a => a.Status == Names.Choices.AlertResolved).Select(a => a.Id).ToList(),
            HasDerivedRows = rows.Recommendations.Count > 0 || rows.Alerts.Count > 0,
        };
    }
}

/// <summary>Every recommendation and alert row of one contact (the service's own output), each in created order.</summary>
public sealed record OwnRows(IReadOnlyList<RecommendationRecord> Recommendations, IReadOnlyList<AlertRecord> Alerts);

public sealed record StoredRecommendation(RecommendationRecord Record, string OfferName, int OfferType);

/// <summary>Only what changed for one contact. Empty when a rescore produced the same values.</summary>
public sealed record ChangeSet(Guid ContactId)
{
    /// <summary>Changed contact columns by logical name (null = clear).</summary>
    public Dictionary<string, object?> ContactColumns { get; } = new(StringComparer.Ordinal);

    public List<RecommendationRecord> CreateRecommendations { get; } = [];

    /// <summary>Existing recommendations whose rank/probability/value/reason changed (same offer, still proposed).</summary>
    public List<RecommendationRecord> UpdateRecommendations { get; } = [];

    /// <summary>Proposed recommendations that are no longer in the top 3: set to Expired.</summary>
    public List<Guid> ExpireRecommendations { get; } = [];

    public AlertRecord? CreateAlert { get; set; }

    public AlertRecord? UpdateAlert { get; set; }

    /// <summary>Surplus open alerts to resolve (one open alert per contact).</summary>
    public List<Guid> CloseAlerts { get; } = [];

    /// <summary>Delete every recommendation and alert row of the contact (it objected to profiling).</summary>
    public bool EraseDerived { get; set; }

    public bool IsEmpty =>
        ContactColumns.Count == 0 && CreateRecommendations.Count == 0 && UpdateRecommendations.Count == 0
        && ExpireRecommendations.Count == 0 && CreateAlert is null && UpdateAlert is null && CloseAlerts.Count == 0 && !EraseDerived;

    /// <summary>Whether the change writes recommendation or alert rows (otherwise only the contact's score columns, or nothing).</summary>
    public bool TouchesOwnRows =>
        CreateRecommendations.Count > 0 || UpdateRecommendations.Count > 0 || ExpireRecommendations.Count > 0
        || CreateAlert is not null || UpdateAlert is not null || CloseAlerts.Count > 0 || EraseDerived;

    public int WriteCount =>
        (ContactColumns.Count > 0 ? 1 : 0) + CreateRecommendations.Count + UpdateRecommendations.Count
        + ExpireRecommendations.Count + (CreateAlert is null ? 0 : 1) + (UpdateAlert is null ? 0 : 1) + CloseAlerts.Count + (EraseDerived ? 1 : 0);
}

public sealed record ResponseUpdate(Guid RecommendationId, int Status, int Channel, DateTime RespondedOn);
