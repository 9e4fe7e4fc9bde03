using System.Globalization;
using Microsoft.Data.Sqlite;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Reading;

namespace RetentionInsights.Data.Tests.Reading;

/// <summary>
/// The bulk reader takes values from SQLite's buffers instead of the data reader's strings; an imported org must read the same
/// either way, whatever form its values came in.
/// </summary>
public sealed class RowCursorTests
{
    private const string Table = "CREATE TABLE v (t TEXT, i INTEGER, r REAL)";

    // Values as real exports bring them: GUIDs in every form and case, dates in the storage forms and others, numbers stored as
    // text and text stored as numbers, empty and non-ASCII text, nulls.
    private static readonly object?[][] Rows =
    [
        ["6f1b2c3d-0000-4000-8000-000000000001", 3, 12.5],
        ["6F1B2C3D-0000-4000-8000-00000000000A", -7, -0.1],
        ["{6f1b2c3d-0000-4000-8000-000000000002}", 2147483647, 1e9],
        ["6f1b2c3d000040008000000000000003", 0, 0.0],
        [" 6f1b2c3d-0000-4000-8000-000000000004 ", 1, 3.0],
        ["not a guid", null, null],
        ["2024-03-05T10:11:12Z", 42, 7.25],
        ["2024-03-05", 1, 1.0],
        ["2024-03-05T10:11:12.345Z", 1, 1.0],
        ["2024-03-05 10:11:12+02:00", 1, 1.0],
        ["Ünïcødé — ärger über die Rechnung", 5, 2.0],
        ["", 0, 0.0],
        [null, null, null],
        [123456, "17", "2.5"],
        ["x", 4294967301L, 1.0],
    ];

