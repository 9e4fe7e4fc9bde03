using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Functions.Benchmarks;
using RetentionInsights.Functions.Hosting;
using RetentionInsights.Functions.Nightly;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.Stores.LocalOrg;
using RetentionInsights.Functions.Tests.Support;
using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Functions.Tests.Nightly;

/// <summary>The nightly rescore from the feature snapshot against the full re-read it replaces.</summary>
[Collection(ServiceTests.Name)]
public sealed class FeatureSnapshotTests(ServiceFixture fixture)
{
    /// <summary>The offline analyzer, counting what it is asked to read.</summary>
    private sealed class CountingAnalyzer : ISentimentAnalyzer
    {
        private readonly OfflineSentimentAnalyzer _inner = new();
        public int Documents;

        public ValueTask<IReadOnlyList<SentimentResult>> AnalyzeAsync(IReadOnlyList<SentimentDocument> documents, CancellationToken cancellationToken = default)
        {
            Interlocked.Add(ref Documents, documents.Count);
            return _inner.AnalyzeAsync(documents, cancellationToken);
        }
    }

    private sealed record Setup(ServiceProvider Pipeline, LocalOrgStore Org, LocalOrgNightlyRescore Nightly, CountingAnalyzer Analyzer, string Db,
        LocalFolderSnapshotStore Snapshots) : IDisposable
    {
        public void Dispose() => Pipeline.Dispose();
    }

    private Setup Create()
    {
        var db = fixture.CopyOrg();
        var pipeline = ServiceRegistration.BuildPipeline(new Dictionary<string, string?>
        {
            ["Retention:LocalOrgPath"] = db,
            ["Retention:ModelsPath"] = fixture.ModelsPath,
            ["Retention:AsOf"] = "2026-11-01",
        });
        var org = pipeline.GetRequiredService<LocalOrgStore>();
        var analyzer = new CountingAnalyzer();
        var snapshots = new LocalFolderSnapshotStore(Path.Combine(fixture.Root, "snapshots-" + Guid.NewGuid().ToString("N")));
        return new Setup(pipeline, org, new LocalOrgNightlyRescore(org, snapshots, analyzer, pipeline, TimeProvider.System), analyzer, db, snapshots);
    }

    private static void AssertSameHistory(CustomerHistory expected, CustomerHistory actual)
    {
        Assert.Equal(expected.Contact, actual.Contact);
        Assert.Equal(expected.Orders, actual.Orders);
        // Lines come in the order of the query plan (a whole-table scan or a slice by contact); nothing reads their order.
        Assert.Equal(expected.OrderLines.OrderBy(l => l.Id), actual.OrderLines.OrderBy(l => l.Id));
        Assert.Equal(expected.Invoices, actual.Invoices);
        Assert.Equal(expected.Cases, actual.Cases);
        Assert.Equal(expected.CaseResolutions, actual.CaseResolutions);
        Assert.Equal(expected.Activities, actual.Activities);
        Assert.Equal(expected.Usage, actual.Usage);
        Assert.Equal(expected.Recommendations, actual.Recommendations);
        Assert.Equal(expected.Alerts, actual.Alerts);
    }

    /// <summary>A first night; then every contact's id and the state the org stores for it.</summary>
    private static async Task<(IReadOnlyList<Guid> Ids, Dictionary<Guid, ContactState> Stored)> AfterFirstNightAsync(Setup setup)
    {
        await setup.Nightly.RunAsync(rebuild: false, ServiceFixture.AsOf, CancellationToken.None);
        var ids = await setup.Org.ListContactIdsAsync(activeOnly: false, CancellationToken.None);
        return (ids, (await setup.Org.ReadContactStatesAsync(ids, CancellationToken.None)).ToDictionary(s => s.ContactId));
    }

