using System.Globalization;
using Microsoft.Data.Sqlite;
using RetentionInsights.Data.LocalOrg;

namespace RetentionInsights.Functions.Stores.LocalOrg;

/// <summary>Typed access to local-org columns in their storage form (ISO 8601 UTC text, 0/1, integers, "D" GUIDs).</summary>
internal static class SqliteRows
{
    public static Guid Guid(this SqliteDataReader r, int i) => System.Guid.Parse(r.GetString(i));

    public static Guid? GuidOrNull(this SqliteDataReader r, int i) => r.IsDBNull(i) ? null : System.Guid.Parse(r.GetString(i));

    public static string? Text(this SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static int? Int(this SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);

    public static bool Bool(this SqliteDataReader r, int i) => !r.IsDBNull(i) && r.GetInt64(i) != 0;

    public static double? Double(this SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    public static decimal? Money(this SqliteDataReader r, int i) => r.IsDBNull(i) ? null : MoneyOf(r.GetDouble(i));

    public static DateTime? Date(this SqliteDataReader r, int i) => r.IsDBNull(i) ? null : StorageFormat.ParseDateTime(r.GetString(i));

    // What the readers above give for a value in the form Storage stores it (DBNull: null), without the round trip.
    public static double? StoredDouble(object stored) => stored is DBNull ? null : Convert.ToDouble(stored, CultureInfo.InvariantCulture);

    public static decimal? StoredMoney(object stored) => StoredDouble(stored) is { } value ? MoneyOf(value) : null;

    public static int? StoredInt(object stored) => stored is DBNull ? null : Convert.ToInt32(stored, CultureInfo.InvariantCulture);

    public static string? StoredText(object stored) => stored is DBNull ? null : Convert.ToString(stored, CultureInfo.InvariantCulture);

    public static DateTime? StoredDate(object stored) => stored is DBNull ? null : StorageFormat.ParseDateTime((string)stored);

    // Money is stored as a double (REAL); four decimals are what the columns hold.
    private static decimal MoneyOf(double stored) => Math.Round((decimal)stored, 4);

    public static object Storage(object? value) => value switch
    {
        null => DBNull.Value,
        DateTime d => StorageFormat.DateTime(DateTime.SpecifyKind(d, d.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : d.Kind)),
        DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        Guid g => StorageFormat.Guid(g),
        bool b => b ? 1 : 0,
        decimal m => (double)m,
        double x => x,
        int n => n,
        long n => n,
        string s => s,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    public static void AddIds(SqliteCommand command, IReadOnlyList<Guid> ids, out string list)
    {
        for (var i = 0; i < ids.Count; i++)
            command.Parameters.AddWithValue(IdName(i), StorageFormat.Guid(ids[i]));
        list = IdList(ids.Count);
    }

    /// <summary>The parameter list "$id0,$id1,…" that <see cref="AddIds"/> fills for <paramref name="count"/> ids (a query's text
    /// can be made, and kept prepared, before the ids are known).</summary>
    public static string IdList(int count) => string.Join(",", Enumerable.Range(0, count).Select(IdName));

    private static string IdName(int i) => "$id" + i.ToString(CultureInfo.InvariantCulture);
}
