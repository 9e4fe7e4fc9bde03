using System.Text;
using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Data.LocalOrg;

/// <summary>Turns datamodel.json into SQLite DDL: one table per Dataverse table, columns named by logical name.</summary>
public static class LocalOrgSchema
{
    public static string SqlType(ColumnType type) => type switch
    {
        ColumnType.Int or ColumnType.Choice or ColumnType.State or ColumnType.Status or ColumnType.Bool => "INTEGER",
        ColumnType.Decimal or ColumnType.Money => "REAL",
        _ => "TEXT",
    };

    /// <summary>Physical column names in order, including the '&lt;name&gt;type' companion of polymorphic lookups.</summary>
    public static IReadOnlyList<string> PhysicalColumns(TableDefinition table)
    {
        var names = new List<string>(table.Columns.Count + 2);
        foreach (var column in table.Columns)
        {
            names.Add(column.Name);
            if (column.TypeColumnName is { } typeColumn)
                names.Add(typeColumn);
        }
        return names;
    }

    public static string CreateTable(TableDefinition table, bool withIndexes = true)
    {
        var sql = new StringBuilder();
        sql.Append("CREATE TABLE IF NOT EXISTS ").Append(table.LogicalName).Append(" (\n");
        var parts = new List<string>();
        foreach (var column in table.Columns)
        {
            var definition = $"  {column.Name} {SqlType(column.Type)}";
            if (column.Name == table.PrimaryId)
                definition += " PRIMARY KEY NOT NULL";
            else if (column.Required)
                definition += " NOT NULL";
            parts.Add(definition);
            if (column.TypeColumnName is { } typeColumn)
                parts.Add($"  {typeColumn} TEXT" + (column.Required ? " NOT NULL" : string.Empty));
        }
        sql.Append(string.Join(",\n", parts)).Append("\n);\n");
        if (withIndexes)
            sql.Append(CreateIndexes(table));
        return sql.ToString();
    }

    /// <summary>Lookup indexes; the generator builds them after its bulk load, which is much faster than maintaining them.</summary>
    public static string CreateIndexes(TableDefinition table)
    {
        var sql = new StringBuilder();
        foreach (var column in table.Columns.Where(c => c.Type is ColumnType.Lookup or ColumnType.Customer))
        {
            sql.Append("CREATE INDEX IF NOT EXISTS ix_").Append(table.LogicalName).Append('_').Append(column.Name)
               .Append(" ON ").Append(table.LogicalName).Append(" (").Append(column.Name).Append(");\n");
        }
        return sql.ToString();
    }

    /// <summary>
    /// ALTER statements that add the columns a newer data model has and an org created by an older version lacks (the way a
    /// solution upgrade adds columns in Dataverse): new columns start empty, so the next scoring run fills them. Empty when
    /// the org is current. A missing required column cannot be added to rows that exist: that org must be generated or
    /// imported again, and the exception says so.
    /// </summary>
    public static IReadOnlyList<string> MissingColumns(DataModel model, Func<string, IReadOnlySet<string>?> existingColumns)
    {
        var statements = new List<string>();
        foreach (var table in model.Tables)
        {
            if (existingColumns(table.LogicalName) is not { } existing)
                continue; // a missing table is created by CreateAll
            foreach (var column in table.Columns)
            {
                foreach (var (name, type) in column.TypeColumnName is { } typeColumn
                             ? new[] { (column.Name, SqlType(column.Type)), (typeColumn, "TEXT") }
                             : [(column.Name, SqlType(column.Type))])
                {
                    if (existing.Contains(name))
                        continue;
                    if (column.Required || column.Name == table.PrimaryId)
                        throw new InvalidDataException($"The local org was created by an older version: table {table.LogicalName} lacks the required column {name}. Generate or import the org again.");
                    statements.Add($"ALTER TABLE {table.LogicalName} ADD COLUMN {name} {type};");
                }
            }
        }
        return statements;
    }

    public static string CreateAll(DataModel model, bool withIndexes = true)
    {
        var sql = new StringBuilder();
        foreach (var table in model.Tables)
            sql.Append(CreateTable(table, withIndexes));
        // Bookkeeping outside the Dataverse model: which generator/seed made this org, when it was last scored.
        sql.Append("CREATE TABLE IF NOT EXISTS rtn_localorg_info (key TEXT PRIMARY KEY NOT NULL, value TEXT);\n");
        return sql.ToString();
    }
}
