using RetentionInsights.Data.Reading;
using RetentionInsights.Data.Records;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Functions.Stores.LocalOrg;

namespace RetentionInsights.Functions.Nightly;

/// <summary>
/// The local org seen through the feature snapshot: histories come from the snapshot, with the contact's recommendations
/// and alerts read from the org (the service writes them itself, so they are current there and not in the snapshot);
/// everything else — states, the catalogue, writes — goes to the org. The one scoring pipeline runs on it unchanged.
/// </summary>
public sealed class SnapshotRetentionStore(LocalOrgStore org, FeatureSnapshot snapshot) : IRetentionStore
{
    private const int MaxIdsPerQuery = 500;
    private static readonly LocalOrgReader Reader = new();
    private long _rowsRead;

    public string Kind => org.Kind;

    /// <summary>Rows read from the org by this store (recommendations, alerts; contact states estimated as their rows).</summary>
    public long RowsRead => Interlocked.Read(ref _rowsRead);

    public async Task<CustomerHistory?> LoadCustomerAsync(Guid contactId, CancellationToken cancellationToken) =>
        (await LoadCustomersAsync([contactId], cancellationToken)).FirstOrDefault();

    public Task<IReadOnlyList<CustomerHistory>> LoadCustomersAsync(IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken)
    {
        var result = new List<CustomerHistory>(contactIds.Count);
        using var connection = org.OpenConnection();
        foreach (var slice in contactIds.Where(snapshot.Histories.ContainsKey).Chunk(MaxIdsPerQuery))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (recommendations, alerts) = Reader.ReadRecommendationsAndAlerts(connection, slice);
            foreach (var id in slice)
            {
                var recs = recommendations[id].ToList();
                var raised = alerts[id].ToList();
                Interlocked.Add(ref _rowsRead, recs.Count + raised.Count);
                result.Add(snapshot.Histories[id] with { Recommendations = recs, Alerts = raised });
            }
        }
        return Task.FromResult<IReadOnlyList<CustomerHistory>>(result);
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

    public Task<CustomerLink?> ReadCustomerOfRecordAsync(string table, Guid id, CancellationToken cancellationToken) =>
        org.ReadCustomerOfRecordAsync(table, id, cancellationToken);

    public Task<int> ApplyAsync(IReadOnlyList<ChangeSet> changes, CancellationToken cancellationToken) => org.ApplyAsync(changes, cancellationToken);

    public Task<int> ApplyResponseAsync(ResponseUpdate response, CancellationToken cancellationToken) => org.ApplyResponseAsync(response, cancellationToken);
}
