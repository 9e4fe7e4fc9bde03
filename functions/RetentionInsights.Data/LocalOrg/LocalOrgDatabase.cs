using Microsoft.Data.Sqlite;
using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Data.LocalOrg;

/// <summary>The embedded default "org": a SQLite file with Dataverse logical names.</summary>
public static class LocalOrgDatabase
{
    public static string ConnectionString(string path, bool readOnly = false) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
        Pooling = false,
    }.ToString();

    /// <summary>Opens (and creates when missing) a local org with the product schema.</summary>
    public static SqliteConnection Open(string path, DataModel? model = null, bool withIndexes = true)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);
        var connection = new SqliteConnection(ConnectionString(path));
        connection.Open();
        RequireDatabase(connection, path, requireOrg: false);
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;");
        Execute(connection, LocalOrgSchema.CreateAll(model ?? DataModel.Current, withIndexes));
        Upgrade(connection, model ?? DataModel.Current);
        return connection;
    }

    public static SqliteConnection OpenExisting(string path, bool readOnly = false)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"No local org at '{path}'. Create one with: rtn generate --db {path}", path);
        if (readOnly)
        {
            // An org from an older version gains its new (empty) columns first, so every reader finds the columns it selects.
            using var writable = new SqliteConnection(ConnectionString(path));
            writable.Open();
            RequireDatabase(writable, path, requireOrg: true);
            Upgrade(writable, DataModel.Current);
        }
        var connection = new SqliteConnection(ConnectionString(path, readOnly));
        connection.Open();
        if (!readOnly)
        {
            RequireDatabase(connection, path, requireOrg: true);
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
            Upgrade(connection, DataModel.Current);
        }
        return connection;
    }

    /// <summary>
    /// A --db that points at the wrong file (a CSV export, another program's database, a damaged copy) is refused with the path
    /// and what to do, before anything reads or writes it. <paramref name="requireOrg"/>: the file must already hold an org.
    /// </summary>
    private static void RequireDatabase(SqliteConnection connection, string path, bool requireOrg)
    {
        const string what = "Point it at an org created by rtn generate or rtn import.";
        long contactTables;
        try
        {
            contactTables = Count(connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'contact'");
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 26 or 11)
        {
            connection.Dispose();
            throw new InvalidDataException($"'{path}' is not a local org: {(e.SqliteErrorCode == 26 ? "the file is not a SQLite database" : "the database file is damaged")}. {what}", e);
        }
        if (requireOrg && contactTables == 0)
        {
            connection.Dispose();
            throw new InvalidDataException($"'{path}' is not a local org: the database has no contact table. {what}");
        }
    }

    /// <summary>Adds the columns of the current data model that an org created by an older version lacks (see <see cref="LocalOrgSchema.MissingColumns"/>).</summary>
    public static void Upgrade(SqliteConnection connection, DataModel model)
    {
        var statements = LocalOrgSchema.MissingColumns(model, table => ColumnsOf(connection, table));
        if (statements.Count == 0)
            return;
        using var transaction = connection.BeginTransaction();
        foreach (var statement in statements)
            Execute(connection, statement, transaction);
        transaction.Commit();
    }

    private static IReadOnlySet<string>? ColumnsOf(SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
        using var reader = command.ExecuteReader();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read())
            names.Add(reader.GetString(0));
        return names.Count == 0 ? null : names;
    }

    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static long Count(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static void SetInfo(SqliteConnection connection, string key, string value)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO rtn_localorg_info(key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
        command.Parameters.AddWithValue("$k", key);
        command.Parameters.AddWithValue("$v", value);
        command.ExecuteNonQuery();
    }

    public static string? GetInfo(SqliteConnection connection, string key)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM rtn_localorg_info WHERE key = $k";
        command.Parameters.AddWithValue("$k", key);
        return command.ExecuteScalar() as string;
    }
}
