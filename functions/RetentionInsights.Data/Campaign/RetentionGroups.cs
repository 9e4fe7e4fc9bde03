using System.Buffers.Binary;
using System.Security.Cryptography;
using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Data.Campaign;

/// <summary>
/// The standing control group: per period, a share of contacts is held out from proactive retention offers. Assignment is a
/// pure function of the contact id and the period start (SHA-256, so it is stable across processes, machines and releases),
/// which lets any later analysis recompute who was in which group without a separate assignment log.
/// </summary>
public static class RetentionGroups
{
    public const double DefaultControlShare = 0.10;
    public const int DefaultPeriodMonths = 3;

    /// <summary>Start of the period that contains <paramref name="at"/>: periods are aligned to 1 January (quarters by default).</summary>
    public static DateTime PeriodStart(DateTime at, int periodMonths = DefaultPeriodMonths)
    {
        Validate(DefaultControlShare, periodMonths);
        var month = (at.Month - 1) / periodMonths * periodMonths;
        return new DateTime(at.Year, month + 1, 1, 0, 0, 0, DateTimeKind.Utc);
    }

    /// <summary>True when the contact is held out in the period that contains <paramref name="at"/>.</summary>
    public static bool IsControl(Guid contactId, DateTime at, double controlShare = DefaultControlShare, int periodMonths = DefaultPeriodMonths)
    {
        Validate(controlShare, periodMonths);
        if (controlShare <= 0)
            return false;
        var period = PeriodStart(at, periodMonths);
        Span<byte> input = stackalloc byte[24];
        contactId.TryWriteBytes(input);
        BinaryPrimitives.WriteInt64LittleEndian(input[16..], period.Ticks);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        var uniform = (BinaryPrimitives.ReadUInt64LittleEndian(hash) >> 11) * (1.0 / (1UL << 53));
        return uniform < controlShare;
    }

    /// <summary>The rtn_retentiongroup option value for the contact in the period that contains <paramref name="at"/>.</summary>
    public static int GroupOf(Guid contactId, DateTime at, double controlShare = DefaultControlShare, int periodMonths = DefaultPeriodMonths) =>
        IsControl(contactId, at, controlShare, periodMonths) ? Names.Choices.GroupControl : Names.Choices.GroupTreatment;

    public static void Validate(double controlShare, int periodMonths)
    {
        if (controlShare is < 0 or > 0.5 || double.IsNaN(controlShare))
            throw new ArgumentOutOfRangeException(nameof(controlShare), controlShare, "The control-group share must be between 0 and 0.5 (default 0.10).");
        if (periodMonths is not (1 or 2 or 3 or 4 or 6 or 12))
            throw new ArgumentOutOfRangeException(nameof(periodMonths), periodMonths, "The control-group period must be 1, 2, 3, 4, 6 or 12 months so periods align with the calendar year.");
    }
}
