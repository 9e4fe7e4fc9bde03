using System.Text;
using Microsoft.Data.Sqlite;
using RetentionInsights.Data.Reading;

namespace RetentionInsights.Functions.Nightly;

/// <summary>
/// Change tracking for the local org, the counterpart of Dataverse change tracking: triggers on every table the reader reads
/// append (sequence, table, contact) to <c>rtn_changelog</c> on insert, on update of a column the reader reads, and on
/// delete, each linked to the contact the row belongs to (through its order or case where it has no customer of its own).
/// Several local-org tables have no <c>modifiedon</c> (invoices, messages, readings), so a modifiedon window would miss an
/// invoice being paid; and a deleted row leaves nothing to find by date. The triggers are installed by the first full read;
/// from then on every change is in the log, including deletes. The service's own rows (recommendations, alerts, the
/// contact's score columns) are tracked too, so an agent's answer or an admin's edit is seen. The nightly run's own writes are
/// not logged row by row: its write transaction quiets the triggers and logs one entry per contact it wrote, marked with its
/// night id (<see cref="BeginOwnWrites"/>, <see cref="EndOwnWrites"/>). A saved snapshot holds those writes, so they are not
/// re-read and are dropped with the applied entries (<see cref="Trim"/>); a night stopped before its snapshot was saved
/// leaves them for the next night to re-read.
/// </summary>
public static class LocalOrgChangeLog
{
    public const string Table = "rtn_changelog";

    /// <summary>Per tracked table: how a row (NEW or OLD) leads to its contact.</summary>
    private static readonly (string Table, Func<string, string> Contact)[] Tracked =
    [
        ("contact", row => $"{row}.contactid"),
        ("salesorder", row => Customer(row)),
        ("invoice", row => Customer(row)),
        ("incident", row => Customer(row)),
        ("salesorderdetail", row => $"(SELECT CASE WHEN customeridtype = 'contact' THEN customerid END FROM salesorder WHERE salesorderid = {row}.salesorderid)"),
        ("incidentresolution", row => $"(SELECT CASE WHEN customeridtype = 'contact' THEN customerid END FROM incident WHERE incidentid = {row}.incidentid)"),
        ("email", Regarding),
        ("phonecall", Regarding),
        ("rtn_usagereading", row => $"{row}.rtn_contactid"),
        ("rtn_offerrecommendation", row => $"{row}.rtn_contactid"),
        ("rtn_retentionalert", row => $"{row}.rtn_contactid"),
    ];

    /// <summary>The contact's score columns: written by the nightly run, but also by events, erasure or an admin.</summary>
    private static readonly IReadOnlyList<string> ScoreColumns = Stores.ContactScoreColumns.All;

    private const string OwnPrefix = "own ";

    /// <summary>Holds a row while the nightly run's write transaction is open: the triggers log nothing then. Other
    /// connections never see the row (it is inserted and deleted inside that transaction, and SQLite has one writer).</summary>
    private const string Quiet = "rtn_changelog_quiet";

    /// <summary>Trigger names of the log before the nightly run logged its own writes per contact (dropped on install).</summary>
    private const string FormerTriggerPrefix = "rtn_track_";

    private const string TriggerPrefix = "rtn_log_";

    private static string Customer(string row) => $"CASE WHEN {row}.customeridtype = 'contact' THEN {row}.customerid END";

    private static string Regarding(string row) =>
        $"CASE {row}.regardingobjectidtype WHEN 'contact' THEN {row}.regardingobjectid " +
        $"WHEN 'incident' THEN (SELECT CASE WHEN customeridtype = 'contact' THEN customerid END FROM incident WHERE incidentid = {row}.regardingobjectid) END";

