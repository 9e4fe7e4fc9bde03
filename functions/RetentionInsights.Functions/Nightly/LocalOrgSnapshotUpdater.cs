using System.Diagnostics;
using Microsoft.Data.Sqlite;
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

    /// <summary>Where the time went (local org): "read" (rows into memory), "build" (histories built and encoded, full read),
    /// "analyse" (sentiment of new messages), "scores" (score columns, full read), "changes" (the change log, delta).</summary>
    public IReadOnlyDictionary<string, double> StageSeconds { get; init; } = new Dictionary<string, double>();
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

    /// <summary>Histories built and encoded at a time during a full read.</summary>
    private const int BuildBlock = 2_000;

    /// <summary>A background full garbage collection every this many blocks of a full read (every 100,000 contacts).</summary>
    private const int CollectEveryBlocks = 50;
    private static readonly LocalOrgReader Reader = new();

    /// <param name="analyseFrom">Messages older than this are not analysed up front (the night's scores cannot depend on them;
    /// a score that does gets them analysed when it asks). Null analyses every new message.</param>
    public async Task<(FeatureSnapshot Snapshot, SnapshotUpdate Update)> UpdateAsync(FeatureSnapshot? stored, bool rebuild, CancellationToken cancellationToken,
        DateTime? analyseFrom = null)
    {
        var reason = rebuild ? "requested" : stored is null ? "no snapshot" : stored.SchemaKey != FeatureSnapshot.CurrentSchemaKey ? "feature schema changed" : null;
        var clock = Stopwatch.StartNew();
        using var connection = LocalOrgDatabase.OpenExisting(orgPath);
        // Every night brings change tracking up to date first. On a full read tracking so starts before the read: a change
        // made while the read runs is in the log after the watermark and is simply applied again next time (a re-read is
        // idempotent).
        LocalOrgChangeLog.Install(connection);
        if (reason is not null)
        {
            var head = LocalOrgChangeLog.Head(connection);
            var snapshot = new FeatureSnapshot
            {
                Watermark = head, BuiltOn = time.GetUtcNow().UtcDateTime, UpdatedOn = time.GetUtcNow().UtcDateTime, OwnRowsKept = true,
            };
            // Histories are built and encoded a block at a time on every core, and let go once encoded; their inbound messages
            // wait for the next round of analysis. Each record depends on its own history only, and they are added in the
            // reader's order, so the snapshot is the same whatever the number of cores.
            var stage = Stopwatch.StartNew();
            var (blocks, report) = Reader.ReadAllInBlocks(connection, BuildBlock);
            var fullReadSeconds = stage.Elapsed.TotalSeconds;
            var analyseSeconds = 0.0;
            var inbound = new List<ActivityRecord>();
            var analysed = 0;
            var encoded = new byte[BuildBlock][];
            var blocksDone = 0;
            foreach (var block in blocks)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // The rows of the contacts encoded so far are garbage in the oldest generation, which the collector visits
                // rarely, while the records take their place: without a full collection now and then the process holds
                // both (at 400,000 contacts the peak varied between 4.7 and 6.3 GB from run to run). A background one
                // frees them while the blocks go on being built; a blocking one stopped both cores for seconds each time.
                if (++blocksDone % CollectEveryBlocks == 0)
                    GC.Collect(2, GCCollectionMode.Forced, blocking: false);
                Parallel.For(0, block.Length, i => encoded[i] = SnapshotFormat.Encode(block[i]));
                for (var i = 0; i < block.Length; i++)
                {
                    snapshot.Histories.SetEncoded(block[i].Contact.Id, encoded[i]);
                    inbound.AddRange(snapshot.Unanalysed(block[i].Activities, analyseFrom));
                }
                if (inbound.Count < AnalysisRound)
                    continue;
                var analysing = Stopwatch.StartNew();
                analysed += await snapshot.AnalyseAsync(analyzer, inbound, cancellationToken, analyseFrom);
                analyseSeconds += analysing.Elapsed.TotalSeconds;
                inbound.Clear();
            }
            var lastRound = Stopwatch.StartNew();
            analysed += await snapshot.AnalyseAsync(analyzer, inbound, cancellationToken, analyseFrom);
            analyseSeconds += lastRound.Elapsed.TotalSeconds;
            var buildSeconds = stage.Elapsed.TotalSeconds - fullReadSeconds - analyseSeconds;
            stage.Restart();
            var scores = LocalOrgStore.ReadScores(connection, null);
            foreach (var (id, _, _, contactScores) in scores)
                snapshot.Scores[id] = contactScores;
            return (snapshot, new SnapshotUpdate("full", reason, report.TotalRows + scores.Count, 0, snapshot.Histories.Count, 0, analysed, head,
                clock.Elapsed.TotalSeconds)
            {
                StageSeconds = Stages(("read", fullReadSeconds), ("build", buildSeconds), ("analyse", analyseSeconds), ("scores", stage.Elapsed.TotalSeconds)),
            });
        }

        var current = stored!;
        var upTo = LocalOrgChangeLog.Head(connection);
        var (contacts, entries) = LocalOrgChangeLog.ContactsChanged(connection, current.Watermark, upTo, current.NightId);
        var changesSeconds = clock.Elapsed.TotalSeconds;
        long rows = entries;
        var removed = 0;
        var messages = new List<ActivityRecord>();
        // Slices of contacts are read a round at a time, one slice per core, each on its own connection (SQLite readers do
        // not wait for each other), and applied in order; a round holds at most one slice per core in memory. The
        // connections are opened once for the whole re-read, the update's own being the first.
        var slices = contacts.Chunk(MaxIdsPerQuery).ToList();
        var readers = new SqliteConnection[Math.Clamp(slices.Count, 1, Environment.ProcessorCount)];
        readers[0] = connection;
        try
        {
            for (var i = 1; i < readers.Length; i++)
                readers[i] = LocalOrgDatabase.OpenExisting(orgPath);
            for (var start = 0; start < slices.Count; start += readers.Length)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var read = new (Dictionary<Guid, CustomerHistory> Histories, Dictionary<Guid, ContactScores> Scores)[Math.Min(readers.Length, slices.Count - start)];
                Parallel.For(0, read.Length, k =>
                {
                    var slice = slices[start + k];
                    read[k] = (Reader.ReadCustomers(readers[k], slice).ToDictionary(h => h.Contact.Id),
                        LocalOrgStore.ReadScores(readers[k], slice).ToDictionary(s => s.Id, s => s.Scores));
                });
                for (var k = 0; k < read.Length; k++)
                {
                    var (histories, scores) = read[k];
                    foreach (var id in slices[start + k])
                    {
                        var history = histories.GetValueOrDefault(id);
                        if (history is null && current.Histories.ContainsKey(id))
                            removed++;
                        rows += history is null ? 0 : Rows(history) + 1;
                        current.Replace(id, history, scores.GetValueOrDefault(id));
                        messages.AddRange(history?.Activities ?? []);
                    }
                }
            }
        }
        finally
        {
            foreach (var reader in readers.Skip(1))
                reader?.Dispose();
        }
        var readSeconds = clock.Elapsed.TotalSeconds;
        var analysedNew = await current.AnalyseAsync(analyzer, messages, cancellationToken, analyseFrom);
        current.Watermark = upTo;
        current.UpdatedOn = time.GetUtcNow().UtcDateTime;
        return (current, new SnapshotUpdate("delta", null, rows, entries, contacts.Count, removed, analysedNew, upTo, clock.Elapsed.TotalSeconds)
        {
            StageSeconds = Stages(("changes", changesSeconds), ("read", readSeconds - changesSeconds), ("analyse", clock.Elapsed.TotalSeconds - readSeconds)),
        });
    }

    /// <summary>
    /// While the snapshot is saved: the night's writes went to SQLite's write-ahead log, which cannot start over while the
    /// night's readers overlap its writers, so it grows by every page the night wrote (about 5 GB on a first night at 400,000
    /// contacts). Its pages are copied into the database here, beside the save (another file, the other core), without
    /// waiting for anyone: a page a reader of the service still needs is left for <see cref="CommitAsync"/>.
    /// </summary>
    public Task CopyLogIntoDatabaseAsync(CancellationToken cancellationToken) => Task.Run(() =>
    {
        using var connection = LocalOrgDatabase.OpenExisting(orgPath);
        LocalOrgDatabase.Execute(connection, "PRAGMA wal_checkpoint(PASSIVE)");
    }, cancellationToken);

    /// <summary>After the snapshot is saved: the log entries it has applied, and those of its night's own writes, are no
    /// longer needed. The write-ahead log is then emptied (what <see cref="CopyLogIntoDatabaseAsync"/> left and the trim);
    /// when a reader of the service is busy it is left for next time.</summary>
    public Task CommitAsync(FeatureSnapshot snapshot, CancellationToken cancellationToken)
    {
        using var connection = LocalOrgDatabase.OpenExisting(orgPath);
        LocalOrgChangeLog.Trim(connection, snapshot.Watermark, snapshot.NightId);
        LocalOrgDatabase.Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
        return Task.CompletedTask;
    }

    private static Dictionary<string, double> Stages(params (string Name, double Seconds)[] stages) =>
        stages.ToDictionary(s => s.Name, s => Math.Round(s.Seconds, 3));

    /// <summary>Rows a history was read from (recommendations and alerts included: the reader reads them too).</summary>
    public static long Rows(CustomerHistory h) => 1L + h.Orders.Count + h.OrderLines.Count + h.Invoices.Count + h.Cases.Count + h.CaseResolutions.Count
        + h.Activities.Count + h.Usage.Count + h.Recommendations.Count + h.Alerts.Count;
}