    /// <summary>Every contact's stored state as the snapshot serves it is what the org holds.</summary>
    private static void AssertSnapshotHoldsWhatTheOrgHolds(IReadOnlyList<ContactState> stored, IReadOnlyDictionary<Guid, ContactState> fromSnapshot)
    {
        Assert.Equal(stored.Count, fromSnapshot.Count);
        foreach (var expected in stored)
        {
            var actual = fromSnapshot[expected.ContactId];
            Assert.Equal(expected.Scores, actual.Scores);
            Assert.Equal((expected.FullName, expected.ProfilingOptOut, expected.HasDerivedRows), (actual.FullName, actual.ProfilingOptOut, actual.HasDerivedRows));
            Assert.Equal(expected.Recommendations, actual.Recommendations);
            Assert.Equal(expected.OpenAlert, actual.OpenAlert);
            Assert.Equal(expected.OtherOpenAlerts, actual.OtherOpenAlerts);
            Assert.Equal(expected.ResolvedAlertIds, actual.ResolvedAlertIds);
        }
    }

    [Fact]
    public async Task SecondNight_AfterADayOfChangesWithDeletes_SnapshotPathScoresEveryContactExactlyAsTheFullPath()
    {
        using var setup = Create();
        var first = await setup.Nightly.RunAsync(rebuild: false, ServiceFixture.AsOf, CancellationToken.None);
        var day = SimulatedDay.Apply(setup.Db, ServiceFixture.AsOf, share: 0.05, seed: 7);
        var asOf = ServiceFixture.AsOf.AddDays(1);
        var analysedBefore = setup.Analyzer.Documents;

        var (snapshot, update) = await setup.Nightly.UpdateSnapshotAsync(rebuild: false, CancellationToken.None);

        Assert.Equal("full", first.Snapshot.Mode);
        Assert.Equal("delta", update.Mode);
        Assert.True(day.RowsDeleted > 0 && day.CasesCreated > 0 && day.MessagesCreated > 0 && day.ContractsCancelled > 0, $"the day changed too little: {day}");
        Assert.Equal(day.ContactsChanged, update.ContactsReread);
        // Only the day's new inbound messages were analysed; the rest came from the snapshot.
        Assert.Equal(day.MessagesCreated, setup.Analyzer.Documents - analysedBefore);
        Assert.True(update.RowsRead * 5 < first.Snapshot.RowsRead, $"delta read {update.RowsRead} rows, the full read {first.Snapshot.RowsRead}");

        var ids = await setup.Org.ListContactIdsAsync(activeOnly: false, CancellationToken.None);
        var full = (await setup.Org.LoadCustomersAsync(ids, CancellationToken.None)).ToDictionary(h => h.Contact.Id);
        var fromSnapshot = (await new SnapshotRetentionStore(setup.Org, snapshot).LoadCustomersAsync(ids, CancellationToken.None)).ToDictionary(h => h.Contact.Id);
        Assert.Equal(full.Count, fromSnapshot.Count);
        foreach (var (id, history) in full)
            AssertSameHistory(history, fromSnapshot[id]);

        var catalogue = await setup.Org.LoadOfferCatalogueAsync(CancellationToken.None);
        var fullScorer = setup.Pipeline.GetRequiredService<ICustomerScorer>();
        var snapshotSentiment = new SnapshotSentimentAnalyzer(snapshot, setup.Analyzer);
        var snapshotScorer = ActivatorUtilities.CreateInstance<EngineScorer>(setup.Pipeline, snapshotSentiment);
        var order = full.Keys.ToList();
        var expected = await fullScorer.ScoreAsync(order.Select(id => full[id]).ToList(), catalogue, asOf, asOf, CancellationToken.None);
        var actual = await snapshotScorer.ScoreAsync(order.Select(id => fromSnapshot[id]).ToList(), catalogue, asOf, asOf, CancellationToken.None);

        Assert.Equal(0, snapshotSentiment.Analysed);
        Assert.Contains(expected, o => o?.Status == RetentionInsights.Scoring.ScoreStatus.Scored);
        for (var i = 0; i < order.Count; i++)
        {
            Assert.Equal(expected[i]?.Scores, actual[i]?.Scores);
            Assert.Equal(expected[i]?.Offers, actual[i]?.Offers);
            Assert.Equal(expected[i]?.Alert, actual[i]?.Alert);
        }
    }

