using RetentionInsights.Data.Reading;
using RetentionInsights.Data.Records;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Functions.Stores.Dataverse;
using RetentionInsights.Functions.Stores.LocalOrg;

namespace RetentionInsights.Functions.Nightly;

/// <summary>
/// A store seen through the feature snapshot: histories come from the snapshot, with the contact's recommendations and
/// alerts read from the store (the service writes them itself, so they are current there and not in the snapshot);
/// everything else — states, the catalogue, writes — goes to the store. The one scoring pipeline runs on it unchanged.
/// </summary>
public sealed class SnapshotRetentionStore : IRetentionStore
{
    private const int MaxIdsPerQuery = 500;
    private static readonly LocalOrgReader Reader = new();
    private readonly IRetentionStore org;
    private readonly FeatureSnapshot snapshot;
    private readonly Func<IReadOnlyList<Guid>, CancellationToken, Task<(ILookup<Guid, RecommendationRecord>, ILookup<Guid, AlertRecord>)>> _ownOutput;
    private long _rowsRead;

    public SnapshotRetentionStore(LocalOrgStore org, FeatureSnapshot snapshot)
    {
        this.org = org;
        this.snapshot = snapshot;
        _ownOutput = (ids, _) =>
        {
            using var connection = org.OpenConnection();
            return Task.FromResult(Reader.ReadRecommendationsAndAlerts(connection, ids));
        };
    }

    public SnapshotRetentionStore(DataverseStore dataverse, FeatureSnapshot snapshot)
    {
        org = dataverse;
        this.snapshot = snapshot;
        _ownOutput = dataverse.LoadRecommendationsAndAlertsAsync;
    }

    public string Kind => org.Kind;

    /// <summary>Rows read from the org by this store (recommendations, alerts; contact states estimated as their rows).</summary>
    public long RowsRead => Interlocked.Read(ref _rowsRead);

    public async Task<CustomerHistory?> LoadCustomerAsync(Guid contactId, CancellationToken cancellationToken) =>
        (await LoadCustomersAsync([contactId], cancellationToken)).FirstOrDefault();

    public async Task<IReadOnlyList<CustomerHistory>> LoadCustomersAsync(IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken)
    {
        var result = new List<CustomerHistory>(contactIds.Count);
        foreach (var slice in contactIds.Where(snapshot.Histories.ContainsKey).Chunk(MaxIdsPerQuery))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (recommendations, alerts) = await _ownOutput(slice, cancellationToken);
            foreach (var id in slice)
            {
                var recs = recommendations[id].ToList();
                var raised = alerts[id].ToList();
                Interlocked.Add(ref _rowsRead, recs.Count + raised.Count);
                result.Add(snapshot.Histories[id] with { Recommendations = recs, Alerts = raised });
            }
        }
        return result;
    }

    public Task<IReadOnlyList<OfferRecord>> LoadOfferCatalogueAsync(CancellationToken cancellationToken) => org.LoadOfferCatalogueAsync(cancellationToken);

    public Task<IReadOnlyList<Guid>> ListContactIdsAsync(bool activeOnly, CancellationToken cancellationToken) => org.ListContactIdsAsync(activeOnly, cancellationToken);

    public Task<IReadOnlyList<CustomerListItem>> ListCustomersAsync(int top, CancellationToken cancellationToken) => org.ListCustomersAsync(top, cancellationToken);

    public async Task<IReadOnlyList<ContactState>> ReadContactStatesAsync(IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken)
    {
        var states = await org.ReadContactStatesAsync(contactIds, cancellationToken);
        Interlocked.Add(ref _rowsRead, states.Count + states.Sum(s => s.Recommendations.Count + (s.OpenAlert is null ? 0 : 1)));
        return states;
    }

    public Task<RecommendationRecord?> FindRecommendationAsync(Guid contactId, Guid offerOrRecommendationId, CancellationToken cancellationToken) =>
        org.FindRecommendationAsync(contactId, offerOrRecommendationId, cancellationToken);

    public Task<CustomerLink?> ReadCustomerOfRecordAsync(string table, Guid id, CancellationToken cancellationToken) =>
        org.ReadCustomerOfRecordAsync(table, id, cancellationToken);

    public Task<int> ApplyAsync(IReadOnlyList<ChangeSet> changes, CancellationToken cancellationToken) => org.ApplyAsync(changes, cancellationToken);

    // Erasure and retention act on the org itself; the snapshot picks up the removed rows with its next change capture.
    public Task<int> EraseContactAsync(Guid contactId, CancellationToken cancellationToken) => org.EraseContactAsync(contactId, cancellationToken);

    public Task<int> RemoveMessageDerivedDataAsync(DateTime createdBefore, CancellationToken cancellationToken) =>
        org.RemoveMessageDerivedDataAsync(createdBefore, cancellationToken);

    public Task<int> ApplyResponseAsync(ResponseUpdate response, CancellationToken cancellationToken) => org.ApplyResponseAsync(response, cancellationToken);
}
