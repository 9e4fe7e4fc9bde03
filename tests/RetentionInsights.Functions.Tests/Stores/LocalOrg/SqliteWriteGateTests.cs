using Microsoft.Data.Sqlite;
using RetentionInsights.Functions.Stores.LocalOrg;

namespace RetentionInsights.Functions.Tests.Stores.LocalOrg;

public sealed class SqliteWriteGateTests : IDisposable
{
    private readonly string _db = Path.Combine(Path.GetTempPath(), "rtn-gate-" + Guid.NewGuid().ToString("N") + ".db");

    [Fact]
    public void Open_NewAndReusedPooledConnections_AllRunWithTheServicePragmas()
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = _db, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        using (var connection = SqliteWriteGate.Open(connectionString))
            Assert.Equal((30000L, 1L), Pragmas(connection)); // a new handle
        using (var connection = SqliteWriteGate.Open(connectionString))
            Assert.Equal((30000L, 1L), Pragmas(connection)); // the same handle from the pool: the pragmas are not run again

        // A new handle (the pool cleared) starts with SQLite's defaults (synchronous FULL) and gets the pragmas when the
        // service opens it.
        SqliteConnection.ClearAllPools();
        using (var plain = new SqliteConnection(connectionString))
        {
            plain.Open();
            Assert.Equal(2L, Pragmas(plain).Synchronous);
        }
        using (var connection = SqliteWriteGate.Open(connectionString))
            Assert.Equal((30000L, 1L), Pragmas(connection));
    }

    private static (long BusyTimeout, long Synchronous) Pragmas(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout";
        var busy = (long)command.ExecuteScalar()!;
        command.CommandText = "PRAGMA synchronous";
        return (busy, (long)command.ExecuteScalar()!);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_db)!, Path.GetFileName(_db) + "*"))
            File.Delete(file);
    }
}