    private static SqliteConnection Org(TempDirectory dir)
    {
        var connection = new SqliteConnection(LocalOrgDatabase.ConnectionString(dir.File("v.db")));
        connection.Open();
        LocalOrgDatabase.Execute(connection, Table);
        foreach (var row in Rows)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO v VALUES ($t, $i, $r)";
            insert.Parameters.AddWithValue("$t", row[0] ?? DBNull.Value);
            insert.Parameters.AddWithValue("$i", row[1] ?? DBNull.Value);
            insert.Parameters.AddWithValue("$r", row[2] ?? DBNull.Value);
            insert.ExecuteNonQuery();
        }
        return connection;
    }

    private static object? Attempt<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException)
        {
            return e.GetType().Name;
        }
    }

    private static DateTime ParseDate(string s) => DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    [Fact]
    public void EveryValue_ReadsAsTheDataReaderReadsIt()
    {
        using var dir = new TempDirectory();
        using var connection = Org(dir);
        var expected = new List<object?[]>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT t, i, r FROM v ORDER BY rowid";
            using var r = command.ExecuteReader();
            while (r.Read())
            {
                expected.Add([
                    r.IsDBNull(0) ? null : r.GetString(0),
                    r.IsDBNull(0) ? null : Guid.TryParse(r.GetString(0), out var g) ? g : null,
                    Attempt(() => r.IsDBNull(0) ? (DateTime?)null : ParseDate(r.GetString(0))),
                    r.IsDBNull(1) ? null : Attempt(() => r.GetInt32(1)),
                    r.IsDBNull(1) ? null : r.GetString(1),
                    r.IsDBNull(2) ? null : r.GetDouble(2),
                    r.IsDBNull(2) ? null : (decimal)r.GetDouble(2),
                    !r.IsDBNull(1) && r.GetInt64(1) != 0,
                    Attempt(() => r.GetInt64(1)),
                ]);
            }
        }

        var actual = new List<object?[]>();
        using (var cursor = new RowCursor(connection, "SELECT t, i, r FROM v ORDER BY rowid"))
        {
            while (cursor.Read())
            {
                actual.Add([
                    cursor.Text(0), cursor.GuidOrNull(0), Attempt(() => cursor.Date(0)), Attempt(() => cursor.Int32OrNull(1)), cursor.Text(1),
                    cursor.DoubleOrNull(2), cursor.MoneyOrNull(2), cursor.Flag(1), Attempt(() => cursor.Int64(1)),
                ]);
            }
        }

        Assert.Equal(Rows.Length, actual.Count);
        for (var row = 0; row < expected.Count; row++)
            Assert.Equal(expected[row], actual[row]);
    }

    [Fact]
    public void ARequiredValueThatIsMissingOrNoGuid_FailsNamingTheColumn_AndNamesReturnTheKnownString()
    {
        using var dir = new TempDirectory();
        using var connection = Org(dir);
        using var cursor = new RowCursor(connection, "SELECT t, i FROM v WHERE t IS NULL OR t = 'not a guid' ORDER BY rowid");

        Assert.True(cursor.Read());
        var notAGuid = Assert.Throws<FormatException>(() => cursor.Guid(0));
        Assert.Contains("'not a guid'", notAGuid.Message, StringComparison.Ordinal);
        Assert.True(cursor.Read());
        var missing = Assert.Throws<InvalidOperationException>(() => cursor.Guid(0));
        Assert.Contains("Column 0 of 'SELECT t, i FROM v", missing.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => cursor.Int32(1));
        Assert.False(cursor.Read());

        using var names = new RowCursor(connection, "SELECT 'contact', 'account', NULL");
        Assert.True(names.Read());
        string[] known = ["incident", "contact"];
        Assert.Same(known[1], names.Name(0, known));
        Assert.Equal("account", names.Name(1, known));
        Assert.Null(names.Name(2, known));
    }

    [Fact]
    public async Task ReadWhileAnotherConnectionHoldsTheLock_WaitsForItInsteadOfFailing()
    {
        using var dir = new TempDirectory();
        var path = dir.File("locked.db");
        using var writer = new SqliteConnection(LocalOrgDatabase.ConnectionString(path));
        writer.Open();
        // A rollback journal (not WAL): there a writer's exclusive lock keeps readers out until it commits.
        LocalOrgDatabase.Execute(writer, "PRAGMA journal_mode=DELETE; " + Table + "; INSERT INTO v VALUES ('a', 1, 1.0);");
        LocalOrgDatabase.Execute(writer, "BEGIN EXCLUSIVE; INSERT INTO v VALUES ('b', 2, 2.0);");
        using var reader = new SqliteConnection(LocalOrgDatabase.ConnectionString(path, readOnly: true));
        reader.Open();

        var release = Task.Run(async () =>
        {
            await Task.Delay(300);
            LocalOrgDatabase.Execute(writer, "COMMIT");
        });
        var seen = new List<string?>();
        using (var cursor = new RowCursor(reader, "SELECT t FROM v ORDER BY rowid"))
        {
            while (cursor.Read())
                seen.Add(cursor.Text(0));
        }
        await release;

        Assert.Equal(["a", "b"], seen);
    }

    [Fact]
    public void KeptConnection_AfterAReadThatFailedOnABadRow_HoldsNoSnapshotAndReadsTheRepairedRow()
    {
        using var dir = new TempDirectory();
        var path = dir.File("org.db");
        var contact = Guid.Parse("6f1b2c3d-0000-4000-8000-000000000001");
        using (var setup = LocalOrgDatabase.Open(path))
        {
            LocalOrgDatabase.Execute(setup, $"INSERT INTO contact (contactid, fullname, lastname, createdon, statecode) VALUES ('{contact}', 'Anna de Vries', 'de Vries', '2025-01-01T00:00:00Z', 0)");
            LocalOrgDatabase.Execute(setup, $"INSERT INTO incident (incidentid, title, customerid, customeridtype, createdon, statecode) VALUES ('6f1b2c3d-0000-4000-8000-0000000000c1', 'Meter', '{contact}', 'contact', '2025-02-01T00:00:00Z', 0), ('case 2', 'Bill', '{contact}', 'contact', '2025-03-01T00:00:00Z', 0)");
        }
        using var kept = new PreparedConnection(LocalOrgDatabase.OpenExisting(path, readOnly: true));
        var reader = new LocalOrgReader();

        Assert.Throws<FormatException>(() => reader.ReadCustomers(kept, [contact]));

        using var writer = LocalOrgDatabase.OpenExisting(path);
        LocalOrgDatabase.Execute(writer, "UPDATE incident SET incidentid = '6f1b2c3d-0000-4000-8000-0000000000c2' WHERE incidentid = 'case 2'");
        using (var checkpoint = writer.CreateCommand())
        {
            // A statement left in the middle of its rows would keep its snapshot and the log from being emptied (busy = 1).
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            using var result = checkpoint.ExecuteReader();
            Assert.True(result.Read());
            Assert.Equal(0, result.GetInt32(0));
        }
        var history = Assert.Single(reader.ReadCustomers(kept, [contact]));
        Assert.Equal(["Meter", "Bill"], history.Cases.Select(c => c.Title));
    }
}
