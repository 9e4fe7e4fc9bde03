using Microsoft.Data.Sqlite;
using RetentionInsights.Data.LocalOrg;

namespace RetentionInsights.Functions.Tests.Support;

/// <summary>Direct SQL on a test's local org: what a user of the org would see after the service ran.</summary>
public static class OrgSql
{
    public static T? Scalar<T>(string db, string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = new SqliteConnection(LocalOrgDatabase.ConnectionString(db));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        var result = command.ExecuteScalar();
        return result is null or DBNull ? default : (T)Convert.ChangeType(result, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static int Execute(string db, string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = new SqliteConnection(LocalOrgDatabase.ConnectionString(db));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command.ExecuteNonQuery();
    }

    public static List<string> Column(string db, string sql)
    {
        using var connection = new SqliteConnection(LocalOrgDatabase.ConnectionString(db));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var list = new List<string>();
        while (reader.Read())
            list.Add(reader.GetString(0));
        return list;
    }
}
