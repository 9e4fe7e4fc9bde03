using System.Diagnostics;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Reading;
using RetentionInsights.Data.Records;
using RetentionInsights.Functions.Stores.LocalOrg;
using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Functions.Nightly;

/// <summary>What bringing the snapshot up to date did.</summary>
public sealed record SnapshotUpdate(string Mode, string? Reason, long RowsRead, long ChangeEntries, int ContactsReread, int ContactsRemoved,
    int MessagesAnalysed, long Watermark, double Seconds)
{
    /// <summary>Web API requests the update made (Dataverse only).</summary>
    public long WebApiRequests { get; init; }
}

/// <summary>
/// Brings the feature snapshot up to date with the local org: a full read on the first run, when the feature schema changed
/// or on demand; otherwise only the contacts the change log names since the snapshot's watermark are re-read (with the same
/// reader as the full path, so a re-read contact is exactly what a full read gives, with its score columns), deleted ones
/// removed, and only new messages analysed. The night's own writes are in the log marked with its night id and skipped.
/// The change log is trimmed by <see cref="CommitAsync"/> once the snapshot is saved.
/// </summary>
public sealed class LocalOrgSnapshotUpdater(string orgPath, ISentimentAnalyzer analyzer, TimeProvider time)
{
    private const int MaxIdsPerQuery = 500;

    /// <summary>Messages analysed at a time during a full read (enough batches to keep every core busy, few enough to hold).</summary>
    private const int AnalysisRound = 20_000;
    private static readonly LocalOrgReader Reader = new();

    public async Task<(FeatureSnapshot Snapshot, SnapshotUpdate Update)> UpdateAsync(FeatureSnapshot? stored, bool rebuild, CancellationToken cancellationToken)
    {
        var reason = rebuild ? "requested" : stored is null ? "no snapshot" : stored.SchemaKey != FeatureSnapshot.CurrentSchemaKey ? "feature schema changed" : null;
        var clock = Stopwatch.StartNew();
        using var connection = LocalOrgDatabase.OpenExisting(orgPath);
        if (reason is not null)
        {
            // Tracking starts before the read: a change made while the read runs is in the log after the watermark and
            // is simply applied again next time (a re-read is idempotent).
            LocalOrgChangeLog.Install(connection);
            var head = LocalOrgChangeLog.Head(connection);
            var snapshot = new FeatureSnapshot
            {
                Watermark = head, BuiltOn = time.GetUtcNow().UtcDateTime, UpdatedOn = time.GetUtcNow().UtcDateTime, OwnRowsKept = true,
            };
            // Each history is encoded as soon as it is built; its inbound messages wait for the next round of analysis.
            var (histories, report) = Reader.ReadAllOneByOne(connection);
            var inbound = new List<ActivityRecord>();
            var analysed = 0;
            foreach (var history in histories)
            {
                snapshot.Histories[history.Contact.Id] = history;
                inbound.AddRange(snapshot.Unanalysed(history.Activities));
                if (inbound.Count < AnalysisRound)
                    continue;
                analysed += await snapshot.AnalyseAsync(analyzer, inbound, cancellationToken);
                inbound.Clear();
            }
            analysed += await snapshot.AnalyseAsync(analyzer, inbound, cancellationToken);
            var scores = LocalOrgStore.ReadScores(connection, null);
            foreach (var (id, _, _, contactScores) in scores)
                snapshot.Scores[id] = contactScores;
            return (snapshot, new SnapshotUpdate("full", reason, report.TotalRows + scores.Count, 0, snapshot.Histories.Count, 0, analysed, head,
                clock.Elapsed.TotalSeconds));
        }

        var current = stored!;
        var upTo = LocalOrgChangeLog.Head(connection);
        var (contacts, entries) = LocalOrgChangeLog.ContactsChanged(connection, current.Watermark, upTo, current.NightId);
        long rows = entries;
        var removed = 0;
        var messages = new List<ActivityRecord>();
        foreach (var slice in contacts.Chunk(MaxIdsPerQuery))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var histories = Reader.ReadCustomers(connection, slice).ToDictionary(h => h.Contact.Id);
            var scores = LocalOrgStore.ReadScores(connection, slice).ToDictionary(s => s.Id, s => s.Scores);
            foreach (var id in slice)
            {
                var history = histories.GetValueOrDefault(id);
                if (history is null && current.Histories.ContainsKey(id))
                    removed++;
                rows += history is null ? 0 : Rows(history) + 1;
                current.Replace(id, history, scores.GetValueOrDefault(id));
                messages.AddRange(history?.Activities ?? []);
            }
        }
        var analysedNew = await current.AnalyseAsync(analyzer, messages, cancellationToken);
        current.Watermark = upTo;
        current.UpdatedOn = time.GetUtcNow().UtcDateTime;
        return (current, new SnapshotUpdate("delta", null, rows, entries, contacts.Count, removed, analysedNew, upTo, clock.Elapsed.TotalSeconds));
    }

    /// <summary>After the snapshot is saved: the log entries it has applied are no longer needed.</summary>
    public Task CommitAsync(FeatureSnapshot snapshot, CancellationToken cancellationToken)
    {
        using var connection = LocalOrgDatabase.OpenExisting(orgPath);
        LocalOrgChangeLog.Trim(connection, snapshot.Watermark);
        return Task.CompletedTask;
    }

    /// <summary>Rows a history was read from (recommendations and alerts included: the reader reads them too).</summary>
    public static long Rows(CustomerHistory h) => 1L + h.Orders.Count + h.OrderLines.Count + h.Invoices.Count + h.Cases.Count + h.CaseResolutions.Count
        + h.Activities.Count + h.Usage.Count + h.Recommendations.Count + h.Alerts.Count;
}