    [Fact]
    public async Task AgentAnswerAndAdminEditBetweenNights_AreReReadNextNight_WhileTheNightsOwnWritesAreNot()
    {
        using var setup = Create();
        var first = await setup.Nightly.RunAsync(rebuild: false, ServiceFixture.AsOf, CancellationToken.None);
        var ids = await setup.Org.ListContactIdsAsync(activeOnly: false, CancellationToken.None);
        var before = (await setup.Org.ReadContactStatesAsync(ids, CancellationToken.None)).ToDictionary(s => s.ContactId);
        // An agent accepts a proposed offer; an admin overwrites another contact's churn probability.
        var offered = before.Values.First(s => s.Recommendations.Any(r => r.Record.Status == Names.Choices.RecommendationProposed));
        var offer = offered.Recommendations.First(r => r.Record.Status == Names.Choices.RecommendationProposed).Record;
        await setup.Org.ApplyResponseAsync(new ResponseUpdate(offer.Id, Names.Choices.RecommendationAccepted, Names.Choices.ChannelPhone,
            new DateTime(2026, 11, 1, 15, 0, 0, DateTimeKind.Utc)), CancellationToken.None);
        var edited = before.Values.First(s => s.ContactId != offered.ContactId && s.Scores.ChurnProbability is not null).ContactId;
        using (var connection = setup.Org.OpenConnection())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "UPDATE contact SET rtn_churnprobability = 0.999 WHERE contactid = $id";
            command.Parameters.AddWithValue("$id", edited.ToString("D"));
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        var (snapshot, update) = await setup.Nightly.UpdateSnapshotAsync(rebuild: false, CancellationToken.None);
        var fromSnapshot = (await new SnapshotRetentionStore(setup.Org, snapshot).ReadContactStatesAsync(ids, CancellationToken.None)).ToDictionary(s => s.ContactId);
        var stored = await setup.Org.ReadContactStatesAsync(ids, CancellationToken.None);

        Assert.True(first.Writes > 1000, $"the first night wrote only {first.Writes} rows");
        // Only the two contacts others changed are re-read: the first night's own writes are in the snapshot already.
        Assert.Equal(2, update.ContactsReread);
        Assert.Contains(fromSnapshot[offered.ContactId].Recommendations, r => r.Record.Id == offer.Id && r.Record.Status == Names.Choices.RecommendationAccepted);
        Assert.Equal(0.999, fromSnapshot[edited].Scores.ChurnProbability);
        // Every contact's stored state served from the snapshot is what the org holds after the first night's writes.
        AssertSnapshotHoldsWhatTheOrgHolds(stored, fromSnapshot);
    }

    [Fact]
    public async Task NightAfterAQuietMonth_ScoreColumnsAloneWrittenForManyContacts_SnapshotHoldsWhatTheOrgHolds()
    {
        using var setup = Create();
        var (ids, before) = await AfterFirstNightAsync(setup);

        // Nobody's history changes; a month on, contracts are closer to their end and the scores move.
        var second = await setup.Nightly.RunAsync(rebuild: false, ServiceFixture.AsOf.AddDays(30), CancellationToken.None);
        // The night's writes are in the database itself, not left in the write-ahead log.
        var walBytes = new FileInfo(setup.Db + "-wal") is { Exists: true } wal ? wal.Length : 0;
        var stored = await setup.Org.ReadContactStatesAsync(ids, CancellationToken.None);
        var (snapshot, update) = await setup.Nightly.UpdateSnapshotAsync(rebuild: false, CancellationToken.None);
        var fromSnapshot = (await new SnapshotRetentionStore(setup.Org, snapshot).ReadContactStatesAsync(ids, CancellationToken.None)).ToDictionary(s => s.ContactId);

        var scoresAlone = stored.Count(s => !Equals(s.Scores, before[s.ContactId].Scores)
            && s.Recommendations.SequenceEqual(before[s.ContactId].Recommendations) && Equals(s.OpenAlert, before[s.ContactId].OpenAlert)
            && s.ResolvedAlertIds.SequenceEqual(before[s.ContactId].ResolvedAlertIds));
        Assert.Equal("delta", second.Snapshot.Mode);
        Assert.Equal(0, walBytes);
        Assert.True(scoresAlone > 100, $"only {scoresAlone} contacts had their score columns alone written");
        Assert.Equal(0, update.ContactsReread);
        AssertSnapshotHoldsWhatTheOrgHolds(stored, fromSnapshot);
    }

