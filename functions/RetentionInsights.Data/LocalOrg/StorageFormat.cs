using System.Globalization;

namespace RetentionInsights.Data.LocalOrg;

/// <summary>How values are stored in the local org and written to CSV: ISO 8601 UTC, invariant numbers, GUID "D".</summary>
public static class StorageFormat
{
    public const string DateTimeFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";
    public const string DateOnlyFormat = "yyyy-MM-dd";

    public static string DateTime(System.DateTime value) =>
        value.ToUniversalTime().ToString(DateTimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Treats an unspecified DateTime as UTC (the generator works in UTC).</summary>
    public static string Utc(System.DateTime value) =>
        System.DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString(DateTimeFormat, CultureInfo.InvariantCulture);

    public static string Date(System.DateTime value) => value.ToString(DateOnlyFormat, CultureInfo.InvariantCulture);

    public static string Guid(System.Guid value) => value.ToString("D");

    public static System.DateTime ParseDateTime(string value) =>
        System.DateTime.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}
