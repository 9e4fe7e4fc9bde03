using Microsoft.Data.Sqlite;
using RetentionInsights.Functions.Stores.LocalOrg;

namespace RetentionInsights.Functions.State;

/// <summary>
/// State documents in a table of a SQLite file (by default the local org itself, next to the data it protects). Writes go
/// through the file's one write gate (<see cref="SqliteWriteGate"/>), shared with the local org's own writes, and every
/// connection waits inside SQLite (busy_timeout) rather than in the driver's coarse busy retries. Writes that arrive while
/// one commits are committed together (group commit): every webhook event writes here twice (its claim, then its outcome
/// with its contact's index entry), and one commit per write made the gate the queue all concurrent events waited in.
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
        // WAL (kept by the file): what synchronous=NORMAL of every connection relies on; the local org is WAL already.
        command.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS rtn_service_state (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL, version INTEGER NOT NULL)";
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

    public async Task<bool> TryCreateAsync(string key, string value, CancellationToken cancellationToken) =>
        await WriteAsync([new Statement("INSERT OR IGNORE INTO rtn_service_state (key, value, version) VALUES ($k, $v, 1)", ("$k", key), ("$v", value))],
            cancellationToken) == 1;

    public async Task<bool> TryReplaceAsync(string key, string value, string expectedVersion, CancellationToken cancellationToken) =>
        await WriteAsync([new Statement("UPDATE rtn_service_state SET value = $v, version = version + 1 WHERE key = $k AND version = $expected",
            ("$k", key), ("$v", value), ("$expected", long.Parse(expectedVersion, System.Globalization.CultureInfo.InvariantCulture)))], cancellationToken) == 1;

    public Task PutAsync(IReadOnlyList<KeyValuePair<string, string>> documents, CancellationToken cancellationToken) =>
        WriteAsync(documents.Select(d => new Statement("""
            INSERT INTO rtn_service_state (key, value, version) VALUES ($k, $v, 1)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = version + 1
            """, ("$k", d.Key), ("$v", d.Value))).ToList(), cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        WriteAsync([new Statement("DELETE FROM rtn_service_state WHERE key = $k", ("$k", key))], cancellationToken);

    /// <summary>
    /// Queues one write (its statements run in order, in the same transaction) and returns the rows they changed. Whoever
    /// finds no commit running commits the queue: every statement in order, in one transaction under the write gate. Writes
    /// that arrive meanwhile form the next group, committed by a new task, so no caller waits for more than the group
    /// before its own. A failed commit fails each of its writes' callers (nothing of the group was written; the ledger then
    /// releases its claims).
    /// </summary>
    private Task<int> WriteAsync(IReadOnlyList<Statement> statements, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var write = new PendingWrite(statements);
        bool commit;
        lock (_queue)
        {
            _queue.Add(write);
            commit = !_committing;
            _committing = true;
        }
        if (commit)
            _ = CommitQueuedAsync(); // on this caller's thread up to the gate: it waits for this commit anyway
        return write.Rows.Task;
    }

    private async Task CommitQueuedAsync()
    {
        List<PendingWrite> group;
        lock (_queue)
        {
            group = [.. _queue];
            _queue.Clear();
        }
        await CommitAsync(group);
        lock (_queue)
        {
            if (_queue.Count == 0)
            {
                _committing = false;
                return;
            }
        }
        _ = Task.Run(CommitQueuedAsync);
    }

    private async Task CommitAsync(List<PendingWrite> group)
    {
        var rows = new int[group.Count];
        try
        {
            // Connection and statements are made before the gate: while other writers wait, only the statements run.
            using var connection = Open();
            await _writeGate.WaitAsync(CancellationToken.None);
            try
            {
                using var transaction = connection.BeginTransaction();
                for (var i = 0; i < group.Count; i++)
                {
                    foreach (var statement in group[i].Statements)
                    {
                        using var command = connection.CreateCommand();
                        command.Transaction = transaction;
                        command.CommandText = statement.Sql;
                        foreach (var (name, value) in statement.Parameters)
                            command.Parameters.AddWithValue(name, value);
                        rows[i] += command.ExecuteNonQuery();
                    }
                }
                transaction.Commit();
            }
            finally
            {
                _writeGate.Release();
            }
        }
        catch (Exception e)
        {
            foreach (var write in group)
                write.Rows.TrySetException(e);
            return;
        }
        for (var i = 0; i < group.Count; i++)
            group[i].Rows.TrySetResult(rows[i]);
    }

    private readonly List<PendingWrite> _queue = [];
    private bool _committing;

    private sealed record Statement(string Sql, params (string Name, object Value)[] Parameters);

    private sealed record PendingWrite(IReadOnlyList<Statement> Statements)
    {
        public TaskCompletionSource<int> Rows { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        // A range of the primary key (keys from the prefix up to, not including, the prefix with its last character
        // incremented): a seek, where a substr() comparison read every row of a table that grows with every event.
        command.CommandText = prefix.Length == 0 ? "SELECT key FROM rtn_service_state ORDER BY key"
            : "SELECT key FROM rtn_service_state WHERE key >= $from AND key < $to ORDER BY key";
        command.Parameters.AddWithValue("$from", prefix);
        command.Parameters.AddWithValue("$to", prefix.Length == 0 ? prefix : prefix[..^1] + (char)(prefix[^1] + 1));
        using var reader = command.ExecuteReader();
        var keys = new List<string>();
        while (reader.Read())
            keys.Add(reader.GetString(0));
        return Task.FromResult<IReadOnlyList<string>>(keys);
    }

    private SqliteConnection Open() => SqliteWriteGate.Open(_connectionString);
}