    /// <summary>A snapshot store whose save fails, as when the host stops after the rescore wrote and before the save.</summary>
    private sealed class SaveFails(ISnapshotStore inner) : ISnapshotStore
    {
        public Task<FeatureSnapshot?> LoadAsync(CancellationToken cancellationToken) => inner.LoadAsync(cancellationToken);
        public Task SaveAsync(FeatureSnapshot snapshot, CancellationToken cancellationToken) => throw new IOException("the host stopped");
        public Task<long> SizeAsync(CancellationToken cancellationToken) => inner.SizeAsync(cancellationToken);
    }

    [Fact]
    public async Task NightStoppedAfterWritingBeforeSaving_NextNightReReadsTheContactsItWrote()
    {
        using var setup = Create();
        var (ids, before) = await AfterFirstNightAsync(setup);
        var stopped = new LocalOrgNightlyRescore(setup.Org, new SaveFails(setup.Snapshots), setup.Analyzer, setup.Pipeline, TimeProvider.System);

        await Assert.ThrowsAsync<IOException>(() => stopped.RunAsync(rebuild: false, ServiceFixture.AsOf.AddDays(30), CancellationToken.None));
        var stored = await setup.Org.ReadContactStatesAsync(ids, CancellationToken.None);
        var (snapshot, update) = await setup.Nightly.UpdateSnapshotAsync(rebuild: false, CancellationToken.None);
        var fromSnapshot = (await new SnapshotRetentionStore(setup.Org, snapshot).ReadContactStatesAsync(ids, CancellationToken.None)).ToDictionary(s => s.ContactId);

        var written = stored.Count(s => !Equals(s.Scores, before[s.ContactId].Scores) || !s.Recommendations.SequenceEqual(before[s.ContactId].Recommendations)
            || !Equals(s.OpenAlert, before[s.ContactId].OpenAlert) || !s.ResolvedAlertIds.SequenceEqual(before[s.ContactId].ResolvedAlertIds));
        Assert.True(written > 100, $"the stopped night wrote for only {written} contacts");
        Assert.Equal(written, update.ContactsReread);
        AssertSnapshotHoldsWhatTheOrgHolds(stored, fromSnapshot);
    }

    [Fact]
    public async Task SnapshotNotBroughtUpToDate_DiffersFromTheFullPathForTheChangedContacts()
    {
        using var setup = Create();
        await setup.Nightly.RunAsync(rebuild: false, ServiceFixture.AsOf, CancellationToken.None);
        var (stale, _) = await setup.Nightly.UpdateSnapshotAsync(rebuild: false, CancellationToken.None);
        SimulatedDay.Apply(setup.Db, ServiceFixture.AsOf, share: 0.05, seed: 7);

        var ids = await setup.Org.ListContactIdsAsync(activeOnly: false, CancellationToken.None);
        var full = await setup.Org.LoadCustomersAsync(ids, CancellationToken.None);
        var fromStale = (await new SnapshotRetentionStore(setup.Org, stale).LoadCustomersAsync(ids, CancellationToken.None)).ToDictionary(h => h.Contact.Id);

        // What the comparison above guards against: without the deltas the snapshot's histories are yesterday's.
        Assert.Contains(full, h => h.Activities.Count != fromStale[h.Contact.Id].Activities.Count || h.Invoices.Count != fromStale[h.Contact.Id].Invoices.Count);
    }

