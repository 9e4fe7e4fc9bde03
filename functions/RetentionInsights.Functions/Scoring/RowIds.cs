using System.Security.Cryptography;
using System.Text;

namespace RetentionInsights.Functions.Scoring;

/// <summary>
/// Name-based ids (RFC 9562 version 5, SHA-1) for the rows the service creates. Two writers that decide the same row — two
/// instances handling events of one contact at the same moment, or a batch beside a live event — compute the same id, so
/// the second write upserts the first writer's row instead of adding a duplicate.
/// </summary>
public static class RowIds
{
    // A fixed namespace for this product's rows (a random UUID chosen once; changing it would re-key every future row).
    private static readonly Guid Namespace = Guid.Parse("5b0f3c1e-8a47-4d2b-9e61-3f7c2a9d4b10");

    /// <summary>
    /// A contact's recommendation of an offer. <paramref name="answered"/> is how many recommendations of that offer the contact
    /// has already answered: an answered row is history and keeps its id, a later proposal of the same offer gets a new row.
    /// </summary>
    public static Guid Recommendation(Guid contactId, Guid offerId, int answered) =>
        Create($"recommendation/{contactId:N}/{offerId:N}/{answered}");

    /// <summary>The alert opened for a contact on a day (UTC): writers that open an alert on the same day agree on its row.</summary>
    public static Guid Alert(Guid contactId, DateTime openedOn) =>
        Create($"alert/{contactId:N}/{openedOn:yyyyMMdd}");

    public static Guid Create(string name)
    {
        Span<byte> input = stackalloc byte[16 + Encoding.UTF8.GetByteCount(name)];
        Namespace.TryWriteBytes(input[..16], bigEndian: true, out _);
        Encoding.UTF8.GetBytes(name, input[16..]);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(hash[..16], bigEndian: true);
    }
}
