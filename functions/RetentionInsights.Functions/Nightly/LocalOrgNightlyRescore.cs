using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RetentionInsights.Functions.Configuration;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Scoring.EarlyWarning;
using RetentionInsights.Functions.Stores.LocalOrg;
using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Functions.Nightly;

/// <summary>What one night did: the snapshot update, then the rescore of every contact from the snapshot.</summary>
public sealed record NightReport(
    SnapshotUpdate Snapshot,
    GcActivity SnapshotGc,
    int Contacts,
    int Scored,
    int Writes,
    long StateRowsRead,
    long MessagesAnalysed,
    double RescoreSeconds,
    double RescoreCpuSeconds,
    GcActivity RescoreGc,
    double SaveSeconds,
    long SnapshotBytes,
    double Seconds,
    IReadOnlyList<RescoreResult> Results)
{
    /// <summary>Every row read from the org this night: source rows for the snapshot plus the write check's state rows.</summary>
    public long RowsRead => Snapshot.RowsRead + StateRowsRead;
}

/// <summary>What the garbage collector did during a stretch of work: collections per generation, time paused, bytes allocated.</summary>
public sealed record GcActivity(int Gen0, int Gen1, int Gen2, double PauseSeconds, long AllocatedBytes)
{
    public static GcActivity Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
        GC.GetTotalPauseDuration().TotalSeconds, GC.GetTotalAllocatedBytes());

    public GcActivity Since(GcActivity start) => new(Gen0 - start.Gen0, Gen1 - start.Gen1, Gen2 - start.Gen2,
        Math.Round(PauseSeconds - start.PauseSeconds, 3), AllocatedBytes - start.AllocatedBytes);
}

/// <summary>
/// The nightly rescore on the local org: bring the feature snapshot up to date (full read the first time, after a feature
/// schema change or when asked; otherwise the change log's deltas), run the one scoring pipeline over every contact with
/// histories, stored state and sentiment served from the snapshot, then save it. Time-dependent features are rebuilt at
/// score time from the records, so a rescore every night is right even when nothing changed.
/// </summary>
public sealed class LocalOrgNightlyRescore(LocalOrgStore org, ISnapshotStore snapshots, ISentimentAnalyzer analyzer, IServiceProvider services, TimeProvider time)
{
    public async Task<NightReport> RunAsync(bool rebuild, DateTime? asOf, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var gcBeforeUpdate = GcActivity.Now();
        var (snapshot, update) = await UpdateSnapshotAsync(rebuild, cancellationToken, asOf);
        var snapshotGc = GcActivity.Now().Since(gcBeforeUpdate);

        // The snapshot takes in what this night writes, so it is saved after the rescore; the writes are marked with a new
        // night id, which only a saved snapshot carries (a night that fails before saving has its writes re-read next time).
        var rescoreClock = Stopwatch.StartNew();
        var cpuAtStart = CpuTime();
        var gcAtStart = GcActivity.Now();
        snapshot.NightId = Guid.NewGuid();
        var store = new SnapshotRetentionStore(org, snapshot);
        var sentiment = new SnapshotSentimentAnalyzer(snapshot, analyzer);
        var scorer = ActivatorUtilities.CreateInstance<EngineScorer>(services, sentiment);
        var rescorer = ActivatorUtilities.CreateInstance<CustomerRescorer>(services, store, scorer);
        var results = await rescorer.RescoreAllAsync(asOf, null, cancellationToken, keepOutcomes: false);
        var rescoreSeconds = rescoreClock.Elapsed.TotalSeconds;
        var rescoreCpuSeconds = (CpuTime() - cpuAtStart).TotalSeconds;
        var rescoreGc = GcActivity.Now().Since(gcAtStart);

        var saveClock = Stopwatch.StartNew();
        var updater = new LocalOrgSnapshotUpdater(org.Path, analyzer, time);
        // Started first: a local save writes before its first await.
        var copying = updater.CopyLogIntoDatabaseAsync(cancellationToken);
        await Task.WhenAll(snapshots.SaveAsync(snapshot, cancellationToken), copying);
        await updater.CommitAsync(snapshot, cancellationToken);
        var saveSeconds = saveClock.Elapsed.TotalSeconds;
        return new NightReport(update, snapshotGc, results.Count, results.Count(r => r.Scored), results.Sum(r => r.Writes), store.RowsRead,
            update.MessagesAnalysed + sentiment.Analysed, rescoreSeconds, rescoreCpuSeconds, rescoreGc, saveSeconds,
            await snapshots.SizeAsync(cancellationToken), clock.Elapsed.TotalSeconds, results);
    }

    /// <summary>The process's CPU time (all threads): with the wall time it shows whether the rescore kept the cores busy.</summary>
    private static TimeSpan CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>Loads the stored snapshot and applies the deltas (or rebuilds it); not yet saved. The load's time is the
    /// update's "load" stage.</summary>
    public async Task<(FeatureSnapshot Snapshot, SnapshotUpdate Update)> UpdateSnapshotAsync(bool rebuild, CancellationToken cancellationToken,
        DateTime? asOf = null)
    {
        // Only messages that scores as of the night's date can read are analysed up front; the rescore asks for no others
        // (a score as of an earlier date has the older ones it needs analysed when it asks, and kept).
        var scoringAsOf = asOf ?? services.GetRequiredService<IOptions<ServiceOptions>>().Value.AsOf ?? time.GetUtcNow().UtcDateTime;
        var analyseFrom = EngineScorer.SentimentSince(scoringAsOf, services.GetService<EarlyWarningEvaluator>()?.Options);
        var loading = Stopwatch.StartNew();
        var stored = rebuild ? null : await snapshots.LoadAsync(cancellationToken);
        var loadSeconds = loading.Elapsed.TotalSeconds;
        var (snapshot, update) = await new LocalOrgSnapshotUpdater(org.Path, analyzer, time).UpdateAsync(stored, rebuild, cancellationToken, analyseFrom);
        return (snapshot, update with
        {
            Seconds = update.Seconds + loadSeconds,
            StageSeconds = new Dictionary<string, double>(update.StageSeconds) { ["load"] = Math.Round(loadSeconds, 3) },
        });
    }
}