    [Fact]
    public async Task FeatureSchemaChanged_SnapshotIsRebuiltInFull()
    {
        using var setup = Create();
        await setup.Nightly.RunAsync(rebuild: false, ServiceFixture.AsOf, CancellationToken.None);
        var (snapshot, _) = await setup.Nightly.UpdateSnapshotAsync(rebuild: false, CancellationToken.None);
        var older = new FeatureSnapshot { SchemaKey = FeatureSnapshot.SchemaKeyOf(["tenure_years"]), Watermark = snapshot.Watermark };

        var (_, update) = await new LocalOrgSnapshotUpdater(setup.Db, setup.Analyzer, TimeProvider.System).UpdateAsync(older, rebuild: false, CancellationToken.None);
        var (_, requested) = await new LocalOrgSnapshotUpdater(setup.Db, setup.Analyzer, TimeProvider.System).UpdateAsync(snapshot, rebuild: true, CancellationToken.None);

        Assert.Equal(("full", "feature schema changed"), (update.Mode, update.Reason));
        Assert.Equal(("full", "requested"), (requested.Mode, requested.Reason));
        Assert.Equal(snapshot.Histories.Count, update.ContactsReread);
    }

    [Fact]
    public async Task SnapshotFileOfAnOlderFormat_IsRebuiltInFull()
    {
        using var setup = Create();
        await setup.Nightly.RunAsync(rebuild: false, ServiceFixture.AsOf, CancellationToken.None);
        var (current, delta) = await setup.Nightly.UpdateSnapshotAsync(rebuild: false, CancellationToken.None);
        // A file as format 2 wrote it: the same header, then whole histories (no longer readable as this format's records).
        using (var file = File.Create(setup.Snapshots.FilePath))
        using (var brotli = new System.IO.Compression.BrotliStream(file, System.IO.Compression.CompressionLevel.Fastest))
        using (var w = new BinaryWriter(brotli))
        {
            w.Write("RTNSNAP");
            w.Write(2);
            w.Write(FeatureSnapshot.CurrentSchemaKey);
            w.Write(new byte[64]);
        }

        Assert.Equal("delta", delta.Mode);
        await AssertRebuiltInFullAsync(setup, current);
    }

    [Fact]
    public async Task SnapshotFileOfThePreviousRecordCodec_IsRebuiltInFull()
    {
        using var setup = Create();
        await setup.Nightly.RunAsync(rebuild: false, ServiceFixture.AsOf, CancellationToken.None);
        var (current, _) = await setup.Nightly.UpdateSnapshotAsync(rebuild: false, CancellationToken.None);
        // Format 3 had this header layout but Deflate-compressed records: the version after the magic says so.
        var bytes = File.ReadAllBytes(setup.Snapshots.FilePath);
        var version = 1 + "RTNSNAP".Length;
        Assert.Equal(FeatureSnapshot.FormatVersion, BitConverter.ToInt32(bytes, version));
        BitConverter.TryWriteBytes(bytes.AsSpan(version), 3);
        File.WriteAllBytes(setup.Snapshots.FilePath, bytes);

        await AssertRebuiltInFullAsync(setup, current);
    }

    /// <summary>The next update reads every contact again and the rebuilt snapshot holds them all.</summary>
    private static async Task AssertRebuiltInFullAsync(Setup setup, FeatureSnapshot current)
    {
        var (rebuilt, update) = await setup.Nightly.UpdateSnapshotAsync(rebuild: false, CancellationToken.None);
        Assert.Equal("full", update.Mode);
        Assert.Equal(current.Histories.Count, update.ContactsReread);
        Assert.Equal(current.Histories.Count, rebuilt.Histories.Count);
    }

