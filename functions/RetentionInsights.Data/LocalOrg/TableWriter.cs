using Microsoft.Data.Sqlite;
using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Data.LocalOrg;

/// <summary>
/// A prepared INSERT for one table. Values are given in <see cref="LocalOrgSchema.PhysicalColumns"/> order, already in
/// their storage form (see <see cref="StorageFormat"/>). Reused across rows so bulk loads stay fast.
/// </summary>
public sealed class TableWriter : IDisposable
{
    private readonly SqliteCommand _command;
    private readonly SqliteParameter[] _parameters;

    public TableWriter(SqliteConnection connection, TableDefinition table, SqliteTransaction? transaction = null)
    {
        Table = table;
        Columns = LocalOrgSchema.PhysicalColumns(table);
        _command = connection.CreateCommand();
        _command.Transaction = transaction;
        _command.CommandText =
            $"INSERT INTO {table.LogicalName} ({string.Join(", ", Columns)}) VALUES ({string.Join(", ", Columns.Select((_, i) => "$p" + i))})";
        _parameters = new SqliteParameter[Columns.Count];
        for (var i = 0; i < Columns.Count; i++)
        {
            _parameters[i] = _command.CreateParameter();
            _parameters[i].ParameterName = "$p" + i;
            _command.Parameters.Add(_parameters[i]);
        }
        _command.Prepare();
    }

    public TableDefinition Table { get; }
    public IReadOnlyList<string> Columns { get; }

    public SqliteTransaction? Transaction
    {
        get => _command.Transaction;
        set => _command.Transaction = value;
    }

    public void Insert(params object?[] values)
    {
        if (values.Length != _parameters.Length)
            throw new ArgumentException($"{Table.LogicalName}: expected {_parameters.Length} values, got {values.Length}.", nameof(values));
        for (var i = 0; i < values.Length; i++)
            _parameters[i].Value = values[i] ?? DBNull.Value;
        _command.ExecuteNonQuery();
    }

    public void Dispose() => _command.Dispose();
}

/// <summary>Resolves column positions of a <see cref="TableWriter"/> once, so hot loops fill arrays by index.</summary>
public static class TableWriterExtensions
{
    public static int Index(this TableWriter writer, string column)
    {
        for (var i = 0; i < writer.Columns.Count; i++)
        {
            if (writer.Columns[i] == column)
                return i;
        }
        throw new KeyNotFoundException($"Column '{column}' is not part of table '{writer.Table.LogicalName}' in datamodel.json.");
    }

    public static object?[] NewRow(this TableWriter writer) => new object?[writer.Columns.Count];
}