    /// <summary>Creates the log and its triggers if missing, in one transaction, replacing triggers of an earlier form
    /// (idempotent; every night calls it).</summary>
    public static void Install(SqliteConnection connection)
    {
        var sql = new StringBuilder();
        sql.Append($"CREATE TABLE IF NOT EXISTS {Table} (seq INTEGER PRIMARY KEY AUTOINCREMENT, tablename TEXT NOT NULL, contactid TEXT, operation TEXT NOT NULL);\n");
        sql.Append($"CREATE TABLE IF NOT EXISTS {Quiet} (quiet INTEGER NOT NULL);\n");
        var logging = $"WHEN NOT EXISTS (SELECT 1 FROM {Quiet})";
        foreach (var (table, contact) in Tracked)
        {
            foreach (var operation in new[] { "insert", "update", "delete" })
                sql.Append($"DROP TRIGGER IF EXISTS {FormerTriggerPrefix}{table}_{operation};\n");
            // Only the columns the reader reads: a rescore writing score columns on the contact is not a change of its history.
            var columns = LocalOrgReader.Queries.First(q => q.Table == table).Columns;
            sql.Append($"CREATE TRIGGER IF NOT EXISTS {TriggerPrefix}{table}_insert AFTER INSERT ON {table} {logging} BEGIN ")
               .Append($"INSERT INTO {Table} (tablename, contactid, operation) VALUES ('{table}', {contact("NEW")}, 'insert'); END;\n");
            // A row can move to another contact (a corrected customer): both the old and the new owner are re-read.
            sql.Append($"CREATE TRIGGER IF NOT EXISTS {TriggerPrefix}{table}_update AFTER UPDATE OF {string.Join(", ", columns)} ON {table} {logging} BEGIN ")
               .Append($"INSERT INTO {Table} (tablename, contactid, operation) VALUES ('{table}', {contact("OLD")}, 'update'); ")
               .Append($"INSERT INTO {Table} (tablename, contactid, operation) SELECT '{table}', {contact("NEW")}, 'update' WHERE {contact("NEW")} IS NOT {contact("OLD")}; END;\n");
            sql.Append($"CREATE TRIGGER IF NOT EXISTS {TriggerPrefix}{table}_delete AFTER DELETE ON {table} {logging} BEGIN ")
               .Append($"INSERT INTO {Table} (tablename, contactid, operation) VALUES ('{table}', {contact("OLD")}, 'delete'); END;\n");
        }
        sql.Append($"DROP TRIGGER IF EXISTS {FormerTriggerPrefix}contact_scores_update;\n");
        sql.Append($"CREATE TRIGGER IF NOT EXISTS {TriggerPrefix}contact_scores_update AFTER UPDATE OF {string.Join(", ", ScoreColumns)} ON contact {logging} BEGIN ")
           .Append($"INSERT INTO {Table} (tablename, contactid, operation) VALUES ('contact', OLD.contactid, 'update'); END;\n");
        // One transaction: a writer on another connection never finds a trigger dropped and its successor not yet there.
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, sql.ToString());
        transaction.Commit();
    }

    /// <summary>
    /// Called first in the nightly run's write transaction: its row writes are not logged one by one (<see cref="EndOwnWrites"/>
    /// logs the contacts). A transaction that fails rolls this back with the writes.
    /// </summary>
    public static void BeginOwnWrites(SqliteConnection connection, SqliteTransaction transaction) =>
        Execute(connection, transaction, $"INSERT INTO {Quiet} (quiet) VALUES (1)");

    /// <summary>
    /// Called last in the nightly run's write transaction, before it commits: the triggers log again, and each contact written
    /// gets one entry marked as night <paramref name="night"/>'s own.
    /// </summary>
    public static void EndOwnWrites(SqliteConnection connection, SqliteTransaction transaction, Guid night, IEnumerable<Guid> contacts)
    {
        Execute(connection, transaction, $"DELETE FROM {Quiet}");
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {Table} (tablename, contactid, operation) VALUES ('contact', $contact, $own)";
        var contact = command.Parameters.Add("$contact", SqliteType.Text);
        command.Parameters.AddWithValue("$own", Own(night));
        command.Prepare();
        foreach (var id in contacts)
        {
            contact.Value = id.ToString("D");
            command.ExecuteNonQuery();
        }
    }

    private static string Own(Guid night) => OwnPrefix + night.ToString("N");

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The newest sequence number in the log (0 when empty).</summary>
    public static long Head(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT COALESCE((SELECT MAX(seq) FROM {Table}), 0)";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// Changes after <paramref name="after"/> up to <paramref name="upTo"/>, except the writes of night
    /// <paramref name="ownNight"/> (which the snapshot already holds): the contacts touched and the entries read.
    /// </summary>
    public static (HashSet<Guid> Contacts, long Entries) ContactsChanged(SqliteConnection connection, long after, long upTo, Guid ownNight)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT contactid FROM {Table} WHERE seq > $after AND seq <= $upTo AND operation <> $own";
        command.Parameters.AddWithValue("$own", Own(ownNight));
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$upTo", upTo);
        using var reader = command.ExecuteReader();
        var contacts = new HashSet<Guid>();
        long entries = 0;
        while (reader.Read())
        {
            entries++;
            if (!reader.IsDBNull(0) && Guid.TryParse(reader.GetString(0), out var id))
                contacts.Add(id);
        }
        return (contacts, entries);
    }

    /// <summary>Drops the entries the saved snapshot has applied (up to its watermark) and the contacts its night wrote, which
    /// it holds: the log keeps only what is newer than the stored snapshot.</summary>
    public static void Trim(SqliteConnection connection, long upTo, Guid night)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM {Table} WHERE seq <= $upTo OR operation = $own";
        command.Parameters.AddWithValue("$upTo", upTo);
        command.Parameters.AddWithValue("$own", Own(night));
        command.ExecuteNonQuery();
    }
}
