using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace RetentionInsights.Data.Reading;

/// <summary>
/// A prepared SQLite statement stepped row by row, its values taken from SQLite's own buffers. The bulk reader reads tens of
/// millions of values a night; through <see cref="SqliteDataReader"/> every GUID and date became a string before it was
/// parsed, and the reader's per-value checks cost more than SQLite's own work (measured: two to three times the time of
/// the same pass over the statement's values). Values mean what the data reader's getters return for them. Runs on the
/// connection's handle, inside whatever transaction the connection has; one user at a time.
/// </summary>
internal sealed class RowCursor : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly TimeSpan _busyTimeout;

    public RowCursor(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        _busyTimeout = TimeSpan.FromSeconds(connection.DefaultTimeout);
        sqlite3_stmt? statement = null;
        var rc = raw.sqlite3_prepare_v2(_db, sql, out statement);
        if (IsBusy(rc))
            rc = WhileBusy(() => raw.sqlite3_prepare_v2(_db, sql, out statement));
        _statement = statement!;
        if (rc != raw.SQLITE_OK)
        {
            _statement.Dispose();
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    /// <summary>Binds text to the parameter <paramref name="name"/> ("$id0"); a name the SQL does not have is ignored.</summary>
    public void Bind(string name, string value)
    {
        var index = raw.sqlite3_bind_parameter_index(_statement, name);
        if (index > 0)
            Check(raw.sqlite3_bind_text(_statement, index, value));
    }

    /// <summary>Moves to the next row; false after the last.</summary>
    public bool Read()
    {
        var rc = raw.sqlite3_step(_statement);
        if (IsBusy(rc))
            rc = WhileBusy(() => raw.sqlite3_step(_statement));
        if (rc == raw.SQLITE_ROW)
            return true;
        if (rc != raw.SQLITE_DONE)
            SqliteException.ThrowExceptionForRC(rc, _db);
        return false;
    }

    /// <summary>
    /// Runs a call again while SQLite answers "busy" (another connection holds a lock; reading the schema to prepare needs one
    /// too), as the data reader does, for up to the connection's command timeout; returns the last answer.
    /// </summary>
    private int WhileBusy(Func<int> call)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var pause = 1;
        int rc;
        do
        {
            Thread.Sleep(pause);
            pause = Math.Min(pause * 2, 100);
            rc = call();
        }
        while (IsBusy(rc) && waited.Elapsed < _busyTimeout);
        return rc;
    }

    private static bool IsBusy(int rc) => (rc & 0xFF) is raw.SQLITE_BUSY or raw.SQLITE_LOCKED;

    /// <summary>Back to before the first row with no parameters bound, ready for the next use of a kept statement.</summary>
    public void Reset()
    {
        raw.sqlite3_reset(_statement);
        raw.sqlite3_clear_bindings(_statement);
    }

    public bool IsNull(int i) => raw.sqlite3_column_type(_statement, i) == raw.SQLITE_NULL;

    /// <summary>Takes the value from SQLite without making anything of it (text and blobs as their bytes): what reading costs.</summary>
    public void Fetch(int i)
    {
        switch (raw.sqlite3_column_type(_statement, i))
        {
            case raw.SQLITE_INTEGER:
                raw.sqlite3_column_int64(_statement, i);
                break;
            case raw.SQLITE_FLOAT:
                raw.sqlite3_column_double(_statement, i);
                break;
            case raw.SQLITE_TEXT or raw.SQLITE_BLOB:
                raw.sqlite3_column_blob(_statement, i);
                break;
        }
    }

    public string? Text(int i) => raw.sqlite3_column_type(_statement, i) switch
    {
        raw.SQLITE_NULL => null,
        raw.SQLITE_TEXT => Encoding.UTF8.GetString(raw.sqlite3_column_blob(_statement, i)),
        _ => raw.sqlite3_column_text(_statement, i).utf8_to_string(),
    };

    /// <summary>
    /// <see cref="Text"/> for a column of few distinct values (a lookup's table name): the values in <paramref name="known"/>
    /// come back as those strings instead of a new string per row.
    /// </summary>
    public string? Name(int i, string[] known)
    {
        if (raw.sqlite3_column_type(_statement, i) != raw.SQLITE_TEXT)
            return Text(i);
        var bytes = raw.sqlite3_column_blob(_statement, i);
        foreach (var name in known)
        {
            if (bytes.Length == name.Length && Ascii.Equals(bytes, name))
                return name;
        }
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>A GUID; text that is not one is a <see cref="FormatException"/>, null an <see cref="InvalidOperationException"/>.</summary>
    public Guid Guid(int i) =>
        FastParse.TryGuid(NotNull(i), out var value) ? value : throw new FormatException($"'{Text(i)}' in column {i} is not a GUID.");

    /// <summary>A GUID, or null when the value is null or not a GUID.</summary>
    public Guid? GuidOrNull(int i) => !IsNull(i) && FastParse.TryGuid(raw.sqlite3_column_blob(_statement, i), out var value) ? value : null;

    public DateTime? Date(int i) => IsNull(i) ? null : FastParse.DateTime(raw.sqlite3_column_blob(_statement, i));

    public int Int32(int i) => checked((int)Int64(i));

    public int? Int32OrNull(int i) => IsNull(i) ? null : checked((int)raw.sqlite3_column_int64(_statement, i));

    public long Int64(int i) => IsNull(i) ? throw Missing(i) : raw.sqlite3_column_int64(_statement, i);

    public double? DoubleOrNull(int i) => IsNull(i) ? null : raw.sqlite3_column_double(_statement, i);

    public decimal? MoneyOrNull(int i) => IsNull(i) ? null : (decimal)raw.sqlite3_column_double(_statement, i);

    public bool Flag(int i) => !IsNull(i) && raw.sqlite3_column_int64(_statement, i) != 0;

    private ReadOnlySpan<byte> NotNull(int i) => IsNull(i) ? throw Missing(i) : raw.sqlite3_column_blob(_statement, i);

    private InvalidOperationException Missing(int i) =>
        new($"Column {i} of '{raw.sqlite3_sql(_statement).utf8_to_string()}' is null where a value is required.");

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
            SqliteException.ThrowExceptionForRC(rc, _db);
    }

    public void Dispose() => _statement.Dispose();
}
