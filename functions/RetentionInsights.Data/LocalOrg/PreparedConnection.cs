using Microsoft.Data.Sqlite;
using RetentionInsights.Data.Reading;

namespace RetentionInsights.Data.LocalOrg;

/// <summary>
/// An open connection whose commands are prepared once per SQL text and then reused. Microsoft.Data.Sqlite prepares every
/// new command (SQLite parses and plans its statements) and finalises its statements when the command or the connection is
/// disposed, so a pooled connection prepares again on every use; a customer's load runs the same dozen queries for every
/// event, and preparing them was about a sixth of the load's time. One user at a time (a caller rents it, uses it, returns it).
/// </summary>
public sealed class PreparedConnection : IDisposable
{
    /// <summary>Distinct SQL texts kept prepared; past this the cache starts over (bulk reads of odd-sized id lists make new texts).</summary>
    public const int Capacity = 64;

    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RowCursor> _cursors = new(StringComparer.Ordinal);
    private SqliteTransaction? _read;

    /// <param name="connection">An open connection, owned from now on (disposed with this).</param>
    public PreparedConnection(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }

    /// <summary>
    /// A deferred (read) transaction: the queries until it is disposed see one snapshot of the file, and SQLite checks once,
    /// not per query, whether another connection wrote to it.
    /// </summary>
    public SqliteTransaction BeginRead() => _read = Connection.BeginTransaction(deferred: true);

    /// <summary>The prepared command of <paramref name="sql"/>, without parameters, in the open read transaction if any. Do not dispose it.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            if (_commands.Count == Capacity)
                DisposeCommands();
            command = Connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }
        command.Parameters.Clear();
        // A finished transaction has no connection; a command must name the connection's current transaction (or none).
        command.Transaction = _read?.Connection is null ? null : _read;
        return command;
    }

    /// <summary>
    /// The kept statement of <paramref name="sql"/> as a <see cref="RowCursor"/> (the bulk reader's way of reading), without
    /// parameters (each user resets it after use); it runs in the open read transaction if any. Do not dispose it.
    /// </summary>
    internal RowCursor Cursor(string sql)
    {
        if (!_cursors.TryGetValue(sql, out var cursor))
        {
            if (_cursors.Count == Capacity)
                DisposeCommands();
            cursor = new RowCursor(Connection, sql);
            _cursors.Add(sql, cursor);
        }
        return cursor;
    }

    private void DisposeCommands()
    {
        foreach (var command in _commands.Values)
            command.Dispose();
        _commands.Clear();
        foreach (var cursor in _cursors.Values)
            cursor.Dispose();
        _cursors.Clear();
    }

    public void Dispose()
    {
        DisposeCommands();
        Connection.Dispose();
    }
}
