using System.Diagnostics;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Reading;
using RetentionInsights.Functions.Hosting;
using RetentionInsights.Functions.Nightly;
using RetentionInsights.Functions.Stores.LocalOrg;
using RetentionInsights.Functions.Telemetry;
using RetentionInsights.Scoring.Sentiment;
using Microsoft.Extensions.DependencyInjection;

namespace RetentionInsights.Functions.Benchmarks;

/// <summary>One night of the nightly benchmark, as printed.</summary>
public sealed record NightMeasurement(
    string Mode,
    double WallSeconds,
    double SnapshotUpdateSeconds,
    IReadOnlyDictionary<string, double> SnapshotUpdateStageSeconds,
    GcActivity SnapshotUpdateGc,
    double SnapshotSaveSeconds,
    double RescoreSeconds,
    double RescoreCpuSeconds,
    IReadOnlyDictionary<string, double> RescoreStageSeconds,
    GcActivity RescoreGc,
    long SourceRowsRead,
    long StateRowsRead,
    long RowsRead,
    long ChangeLogEntries,
    int ContactsReread,
    long MessagesAnalysed,
    int Contacts,
    int Scored,
    long RowsWritten,
    long SnapshotBytes,
    double RowsReadShareOfFullRead,
    double WallSecondsPerReadFloor,
    long PeakWorkingSetBytes,
    long GcHeapBytesAfter);

public sealed record NightlyBenchmarkResult(
    int Contacts,
    double ChangedShare,
    long SourceRows,
    double ReadFloorSeconds,
    double CursorReadFloorSeconds,
    DayOfChanges Day,
    NightMeasurement FirstNight,
    NightMeasurement SecondNight,
    int Cores);

/// <summary>
/// <c>rtn bench nightly</c>: a full first night (snapshot rebuilt from a full read, everyone rescored and written), a simulated
/// day of changes for a share of the contacts, then the second night (deltas applied, everyone rescored from the snapshot).
/// Every figure is measured in this process, next to the read floor (reading every source row without building records).
/// The rescore is broken down by stage (decode, state, sentiment, features, churn model, offers, alerts, write check, write,
/// write-back), each the sum of its spans over the chunks that run at the same time.
/// </summary>
public static class NightlyBenchmark
{
    public static async Task<NightlyBenchmarkResult> RunAsync(string dbPath, string modelsPath, double changedShare, int seed, IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        long sourceRows;
        double floorSeconds, cursorFloorSeconds;
        using (var connection = LocalOrgDatabase.OpenExisting(dbPath, readOnly: true))
        {
            (sourceRows, floorSeconds) = LocalOrgReader.Scan(connection);
            (_, cursorFloorSeconds) = LocalOrgReader.CursorScan(connection);
        }
        progress?.Report($"read floor: {sourceRows:N0} rows in {floorSeconds:0.0} s ({cursorFloorSeconds:0.0} s through the cursor)");

        DateTime asOf;
        using (var org = new LocalOrgStore(dbPath))
            asOf = org.GeneratedUntil ?? DateTime.UtcNow.Date;
        await using var pipeline = ServiceRegistration.BuildPipeline(new Dictionary<string, string?>
        {
            ["Retention:LocalOrgPath"] = dbPath,
            ["Retention:ModelsPath"] = modelsPath,
            ["Retention:AsOf"] = asOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        });
        var nightly = new LocalOrgNightlyRescore(pipeline.GetRequiredService<LocalOrgStore>(), new LocalFolderSnapshotStore(modelsPath),
            pipeline.GetRequiredService<ISentimentAnalyzer>(), pipeline, TimeProvider.System);

        using var stages = new StageClock();
        progress?.Report("first night (full read, snapshot rebuilt)");
        stages.Start();
        var first = await nightly.RunAsync(rebuild: true, asOf, cancellationToken);
        var firstNight = Measure(first, stages, sourceRows, floorSeconds, first.RowsRead);
        first = null;
        GC.Collect();

        progress?.Report($"simulating a day of changes for {changedShare:P1} of the contacts");
        var day = SimulatedDay.Apply(dbPath, asOf, changedShare, seed);

        progress?.Report("second night (deltas, rescore from the snapshot)");
        stages.Start();
        var second = await nightly.RunAsync(rebuild: false, asOf.AddDays(1), cancellationToken);
        var secondNight = Measure(second, stages, sourceRows, floorSeconds, firstNight.RowsRead);
        return new NightlyBenchmarkResult(second.Contacts, changedShare, sourceRows, Math.Round(floorSeconds, 3), Math.Round(cursorFloorSeconds, 3), day, firstNight, secondNight, Environment.ProcessorCount);
    }

    private static NightMeasurement Measure(NightReport night, StageClock stages, long sourceRows, double floorSeconds, long fullReadRows)
    {
        using var process = Process.GetCurrentProcess();
        stages.Stop(1);
        return new NightMeasurement(night.Snapshot.Mode, Math.Round(night.Seconds, 3), Math.Round(night.Snapshot.Seconds, 3), night.Snapshot.StageSeconds, night.SnapshotGc, Math.Round(night.SaveSeconds, 3),
            Math.Round(night.RescoreSeconds, 3), Math.Round(night.RescoreCpuSeconds, 3), stages.SecondsOf(ServiceTelemetry.Stages.Rescore), night.RescoreGc, night.Snapshot.RowsRead, night.StateRowsRead, night.RowsRead, night.Snapshot.ChangeEntries,
            night.Snapshot.ContactsReread, night.MessagesAnalysed, night.Contacts, night.Scored, night.Writes, night.SnapshotBytes,
            Math.Round(night.RowsRead / (double)Math.Max(1, fullReadRows), 4), Math.Round(night.Seconds / Math.Max(1e-9, floorSeconds), 3),
            process.PeakWorkingSet64, GC.GetTotalMemory(forceFullCollection: false));
    }
}
