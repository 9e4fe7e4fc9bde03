using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Data.LocalOrg;

/// <summary>
/// A content hash of a local org: every row of every product table in primary-key order. Unlike a file hash it does not
/// depend on page layout or journal state, so "same seed, same org" can be checked exactly.
/// </summary>
public static class LocalOrgHash
{
    public static string Compute(SqliteConnection connection)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new StringBuilder();
        foreach (var table in DataModel.Current.Tables)
        {
            var columns = LocalOrgSchema.PhysicalColumns(table);
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {string.Join(", ", columns)} FROM {table.LogicalName} ORDER BY {table.PrimaryId}";
            using var reader = command.ExecuteReader();
            sha.AppendData(Encoding.UTF8.GetBytes(table.LogicalName + "\n"));
            while (reader.Read())
            {
                buffer.Clear();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    buffer.Append(reader.IsDBNull(i) ? "\u2400" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)).Append('\u001f');
                }
                buffer.Append('\n');
                sha.AppendData(Encoding.UTF8.GetBytes(buffer.ToString()));
            }
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
