using System.Text;
using RetentionInsights.Data.LocalOrg;

namespace RetentionInsights.Data.Reading;

/// <summary>
/// Allocation-free parsing of the local org's storage formats (LocalOrg/StorageFormat) from SQLite's UTF-8 text: GUID "D"
/// text, ISO 8601 UTC "yyyy-MM-ddTHH:mm:ssZ" and "yyyy-MM-dd". Reading millions of rows spends most of its time here, so the
/// fixed layouts are parsed by position without making a string; anything else falls back to the general parser.
/// </summary>
internal static class FastParse
{
    public static DateTime DateTime(ReadOnlySpan<byte> s)
    {
        if ((s.Length == 20 && s[10] == 'T' && s[19] == 'Z') || s.Length == 10)
        {
            var year = D(s, 0) * 1000 + D(s, 1) * 100 + D(s, 2) * 10 + D(s, 3);
            var month = D(s, 5) * 10 + D(s, 6);
            var day = D(s, 8) * 10 + D(s, 9);
            if (s.Length == 10)
                return new System.DateTime(year, month, day, 0, 0, 0, DateTimeKind.Utc);
            return new System.DateTime(year, month, day, D(s, 11) * 10 + D(s, 12), D(s, 14) * 10 + D(s, 15), D(s, 17) * 10 + D(s, 18), DateTimeKind.Utc);
        }
        return StorageFormat.ParseDateTime(Encoding.UTF8.GetString(s));
    }

    /// <summary>A GUID in any form <see cref="Guid.TryParse(string, out Guid)"/> accepts; the stored "D" form without a string.</summary>
    public static bool TryGuid(ReadOnlySpan<byte> s, out Guid value) =>
        Guid.TryParse(s, out value) || Guid.TryParse(Encoding.UTF8.GetString(s), out value);

    private static int D(ReadOnlySpan<byte> s, int i)
    {
        var d = s[i] - '0';
        return (uint)d <= 9 ? d : throw new FormatException($"Not a storage-format date: '{Encoding.UTF8.GetString(s)}'.");
    }
}
