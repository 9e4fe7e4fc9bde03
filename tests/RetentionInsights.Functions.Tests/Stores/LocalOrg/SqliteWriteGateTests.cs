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

    [Fact]
    public async Task Commits_DoNotCopyTheLogIntoTheFile_ABackgroundCheckpointDoesOnceItIsDue()
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = _db, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        // Held open to the end: when the last connection to a file closes, SQLite checkpoints the log itself, and another
        // test clearing the connection pools could close the service's pooled one at any moment (this test does so itself).
        // SQLite counts a connection only once it has read the file in WAL mode, so the holder reads after the switch.
        using var holder = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _db, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        holder.Open();
        using (var connection = SqliteWriteGate.Open(connectionString))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE t (v TEXT)";
            command.ExecuteNonQuery();
            using (var read = holder.CreateCommand())
            {
                read.CommandText = "SELECT COUNT(*) FROM t";
                read.ExecuteScalar();
            }
            // About 4 MB in 2,000 commits: SQLite's default would have checkpointed inside one of them (at 1,000 pages).
            command.CommandText = "INSERT INTO t VALUES (zeroblob(2000))";
            for (var i = 0; i < 2000; i++)
                command.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
        Assert.True(new FileInfo(_db).Length < 512 * 1024, $"a commit checkpointed: the file holds {new FileInfo(_db).Length} bytes");

        await Task.Delay(SqliteWriteGate.CheckpointEvery * 2);
        using (SqliteWriteGate.Open(connectionString)) // the next open finds the checkpoint due
        {
            for (var wait = 0; wait < 300 && new FileInfo(_db).Length < 3_000_000; wait++)
                await Task.Delay(100);
        }

        Assert.True(new FileInfo(_db).Length >= 3_000_000, $"the log was not checkpointed: the file holds {new FileInfo(_db).Length} bytes");
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
