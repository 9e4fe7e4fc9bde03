using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Functions.Nightly;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Nightly;

/// <summary>The local org's change log: what is logged, and how the nightly run's own writes are kept out of it.</summary>
[Collection(ServiceTests.Name)]
public sealed class LocalOrgChangeLogTests(ServiceFixture fixture)
{
    private static long Entries(string db) => OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM rtn_changelog");

    [Fact]
    public void Install_OnAnOrgWithTheEarlierTriggers_ReplacesThemAndLogsEachChangeOnce()
    {
        var db = fixture.CopyOrg();
        var contact = DataProducer.ActiveContactWithCases(db);
        // The earlier form: a trigger per table and operation named rtn_track_*, logging without the quiet check.
        OrgSql.Execute(db, "CREATE TABLE IF NOT EXISTS rtn_changelog (seq INTEGER PRIMARY KEY AUTOINCREMENT, tablename TEXT NOT NULL, contactid TEXT, operation TEXT NOT NULL)");
        OrgSql.Execute(db, "CREATE TRIGGER rtn_track_incident_update AFTER UPDATE ON incident BEGIN INSERT INTO rtn_changelog (tablename, contactid, operation) VALUES ('incident', NEW.customerid, 'update'); END");

        using (var connection = LocalOrgDatabase.OpenExisting(db))
        {
            LocalOrgChangeLog.Install(connection);
            LocalOrgChangeLog.Install(connection);
        }
        var before = OrgSql.Scalar<long>(db, "SELECT COALESCE(MAX(seq), 0) FROM rtn_changelog");
        OrgSql.Execute(db, "UPDATE incident SET title = 'Meter reading disputed' WHERE customerid = $c", ("$c", contact.ToString("D")));
        var cases = OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM incident WHERE customerid = $c", ("$c", contact.ToString("D")));

        Assert.Empty(OrgSql.Column(db, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rtn_track_%'"));
        Assert.Contains("rtn_log_incident_update", OrgSql.Column(db, "SELECT name FROM sqlite_master WHERE type = 'trigger'"));
        Assert.True(cases > 0);
        Assert.Equal(cases, OrgSql.Scalar<long>(db, $"SELECT COUNT(*) FROM rtn_changelog WHERE seq > {before}"));
        Assert.Equal(new[] { contact.ToString("D") }, OrgSql.Column(db, $"SELECT DISTINCT contactid FROM rtn_changelog WHERE seq > {before}"));
    }

    [Fact]
    public void OwnWrites_LoggedOncePerContactWithTheNight_WhileOthersWritesAfterwardsAreLoggedAsUsual()
    {
        var db = fixture.CopyOrg();
        var contact = DataProducer.ActiveContactWithCases(db);
        var night = Guid.NewGuid();
        using var connection = LocalOrgDatabase.OpenExisting(db);
        LocalOrgChangeLog.Install(connection);
        var head = LocalOrgChangeLog.Head(connection);
        var before = Entries(db);

        using (var transaction = connection.BeginTransaction())
        {
            LocalOrgChangeLog.BeginOwnWrites(connection, transaction);
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "UPDATE incident SET title = 'Rescored' WHERE customerid = $c; UPDATE contact SET rtn_churnprobability = 0.5 WHERE contactid = $c";
                command.Parameters.AddWithValue("$c", contact.ToString("D"));
                command.ExecuteNonQuery();
            }
            LocalOrgChangeLog.EndOwnWrites(connection, transaction, night, [contact]);
            transaction.Commit();
        }
        var own = Entries(db) - before;
        OrgSql.Execute(db, "UPDATE contact SET rtn_churnprobability = 0.9 WHERE contactid = $c", ("$c", contact.ToString("D")));
        var afterOthers = Entries(db) - before;
        var (changedForThatNight, entriesForThatNight) = LocalOrgChangeLog.ContactsChanged(connection, head, long.MaxValue, night);
        var (changedForAnother, entriesForAnother) = LocalOrgChangeLog.ContactsChanged(connection, head, long.MaxValue, Guid.NewGuid());
        LocalOrgChangeLog.Trim(connection, head, night);

        Assert.Equal(1, own);
        Assert.Equal(2, afterOthers);
        // The snapshot saved by that night skips its own entry but not the later edit; any other snapshot re-reads both.
        Assert.Equal(new[] { contact }, changedForThatNight);
        Assert.Equal(new[] { contact }, changedForAnother);
        Assert.Equal((1, 2), (entriesForThatNight, entriesForAnother));
        // Once that night's snapshot is saved, only the later edit is left.
        Assert.Equal(new[] { "update" }, OrgSql.Column(db, "SELECT operation FROM rtn_changelog"));
        Assert.Equal(0, OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM rtn_changelog_quiet"));
    }
}
