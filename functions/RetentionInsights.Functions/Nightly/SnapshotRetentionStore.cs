using System.Collections.Concurrent;
using RetentionInsights.Data.Records;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Functions.Stores.Dataverse;
using RetentionInsights.Functions.Stores.LocalOrg;
using RetentionInsights.Functions.Telemetry;

namespace RetentionInsights.Functions.Nightly;

/// <summary>
/// A store seen through the feature snapshot: histories come from the snapshot; the catalogue and writes go to the store.
/// The one scoring pipeline runs on it unchanged. The service's own rows (recommendations, alerts, score columns):
/// <list type="bullet">
/// <item>On the local org the snapshot keeps them (<see cref="FeatureSnapshot.OwnRowsKept"/>): histories and states are served
/// from it without a read; after each write the written recommendations, alerts and score columns are taken in as the org
/// stores them (the write replayed over the rows the snapshot holds, not read back), and the change log records the
/// written contacts as this night's own so the next night does not re-read them. Each
/// contact's record is decoded once per chunk: the load, the state read and the write-back share the decoded history.</item>
/// <item>On Dataverse they are read from the store once per chunk: the rows read with a history also build the state read of
/// the same contacts that follows it (the rescorer's load → state → diff); each contact's rows are taken by that state read.</item>
/// </list>
/// Chunks run in parallel; the snapshot is locked while read or changed here.
/// </summary>
public sealed class SnapshotRetentionStore : IRetentionStore
{
    private static readonly OwnRows NoRows = new([], []);
    private readonly IRetentionStore org;
    private readonly LocalOrgStore? _kept;
    private readonly DataverseStore? _dataverse;
    private readonly FeatureSnapshot snapshot;
    private readonly ConcurrentDictionary<Guid, OwnRows> _readWithHistory = new();
    private readonly ConcurrentDictionary<Guid, CustomerHistory> _loaded = new();
    private IReadOnlyDictionary<Guid, OfferRecord>? _offers;
    private long _rowsRead;

    public SnapshotRetentionStore(LocalOrgStore org, FeatureSnapshot snapshot)
    {
        if (!snapshot.OwnRowsKept)
            throw new ArgumentException("A local-org snapshot keeps the service's own rows; this one does not.", nameof(snapshot));
        this.org = _kept = org;
        this.snapshot = snapshot;
    }

    public SnapshotRetentionStore(DataverseStore org, FeatureSnapshot snapshot)
    {
        this.org = _dataverse = org;
        this.snapshot = snapshot;
    }

    public string Kind => org.Kind;

    /// <summary>Rows read from the org by this store (own rows and contact states; on the local org the scores of a written
    /// contact the snapshot held none for).</summary>
    public long RowsRead => Interlocked.Read(ref _rowsRead);

    public async Task<CustomerHistory?> LoadCustomerAsync(Guid contactId, CancellationToken cancellationToken) =>
        (await LoadCustomersAsync([contactId], cancellationToken)).FirstOrDefault();

    public async Task<IReadOnlyList<CustomerHistory>> LoadCustomersAsync(IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken)
    {
        if (_kept is not null)
        {
            // Decoded once for the chunk, outside the lock (the bytes are never changed, only replaced): the state read and
            // the write-back that follow for the same contacts take the histories from _loaded.
            List<byte[]> encoded;
            lock (snapshot)
                encoded = contactIds.Select(snapshot.Histories.Encoded).OfType<byte[]>().ToList();
            var histories = encoded.Select(SnapshotFormat.Decode).ToList();
            foreach (var history in histories)
                _loaded[history.Contact.Id] = history;
            return histories;
        }
        List<Guid> known;
        lock (snapshot)
            known = contactIds.Where(snapshot.Histories.ContainsKey).ToList();
        var own = await _dataverse!.LoadOwnRowsAsync(known, cancellationToken);
        var result = new List<CustomerHistory>(known.Count);
        foreach (var id in known)
        {
            var rows = own.GetValueOrDefault(id) ?? NoRows;
            Interlocked.Add(ref _rowsRead, rows.Recommendations.Count + rows.Alerts.Count);
            _readWithHistory[id] = rows;
            CustomerHistory history;
            lock (snapshot)
                history = snapshot.Histories[id];
            result.Add(history with { Recommendations = rows.Recommendations, Alerts = rows.Alerts });
        }
        return result;
    }

