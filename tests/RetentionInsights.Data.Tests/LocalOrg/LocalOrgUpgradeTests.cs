using Microsoft.Data.Sqlite;
using RetentionInsights.Data.LocalOrg;

namespace RetentionInsights.Data.Tests.LocalOrg;

/// <summary>An org made by an older version keeps working: new columns are added empty, as a solution upgrade does in Dataverse.</summary>
public sealed class LocalOrgUpgradeTests
{
    private static string OlderOrg(TempDirectory dir, string table, string column)
    {
        var path = dir.File("org.db");
        using (var connection = LocalOrgDatabase.Open(path))
        {
            LocalOrgDatabase.Execute(connection, "INSERT INTO contact (contactid, fullname, lastname, createdon, statecode) VALUES ('6f1b2c3d-0000-4000-8000-000000000001', 'Older Contact', 'Contact', '2025-01-01T00:00:00Z', 0)");
            LocalOrgDatabase.Execute(connection, $"ALTER TABLE {table} DROP COLUMN {column}");
        }
        SqliteConnection.ClearAllPools();
        return path;
    }

    private static bool HasColumn(SqliteConnection connection, string table, string column)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    [Fact]
    public void OpenExisting_OrgWithoutANewScoreColumn_AddsItEmptyAndKeepsTheRows()
    {
        using var dir = new TempDirectory();
        var path = OlderOrg(dir, "contact", "rtn_valueifretained");

        using var connection = LocalOrgDatabase.OpenExisting(path, readOnly: true);

        Assert.True(HasColumn(connection, "contact", "rtn_valueifretained"));
        Assert.Equal(1, LocalOrgDatabase.Count(connection, "SELECT COUNT(*) FROM contact WHERE fullname = 'Older Contact' AND rtn_valueifretained IS NULL"));
    }

    [Fact]
    public void Open_OrgWithoutARequiredColumn_SaysToGenerateOrImportAgain()
    {
        using var dir = new TempDirectory();
        var path = OlderOrg(dir, "contact", "lastname");

        var error = Assert.Throws<InvalidDataException>(() => LocalOrgDatabase.Open(path).Dispose());

        Assert.Contains("created by an older version", error.Message);
        Assert.Contains("lastname", error.Message);
        Assert.Contains("Generate or import the org again", error.Message);
    }
}
