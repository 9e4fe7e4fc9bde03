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
/// contact's score columns) are tracked too, so an agent's answer or an admin's edit is seen; the nightly run marks the
/// entries of its own writes with its night id (<see cref="MarkOwn"/>) in the same transaction, and those are not re-read.
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

    private static string Customer(string row) => $"CASE WHEN {row}.customeridtype = 'contact' THEN {row}.customerid END";

    private static string Regarding(string row) =>
        $"CASE {row}.regardingobjectidtype WHEN 'contact' THEN {row}.regardingobjectid " +
        $"WHEN 'incident' THEN (SELECT CASE WHEN customeridtype = 'contact' THEN customerid END FROM incident WHERE incidentid = {row}.regardingobjectid) END";

    /// <summary>Creates the log and its triggers if missing (idempotent).</summary>
    public static void Install(SqliteConnection connection)
    {
        var sql = new StringBuilder();
        sql.Append($"CREATE TABLE IF NOT EXISTS {Table} (seq INTEGER PRIMARY KEY AUTOINCREMENT, tablename TEXT NOT NULL, contactid TEXT, operation TEXT NOT NULL);\n");
        foreach (var (table, contact) in Tracked)
        {
            // Only the columns the reader reads: a rescore writing score columns on the contact is not a change of its history.
            var columns = LocalOrgReader.Queries.First(q => q.Table == table).Columns;
            sql.Append($"CREATE TRIGGER IF NOT EXISTS rtn_track_{table}_insert AFTER INSERT ON {table} BEGIN ")
               .Append($"INSERT INTO {Table} (tablename, contactid, operation) VALUES ('{table}', {contact("NEW")}, 'insert'); END;\n");
            // A row can move to another contact (a corrected customer): both the old and the new owner are re-read.
            sql.Append($"CREATE TRIGGER IF NOT EXISTS rtn_track_{table}_update AFTER UPDATE OF {string.Join(", ", columns)} ON {table} BEGIN ")
               .Append($"INSERT INTO {Table} (tablename, contactid, operation) VALUES ('{table}', {contact("OLD")}, 'update'); ")
               .Append($"INSERT INTO {Table} (tablename, contactid, operation) SELECT '{table}', {contact("NEW")}, 'update' WHERE {contact("NEW")} IS NOT {contact("OLD")}; END;\n");
            sql.Append($"CREATE TRIGGER IF NOT EXISTS rtn_track_{table}_delete AFTER DELETE ON {table} BEGIN ")
               .Append($"INSERT INTO {Table} (tablename, contactid, operation) VALUES ('{table}', {contact("OLD")}, 'delete'); END;\n");
        }
        sql.Append($"CREATE TRIGGER IF NOT EXISTS rtn_track_contact_scores_update AFTER UPDATE OF {string.Join(", ", ScoreColumns)} ON contact BEGIN ")
           .Append($"INSERT INTO {Table} (tablename, contactid, operation) VALUES ('contact', OLD.contactid, 'update'); END;\n");
        using var command = connection.CreateCommand();
        command.CommandText = sql.ToString();
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Marks the entries after <paramref name="after"/> as the nightly run's own writes of <paramref name="night"/>. Called in
    /// the write transaction: SQLite has one writer, so every entry after the head read at its start came from its statements.
    /// </summary>
    public static void MarkOwn(SqliteConnection connection, SqliteTransaction transaction, long after, Guid night)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"UPDATE {Table} SET operation = $own WHERE seq > $after";
        command.Parameters.AddWithValue("$own", OwnPrefix + night.ToString("N"));
        command.Parameters.AddWithValue("$after", after);
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
        command.Parameters.AddWithValue("$own", OwnPrefix + ownNight.ToString("N"));
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

    /// <summary>Drops entries the snapshot has applied (the log only needs what is newer than the stored watermark).</summary>
    public static void Trim(SqliteConnection connection, long upTo)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM {Table} WHERE seq <= $upTo";
        command.Parameters.AddWithValue("$upTo", upTo);
        command.ExecuteNonQuery();
    }
}