    public Task<IReadOnlyList<OfferRecord>> LoadOfferCatalogueAsync(CancellationToken cancellationToken) => org.LoadOfferCatalogueAsync(cancellationToken);

    public Task<IReadOnlyList<Guid>> ListContactIdsAsync(bool activeOnly, CancellationToken cancellationToken) => org.ListContactIdsAsync(activeOnly, cancellationToken);

    public Task<IReadOnlyList<CustomerListItem>> ListCustomersAsync(int top, CancellationToken cancellationToken) => org.ListCustomersAsync(top, cancellationToken);

    public async Task<IReadOnlyList<ContactState>> ReadContactStatesAsync(IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<Guid, OwnRows>(contactIds.Count);
        var unread = new List<Guid>();
        var states = new List<ContactState>(contactIds.Count);
        if (_kept is not null)
        {
            _offers ??= (await org.LoadOfferCatalogueAsync(cancellationToken)).ToDictionary(o => o.Id);
            // The chunk's scores under one lock, not one lock per contact (the chunks running at the same time share it).
            var stored = new ContactScores?[contactIds.Count];
            lock (snapshot)
            {
                for (var i = 0; i < contactIds.Count; i++)
                    stored[i] = snapshot.Scores.GetValueOrDefault(contactIds[i]);
            }
            for (var i = 0; i < contactIds.Count; i++)
            {
                var id = contactIds[i];
                var scores = stored[i];
                var h = scores is null ? null : _loaded.GetValueOrDefault(id) ?? Decoded(id);
                if (scores is not null && h is not null)
                    states.Add(ContactState.From(id, h.Contact.FullName, h.Contact.ProfilingOptOut, scores, new OwnRows(h.Recommendations, h.Alerts), _offers));
                else
                {
                    _loaded.TryRemove(id, out _);
                    unread.Add(id);
                }
            }
        }
        else
        {
            foreach (var id in contactIds)
            {
                if (_readWithHistory.TryRemove(id, out var own))
                    rows[id] = own;
                else
                    unread.Add(id);
            }
        }
        if (rows.Count > 0)
        {
            var fromRows = await _dataverse!.ReadContactStatesAsync(rows.Keys.ToList(), rows, cancellationToken);
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

    public Task<RecommendationRecord?> FindRecommendationAsync(Guid contactId, Guid offerOrRecommendationId, CancellationToken cancellationToken) =>
        org.FindRecommendationAsync(contactId, offerOrRecommendationId, cancellationToken);

    public Task<CustomerLink?> ReadCustomerOfRecordAsync(string table, Guid id, CancellationToken cancellationToken) =>
        org.ReadCustomerOfRecordAsync(table, id, cancellationToken);

    public async Task<int> ApplyAsync(IReadOnlyList<ChangeSet> changes, CancellationToken cancellationToken)
    {
        if (_kept is null)
            return await org.ApplyAsync(changes, cancellationToken);
        var writtenAt = DateTime.UtcNow;
        var writes = await _kept.ApplyAsync(changes, snapshot.NightId, writtenAt, cancellationToken);
        // The chunk is done with its decoded histories; the written contacts' are updated below.
        var loaded = new Dictionary<Guid, CustomerHistory>(changes.Count);
        foreach (var change in changes)
        {
            if (_loaded.TryRemove(change.ContactId, out var history))
                loaded[change.ContactId] = history;
        }
        using var writeBack = ServiceTelemetry.Source.StartActivity(ServiceTelemetry.Stages.WriteBack);
        // Score columns: an UPDATE of the changed columns is all a write does to them, so the snapshot takes them as the org
        // stores them without reading them back (a contact it holds no scores for is read back). Anyone else's change to
        // the contact is in the change log and re-read next night.
        var written = changes.Where(c => !c.IsEmpty).ToList();
        var unknown = new List<Guid>();
        lock (snapshot)
        {
            foreach (var change in written)
            {
                var before = snapshot.Scores.GetValueOrDefault(change.ContactId);
                if ((before is null ? null : LocalOrgStore.ScoresAfterWrite(before, change.ContactColumns)) is not { } after)
                    unknown.Add(change.ContactId);
                // A contact removed from the snapshot meanwhile stays removed.
                else if (snapshot.Histories.ContainsKey(change.ContactId))
                    snapshot.Scores[change.ContactId] = after;
            }
        }
        // Recommendations and alerts the same way: the write replayed over the rows the record holds gives what the org now
        // holds (LocalOrgWriter.OwnRowsAfterWrite: an upsert keeps an answered offer, values as stored). Most contacts whose
        // offers were written on a night after a quiet day have them re-ranked or re-valued; their record takes the new rows
        // behind its main part as it is (SnapshotFormat.WithOwnRows).
        var rowsWritten = written.Where(c => c.TouchesOwnRows).ToList();
        if (rowsWritten.Count == 0 && unknown.Count == 0)
            return writes;
        var scores = unknown.Count == 0 ? [] : _kept.ReadStoredScores(unknown);
        Interlocked.Add(ref _rowsRead, scores.Count);
        // The chunk's records under one lock, their new rows put in outside it, and the records and read-back scores stored
        // under one lock: the chunks running at the same time share it.
        var records = new List<(ChangeSet Change, byte[] Record)>(rowsWritten.Count);
        lock (snapshot)
        {
            foreach (var change in rowsWritten)
            {
                if (snapshot.Histories.Encoded(change.ContactId) is { } record)
                    records.Add((change, record));
            }
        }
        var updated = new List<(Guid Id, byte[] Record)>(records.Count);
        foreach (var (change, record) in records)
        {
            var history = loaded.GetValueOrDefault(change.ContactId) ?? SnapshotFormat.Decode(record);
            var rows = LocalOrgWriter.OwnRowsAfterWrite(new OwnRows(history.Recommendations, history.Alerts), change, writtenAt);
            // When the record already holds the contact's rows it is kept as it is.
            if (!history.Recommendations.SequenceEqual(rows.Recommendations) || !history.Alerts.SequenceEqual(rows.Alerts))
                updated.Add((change.ContactId, SnapshotFormat.WithOwnRows(record, rows.Recommendations, rows.Alerts)));
        }
        lock (snapshot)
        {
            // Chunks hold disjoint contacts, and the snapshot is not brought up to date while the night rescores: each record
            // is the one read above unless the contact was removed meanwhile, and then it stays removed.
            foreach (var (id, record) in updated)
            {
                if (snapshot.Histories.ContainsKey(id))
                    snapshot.Histories.SetEncoded(id, record);
            }
            foreach (var (id, _, _, stored) in scores)
            {
                if (snapshot.Histories.ContainsKey(id))
                    snapshot.Scores[id] = stored;
            }
        }
        return writes;
    }

    /// <summary>A contact's history decoded from the snapshot (null when it is not there).</summary>
    private CustomerHistory? Decoded(Guid contactId)
    {
        byte[]? encoded;
        lock (snapshot)
            encoded = snapshot.Histories.Encoded(contactId);
        return encoded is null ? null : SnapshotFormat.Decode(encoded);
    }

    // Erasure and retention act on the org itself; the snapshot picks up the removed rows with its next change capture.
    public Task<int> EraseContactAsync(Guid contactId, CancellationToken cancellationToken) => org.EraseContactAsync(contactId, cancellationToken);

    public Task<int> RemoveMessageDerivedDataAsync(DateTime createdBefore, CancellationToken cancellationToken) =>
        org.RemoveMessageDerivedDataAsync(createdBefore, cancellationToken);

    public Task<int> ApplyResponseAsync(ResponseUpdate response, CancellationToken cancellationToken) => org.ApplyResponseAsync(response, cancellationToken);
}
