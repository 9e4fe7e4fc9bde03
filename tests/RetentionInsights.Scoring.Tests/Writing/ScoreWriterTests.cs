using Microsoft.Data.Sqlite;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Reading;
using RetentionInsights.Data.Writing;
using RetentionInsights.Scoring.Tests.Engine;
using RetentionInsights.Scoring.Tests.Support;

namespace RetentionInsights.Scoring.Tests.Writing;

[Collection(GeneratedOrgCollection.Name)]
public sealed class ScoreWriterTests(GeneratedOrgFixture fixture)
{
    private static readonly DateTime AsOf = GeneratedOrg.Until;

    private (SqliteConnection Connection, IReadOnlyList<ContactScoreWrite> Writes) FreshCopy()
    {
        var copy = Path.Combine(fixture.Org.Directory, "write-" + Guid.NewGuid().ToString("N") + ".db");
        using (var source = LocalOrgDatabase.OpenExisting(fixture.Org.DbPath, readOnly: true))
        using (var target = new SqliteConnection(LocalOrgDatabase.ConnectionString(copy)))
        {
            target.Open();
            source.BackupDatabase(target);
        }
        var scores = fixture.Engine.ScoreBatch(fixture.Org.Data.Histories, AsOf, fixture.Sentiment);
        var writes = scores.Select(s => new ContactScoreWrite(s.Scores, s.Offers.Select(o => new OfferRecommendationWrite(o.OfferId, o.OfferName, o.Rank, o.AcceptanceProbability, o.ExpectedValue, o.Reason, o.Channel)).ToArray())).ToArray();
        return (LocalOrgDatabase.OpenExisting(copy), writes);
    }

    private static long Count(SqliteConnection c, string sql) => LocalOrgDatabase.Count(c, sql);

    [Fact]
    public void Write_SameScoresTwice_SecondPassWritesNothing()
    {
        var (connection, writes) = FreshCopy();
        using (connection)
        {
            var writer = new ScoreWriter(connection, new WriteOptions { Now = AsOf, BatchSize = 700 });
            var first = writer.Write(writes);
            Assert.True(first.ContactsChanged > 4000);
            // The org already holds a few Proposed rows from before; the same offer staying in the top 3 is updated, not duplicated.
            Assert.Equal(writes.Sum(w => w.Offers.Count), first.RecommendationsInserted + first.RecommendationsUpdated + first.RecommendationsUnchanged);
            Assert.True(first.RecommendationsInserted > 0.9 * writes.Sum(w => w.Offers.Count));
            var second = writer.Write(writes);
            Assert.Equal(0, second.RowsWritten);
            Assert.Equal(writes.Count, second.ContactsUnchanged);
            Assert.Equal(writes.Sum(w => w.Offers.Count), second.RecommendationsUnchanged);
            Assert.Equal(first.RecommendationsInserted + first.RecommendationsUpdated, Count(connection, $"SELECT COUNT(*) FROM rtn_offerrecommendation WHERE rtn_status = {Names.Choices.RecommendationProposed} AND rtn_modelversion = '{fixture.Training.Metadata.Version}'"));
        }
    }

    [Fact]
    public void Write_ProbabilityChangedOfferDroppedOptedOut_UpdatesOnlyThoseRows()
    {
        var (connection, writes) = FreshCopy();
        using (connection)
        {
            var writer = new ScoreWriter(connection, new WriteOptions { Now = AsOf });
            writer.Write(writes);
            var changed = writes.First(w => w.Scores.ChurnProbability is not null && w.Offers.Count == 3);
            var optedOut = writes.First(w => w.Scores.ChurnProbability is not null && w.Offers.Count > 0 && w != changed);
            var newProbability = Math.Round(changed.Scores.ChurnProbability!.Value + 0.1, 4);
            var next = writes.Select(w =>
                w == changed ? w with { Scores = w.Scores with { ChurnProbability = newProbability }, Offers = w.Offers.Take(2).ToArray() }
                : w == optedOut ? new ContactScoreWrite(new RetentionInsights.Data.Records.ContactScores(w.Scores.ContactId, null, null, null, null, null, null, null, null, null, null, null), [])
                : w).ToArray();
            var counts = writer.Write(next);
            Assert.Equal(2, counts.ContactsChanged);
            Assert.Equal(1 + optedOut.Offers.Count, counts.RecommendationsExpired);
            Assert.Equal(0, counts.RecommendationsInserted);

            var id = StorageFormat.Guid(changed.Scores.ContactId);
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT rtn_churnprobability, rtn_previouschurnprobability FROM contact WHERE contactid = '{id}'";
            using (var r = command.ExecuteReader())
            {
                Assert.True(r.Read());
                Assert.Equal(newProbability, r.GetDouble(0), 6);
                Assert.Equal(changed.Scores.ChurnProbability!.Value, r.GetDouble(1), 6);
            }
            var cleared = StorageFormat.Guid(optedOut.Scores.ContactId);
            Assert.Equal(1, Count(connection, $"SELECT COUNT(*) FROM contact WHERE contactid = '{cleared}' AND rtn_churnprobability IS NULL AND rtn_clv36m IS NULL AND rtn_churnreasons IS NULL"));
            Assert.Equal(0, Count(connection, $"SELECT COUNT(*) FROM rtn_offerrecommendation WHERE rtn_contactid = '{cleared}' AND rtn_status = {Names.Choices.RecommendationProposed}"));
        }
    }

    [Fact]
    public void Write_EarlyWarningNotOwned_LeavesColumnAlone()
    {
        var (connection, writes) = FreshCopy();
        using (connection)
        {
            var id = StorageFormat.Guid(writes[0].Scores.ContactId);
            LocalOrgDatabase.Execute(connection, $"UPDATE contact SET rtn_earlywarninglevel = {Names.Choices.WarningOrange} WHERE contactid = '{id}'");
            new ScoreWriter(connection).Write(writes);
            Assert.Equal(1, Count(connection, $"SELECT COUNT(*) FROM contact WHERE contactid = '{id}' AND rtn_earlywarninglevel = {Names.Choices.WarningOrange}"));
        }
    }
}
