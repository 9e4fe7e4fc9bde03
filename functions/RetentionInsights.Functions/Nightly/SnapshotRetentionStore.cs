using System.Collections.Concurrent;
using RetentionInsights.Data.Records;
using RetentionInsights.Functions.Stores;

namespace RetentionInsights.Functions.Nightly;

/// <summary>
/// A store seen through the feature snapshot: histories come from the snapshot, with the contact's recommendations and
/// alerts read from the store (the service writes them itself, so they are current there and not in the snapshot);
/// everything else — states, the catalogue, writes — goes to the store. The one scoring pipeline runs on it unchanged.
/// The recommendations and alerts read with a history also serve the state read of the same contacts that follows it (the
/// rescorer's load → state → diff), so the night reads them once: each contact's rows are taken by the first state read.
/// </summary>
public sealed class SnapshotRetentionStore(IOwnRowsStore org, FeatureSnapshot snapshot) : IRetentionStore
{
    private readonly ConcurrentDictionary<Guid, OwnRows> _readWithHistory = new();
    private long _rowsRead;

    public string Kind => org.Kind;

    /// <summary>Rows read from the org by this store (recommendations, alerts; contact states estimated as their rows).</summary>
    public long RowsRead => Interlocked.Read(ref _rowsRead);

    public async Task<CustomerHistory?> LoadCustomerAsync(Guid contactId, CancellationToken cancellationToken) =>
        (await LoadCustomersAsync([contactId], cancellationToken)).FirstOrDefault();

    public async Task<IReadOnlyList<CustomerHistory>> LoadCustomersAsync(IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken)
    {
        var known = contactIds.Where(snapshot.Histories.ContainsKey).ToList();
        var own = await org.LoadOwnRowsAsync(known, cancellationToken);
        var result = new List<CustomerHistory>(known.Count);
        foreach (var id in known)
        {
            var rows = own.GetValueOrDefault(id) ?? NoRows;
            Interlocked.Add(ref _rowsRead, rows.Recommendations.Count + rows.Alerts.Count);
            _readWithHistory[id] = rows;
            result.Add(snapshot.Histories[id] with { Recommendations = rows.Recommendations, Alerts = rows.Alerts });
        }
        return result;
    }

    private static readonly OwnRows NoRows = new([], []);

    public Task<IReadOnlyList<OfferRecord>> LoadOfferCatalogueAsync(CancellationToken cancellationToken) => org.LoadOfferCatalogueAsync(cancellationToken);

    public Task<IReadOnlyList<Guid>> ListContactIdsAsync(bool activeOnly, CancellationToken cancellationToken) => org.ListContactIdsAsync(activeOnly, cancellationToken);

    public Task<IReadOnlyList<CustomerListItem>> ListCustomersAsync(int top, CancellationToken cancellationToken) => org.ListCustomersAsync(top, cancellationToken);

    public async Task<IReadOnlyList<ContactState>> ReadContactStatesAsync(IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<Guid, OwnRows>(contactIds.Count);
        var unread = new List<Guid>();
        foreach (var id in contactIds)
        {
            if (_readWithHistory.TryRemove(id, out var own))
                rows[id] = own;
            else
                unread.Add(id);
        }
        var states = new List<ContactState>(contactIds.Count);
        if (rows.Count > 0)
        {
            var fromRows = await org.ReadContactStatesAsync(rows.Keys.ToList(), rows, cancellationToken);
            Interlocked.Add(ref _rowsRead, fromRows.Count);
            states.AddRange(fromRows);
        }
        if (unread.Count > 0)
        {
            var read = await org.ReadContactStatesAsync(unread, cancellationToken);
            Interlocked.Add(ref _rowsRead, read.Count + read.Sum(s => s.Recommendations.Count + (s.OpenAlert is null ? 0 : 1)));
            states.AddRange(read);
        }
        return states;
    }

    public Task<CustomerLink?> ReadCustomerOfRecordAsync(string table, Guid id, CancellationToken cancellationToken) =>
        org.ReadCustomerOfRecordAsync(table, id, cancellationToken);

    public Task<int> ApplyAsync(IReadOnlyList<ChangeSet> changes, CancellationToken cancellationToken) => org.ApplyAsync(changes, cancellationToken);

    // Erasure and retention act on the org itself; the snapshot picks up the removed rows with its next change capture.
    public Task<int> EraseContactAsync(Guid contactId, CancellationToken cancellationToken) => org.EraseContactAsync(contactId, cancellationToken);

    public Task<int> RemoveMessageDerivedDataAsync(DateTime createdBefore, CancellationToken cancellationToken) =>
        org.RemoveMessageDerivedDataAsync(createdBefore, cancellationToken);

    public Task<int> ApplyResponseAsync(ResponseUpdate response, CancellationToken cancellationToken) => org.ApplyResponseAsync(response, cancellationToken);
}
