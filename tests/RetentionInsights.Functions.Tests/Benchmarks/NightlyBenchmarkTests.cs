using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Reading;
using RetentionInsights.Functions.Benchmarks;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Benchmarks;

/// <summary>`rtn bench nightly` end to end on a small org: what it prints is what the nights did.</summary>
[Collection(ServiceTests.Name)]
public sealed class NightlyBenchmarkTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Run_SmallOrg_FirstNightReadsEverything_SecondNightOnlyTheChangedContacts_NextToBothFloors()
    {
        var db = fixture.CopyOrg();
        // The benchmark keeps its snapshot beside the models: a copy keeps the shared champion's folder as it is.
        var models = fixture.CopyModels();

        var result = await NightlyBenchmark.RunAsync(db, models, changedShare: 0.05, seed: 7, progress: null, CancellationToken.None);

        Assert.Equal(ServiceFixture.Contacts, result.Contacts);
        Assert.True(result.ReadFloorSeconds > 0 && result.CursorReadFloorSeconds > 0);
        var (first, second) = (result.FirstNight, result.SecondNight);
        Assert.Equal(("full", "delta"), (first.Mode, second.Mode));
        // Every source row the floor scans, plus each contact's score columns; the offer catalogue is scanned too but read
        // apart from the contacts' rows.
        int offers;
        using (var connection = LocalOrgDatabase.OpenExisting(db, readOnly: true))
            offers = new LocalOrgReader().ReadOffers(connection).Count;
        Assert.Equal(result.SourceRows + ServiceFixture.Contacts - offers, first.SourceRowsRead);
        Assert.Equal(1, first.RowsReadShareOfFullRead);
        Assert.Equal(ServiceFixture.Contacts, first.ContactsReread);
        Assert.True(first.SnapshotUpdateGc.AllocatedBytes > 0);
        Assert.True(first.RowsWritten > 0 && first.SnapshotBytes > 0);

        // A day touched 5 % of the contacts: the second night re-reads those and analyses only the day's new messages,
        // yet rescores everyone.
        Assert.True(result.Day.ContactsChanged > 0);
        Assert.Equal(result.Day.ContactsChanged, second.ContactsReread);
        Assert.Equal(result.Day.RowsWritten, second.ChangeLogEntries);
        Assert.InRange(second.RowsReadShareOfFullRead, 0.0001, 0.25);
        Assert.InRange(second.MessagesAnalysed, 0, result.Day.MessagesCreated);
        Assert.True(first.MessagesAnalysed > result.Day.MessagesCreated);
        Assert.Equal(first.Contacts, second.Contacts);
        Assert.Equal(second.WallSeconds / result.ReadFloorSeconds, second.WallSecondsPerReadFloor, 0.01);
    }
}