    [Fact]
    public async Task DamagedRecord_IsReportedAsDamaged()
    {
        using var setup = Create();
        var (snapshot, _) = await setup.Nightly.UpdateSnapshotAsync(rebuild: true, CancellationToken.None);
        var history = snapshot.Histories.Values.MaxBy(h => h.Activities.Count + h.Invoices.Count)!;
        var record = SnapshotFormat.Encode(history);
        var truncated = record[..^1];
        var longer = record.ToArray();
        BitConverter.TryWriteBytes(longer.AsSpan(16), BitConverter.ToInt32(record, 16) + 1);

        var pastTheEnd = record.ToArray();
        BitConverter.TryWriteBytes(pastTheEnd.AsSpan(20), record.Length);

        AssertSameHistory(history, SnapshotFormat.Decode(record));
        Assert.Throws<InvalidDataException>(() => SnapshotFormat.Decode(truncated));
        Assert.Throws<InvalidDataException>(() => SnapshotFormat.Decode(longer));
        Assert.Throws<InvalidDataException>(() => SnapshotFormat.Decode(pastTheEnd));
        Assert.Throws<InvalidDataException>(() => SnapshotFormat.Decode(record[..10]));
    }

    [Fact]
    public async Task RecordWithNewOwnRows_DecodesToTheSameHistoryWithThoseRows_AndKeepsTheRestAsItWas()
    {
        using var setup = Create();
        await setup.Nightly.RunAsync(rebuild: false, ServiceFixture.AsOf, CancellationToken.None);
        var (snapshot, _) = await setup.Nightly.UpdateSnapshotAsync(rebuild: false, CancellationToken.None);
        var history = snapshot.Histories.Values.First(h => h.Recommendations.Count >= 2 && h.Activities.Count > 0);
        var record = SnapshotFormat.Encode(history);
        var first = history.Recommendations[0];
        var revalued = history.Recommendations.Skip(1).Prepend(first with { Rank = first.Rank + 1, ExpectedValue = 12.34m, Reason = "Nieuwe reden" }).ToList();
        var alert = new AlertRecord(Guid.NewGuid(), history.Contact.Id, Names.Choices.WarningOrange, "negative mail", -0.6,
            ServiceFixture.AsOf.AddDays(2), Names.Choices.AlertOpen, null, ServiceFixture.AsOf, null);

        var updated = SnapshotFormat.WithOwnRows(record, revalued, [alert]);
        var emptied = SnapshotFormat.WithOwnRows(updated, [], []);

        AssertSameHistory(history with { Recommendations = revalued, Alerts = [alert] }, SnapshotFormat.Decode(updated));
        AssertSameHistory(history with { Recommendations = [], Alerts = [] }, SnapshotFormat.Decode(emptied));
        // The main part (everything but the own rows) is carried over byte for byte, not encoded again.
        var mainEnd = 24 + BitConverter.ToInt32(record, 20);
        Assert.Equal(record[..mainEnd], updated[..mainEnd]);
        Assert.Equal(record[..mainEnd], emptied[..mainEnd]);
    }

    [Fact]
    public async Task Snapshot_WrittenAndReadBack_HoldsTheSameRecordsSentimentAndWatermark()
    {
        using var setup = Create();
        var (snapshot, _) = await setup.Nightly.UpdateSnapshotAsync(rebuild: true, CancellationToken.None);
        snapshot.DeltaLinks["incidents"] = "https://contoso.crm4.dynamics.com/api/data/v9.2/incidents?$deltatoken=919042%2108%2f22%2f2017";
        using var stream = new MemoryStream();

        SnapshotFormat.Write(snapshot, stream);
        stream.Position = 0;
        var back = SnapshotFormat.Read(stream)!;

        Assert.Equal(snapshot.SchemaKey, back.SchemaKey);
        Assert.Equal(snapshot.Watermark, back.Watermark);
        Assert.Equal(snapshot.DeltaLinks, back.DeltaLinks);
        Assert.Equal(snapshot.Sentiment.OrderBy(kv => kv.Key), back.Sentiment.OrderBy(kv => kv.Key));
        Assert.Equal(snapshot.Histories.Count, back.Histories.Count);
        foreach (var (id, history) in snapshot.Histories)
            AssertSameHistory(history, back.Histories[id]);
    }
}
