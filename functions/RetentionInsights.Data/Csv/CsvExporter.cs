using System.Globalization;
using System.Text;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Data.Csv;

/// <summary>Writes every table of a local org as &lt;logicalname&gt;.csv in the documented import format.</summary>
public static class CsvExporter
{
    public static IReadOnlyList<(string Table, long Rows)> Export(string dbPath, string folder)
    {
        Directory.CreateDirectory(folder);
        var model = DataModel.Current;
        using var connection = LocalOrgDatabase.OpenExisting(dbPath, readOnly: true);
        var result = new List<(string, long)>();
        foreach (var table in model.Tables)
        {
            var columns = LocalOrgSchema.PhysicalColumns(table);
            var types = columns.Select(c => table.HasColumn(c) ? table.Column(c).Type : ColumnType.String).ToArray();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {string.Join(", ", columns)} FROM {table.LogicalName} ORDER BY {table.PrimaryId}";
            using var reader = command.ExecuteReader();
            using var writer = new StreamWriter(Path.Combine(folder, table.LogicalName + ".csv"), false, new UTF8Encoding(false));
            writer.NewLine = "\n";
            writer.WriteLine(string.Join(",", columns));
            long rows = 0;
            var line = new StringBuilder();
            while (reader.Read())
            {
                line.Clear();
                for (var i = 0; i < columns.Count; i++)
                {
                    if (i > 0)
                        line.Append(',');
                    if (reader.IsDBNull(i))
                        continue;
                    line.Append(types[i] switch
                    {
                        ColumnType.Bool => reader.GetInt64(i) != 0 ? "true" : "false",
                        ColumnType.Decimal or ColumnType.Money => reader.GetDouble(i).ToString("R", CultureInfo.InvariantCulture),
                        ColumnType.Int or ColumnType.Choice or ColumnType.State or ColumnType.Status => reader.GetInt64(i).ToString(CultureInfo.InvariantCulture),
                        _ => CsvFormat.Escape(reader.GetString(i)),
                    });
                }
                writer.WriteLine(line);
                rows++;
            }
            result.Add((table.LogicalName, rows));
        }
        return result;
    }
}
