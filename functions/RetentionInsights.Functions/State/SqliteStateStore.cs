using Microsoft.Data.Sqlite;
using RetentionInsights.Functions.Stores.LocalOrg;

namespace RetentionInsights.Functions.State;

/// <summary>
/// State documents in a table of a SQLite file (by default the local org itself, next to the data it protects). Writes go
/// through the file's one write gate (<see cref="SqliteWriteGate"/>), shared with the local org's own writes, and every
/// connection waits inside SQLite (busy_timeout) rather than in the driver's coarse busy retries.
/// </summary>
public sealed class SqliteStateStore : IStateStore
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate;

    public SqliteStateStore(string path)
    {
        _writeGate = SqliteWriteGate.For(path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE IF NOT EXISTS rtn_service_state (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL, version INTEGER NOT NULL)";
        command.ExecuteNonQuery();
    }

    public Task<StateEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value, version FROM rtn_service_state WHERE key = $k";
        command.Parameters.AddWithValue("$k", key);
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? new StateEntry(key, reader.GetString(0), reader.GetInt64(1).ToString(System.Globalization.CultureInfo.InvariantCulture)) : null);
    }

    public async Task<bool> TryCreateAsync(string key, string value, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            using var connection = Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT OR IGNORE INTO rtn_service_state (key, value, version) VALUES ($k, $v, 1)";
            command.Parameters.AddWithValue("$k", key);
            command.Parameters.AddWithValue("$v", value);
            return command.ExecuteNonQuery() == 1;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<bool> TryReplaceAsync(string key, string value, string expectedVersion, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            using var connection = Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE rtn_service_state SET value = $v, version = version + 1 WHERE key = $k AND version = $expected";
            command.Parameters.AddWithValue("$k", key);
            command.Parameters.AddWithValue("$v", value);
            command.Parameters.AddWithValue("$expected", long.Parse(expectedVersion, System.Globalization.CultureInfo.InvariantCulture));
            return command.ExecuteNonQuery() == 1;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            using var connection = Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM rtn_service_state WHERE key = $k";
            command.Parameters.AddWithValue("$k", key);
            command.ExecuteNonQuery();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key FROM rtn_service_state WHERE substr(key, 1, length($p)) = $p ORDER BY key";
        command.Parameters.AddWithValue("$p", prefix);
        using var reader = command.ExecuteReader();
        var keys = new List<string>();
        while (reader.Read())
            keys.Add(reader.GetString(0));
        return Task.FromResult<IReadOnlyList<string>>(keys);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA busy_timeout={SqliteWriteGate.BusyTimeoutMs};";
        pragma.ExecuteNonQuery();
        return connection;
    }
}
