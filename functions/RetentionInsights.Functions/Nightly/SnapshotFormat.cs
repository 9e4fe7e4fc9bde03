using System.IO.Compression;
using System.Text;
using RetentionInsights.Data.Records;

namespace RetentionInsights.Functions.Nightly;

/// <summary>
/// The snapshot as one compact binary stream (Brotli-compressed, fastest level): a header with the schema key, format
/// version and watermarks, then per contact its records in the order the reader delivered them, so a history read back is
/// equal (record by record) to the one written. Dates are stored as ticks, kinds as UTC.
/// </summary>
public static class SnapshotFormat
{
    private const string Magic = "RTNSNAP";

    public static void Write(FeatureSnapshot snapshot, Stream stream)
    {
        using var compressed = new BrotliStream(stream, CompressionLevel.Fastest, leaveOpen: true);
        using var w = new BinaryWriter(new BufferedStream(compressed, 1 << 16), Encoding.UTF8, leaveOpen: false);
        w.Write(Magic);
        w.Write(FeatureSnapshot.FormatVersion);
        w.Write(snapshot.SchemaKey);
        w.Write(snapshot.Watermark);
        w.Write(snapshot.BuiltOn.Ticks);
        w.Write(snapshot.UpdatedOn.Ticks);
        w.Write(snapshot.DeltaLinks.Count);
        foreach (var (table, link) in snapshot.DeltaLinks)
        {
            w.Write(table);
            w.Write(link);
        }
        w.Write(snapshot.Sentiment.Count);
        foreach (var (id, score) in snapshot.Sentiment)
        {
            WriteGuid(w, id);
            w.Write(score);
        }
        w.Write(snapshot.Histories.Count);
        foreach (var history in snapshot.Histories.Values)
            WriteHistory(w, history);
    }

    /// <summary>The snapshot in <paramref name="stream"/>, or null when it is of another format version (it is then rebuilt).</summary>
    public static FeatureSnapshot? Read(Stream stream)
    {
        using var decompressed = new BrotliStream(stream, CompressionMode.Decompress, leaveOpen: true);
        using var r = new BinaryReader(new BufferedStream(decompressed, 1 << 16), Encoding.UTF8, leaveOpen: false);
        if (r.ReadString() != Magic)
            throw new InvalidDataException("Not a feature snapshot.");
        if (r.ReadInt32() != FeatureSnapshot.FormatVersion)
            return null;
        var snapshot = new FeatureSnapshot { SchemaKey = r.ReadString() };
        snapshot.Watermark = r.ReadInt64();
        snapshot.BuiltOn = new DateTime(r.ReadInt64(), DateTimeKind.Utc);
        snapshot.UpdatedOn = new DateTime(r.ReadInt64(), DateTimeKind.Utc);
        for (var n = r.ReadInt32(); n > 0; n--)
            snapshot.DeltaLinks[r.ReadString()] = r.ReadString();
        var sentiments = r.ReadInt32();
        snapshot.Sentiment.EnsureCapacity(sentiments);
        for (var n = sentiments; n > 0; n--)
            snapshot.Sentiment[ReadGuid(r)] = r.ReadDouble();
        var histories = r.ReadInt32();
        snapshot.Histories.EnsureCapacity(histories);
        for (var n = histories; n > 0; n--)
        {
            var history = ReadHistory(r);
            snapshot.Histories[history.Contact.Id] = history;
        }
        return snapshot;
    }

    private static void WriteHistory(BinaryWriter w, CustomerHistory h)
    {
        var c = h.Contact;
        WriteGuid(w, c.Id);
        w.Write(c.FullName);
        WriteDate(w, c.CreatedOn);
        w.Write(c.StateCode);
        w.Write((byte)((c.DoNotEmail ? 1 : 0) | (c.DoNotPhone ? 2 : 0) | (c.DoNotBulkEmail ? 4 : 0) | (c.ProfilingOptOut ? 8 : 0)));
        WriteDate(w, c.BirthDate);
        WriteText(w, c.City);
        WriteText(w, c.Country);

        w.Write(h.Orders.Count);
        foreach (var o in h.Orders)
        {
            WriteGuid(w, o.Id);
            w.Write(o.Name);
            w.Write(o.TotalAmount);
            WriteDate(w, o.SubmitDate);
            WriteDate(w, o.Start);
            WriteDate(w, o.ContractEnd);
            WriteDate(w, o.CancelledOn);
            w.Write(o.StateCode);
            WriteDate(w, o.CreatedOn);
            WriteDate(w, o.ModifiedOn);
            WriteInt(w, o.Tariff);
            WriteInt(w, o.TermMonths);
        }
        w.Write(h.OrderLines.Count);
        foreach (var l in h.OrderLines)
        {
            WriteGuid(w, l.Id);
            WriteGuid(w, l.OrderId);
            w.Write(l.Product);
            w.Write(l.Quantity);
            w.Write(l.PricePerUnit);
            w.Write(l.Amount);
        }
        w.Write(h.Invoices.Count);
        foreach (var i in h.Invoices)
        {
            WriteGuid(w, i.Id);
            WriteGuid(w, i.OrderId);
            w.Write(i.Amount);
            WriteDate(w, i.DueDate);
            WriteDate(w, i.PaidOn);
            WriteDate(w, i.CreatedOn);
        }
        w.Write(h.Cases.Count);
        foreach (var x in h.Cases)
        {
            WriteGuid(w, x.Id);
            w.Write(x.Title);
            WriteText(w, x.Description);
            w.Write(x.CaseType);
            WriteInt(w, x.Priority);
            WriteInt(w, x.Origin);
            WriteInt(w, x.Satisfaction);
            WriteGuid(w, x.ParentCaseId);
            WriteDate(w, x.CreatedOn);
            WriteDate(w, x.ResolvedOn);
            w.Write(x.StateCode);
            WriteDate(w, x.ModifiedOn);
        }
        w.Write(h.CaseResolutions.Count);
        foreach (var x in h.CaseResolutions)
        {
            WriteGuid(w, x.Id);
            WriteGuid(w, x.CaseId);
            WriteDate(w, x.ResolvedOn);
            WriteDate(w, x.CancelledOn);
        }
        w.Write(h.Activities.Count);
        foreach (var a in h.Activities)
        {
            WriteGuid(w, a.Id);
            w.Write((byte)((a.Kind == ActivityKind.PhoneCall ? 1 : 0) | (a.Outgoing ? 2 : 0)));
            WriteText(w, a.Subject);
            WriteText(w, a.Text);
            WriteDate(w, a.On);
            WriteInt(w, a.DurationMinutes);
        }
        w.Write(h.Usage.Count);
        foreach (var u in h.Usage)
        {
            WriteDate(w, u.Date);
            w.Write(u.ElectricityKwh);
            w.Write(u.GasM3);
            WriteDate(w, u.CreatedOn);
        }
    }

    private static CustomerHistory ReadHistory(BinaryReader r)
    {
        var id = ReadGuid(r);
        var name = r.ReadString();
        var created = ReadDate(r);
        var state = r.ReadInt32();
        var flags = r.ReadByte();
        var contact = new ContactRecord(id, name, created, state, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, (flags & 8) != 0,
            ReadDateN(r), ReadText(r), ReadText(r));

        var orders = new OrderRecord[r.ReadInt32()];
        for (var i = 0; i < orders.Length; i++)
        {
            orders[i] = new OrderRecord(ReadGuid(r), id, r.ReadString(), r.ReadDecimal(), ReadDateN(r), ReadDateN(r), ReadDateN(r), ReadDateN(r),
                r.ReadInt32(), ReadDate(r))
            { ModifiedOn = ReadDateN(r), Tariff = ReadInt(r), TermMonths = ReadInt(r) };
        }
        var lines = new OrderLineRecord[r.ReadInt32()];
        for (var i = 0; i < lines.Length; i++)
            lines[i] = new OrderLineRecord(ReadGuid(r), ReadGuid(r), r.ReadString(), r.ReadDecimal(), r.ReadDecimal(), r.ReadDecimal());
        var invoices = new InvoiceRecord[r.ReadInt32()];
        for (var i = 0; i < invoices.Length; i++)
            invoices[i] = new InvoiceRecord(ReadGuid(r), id, ReadGuidN(r), r.ReadDecimal(), ReadDate(r), ReadDateN(r), ReadDate(r));
        var cases = new CaseRecord[r.ReadInt32()];
        for (var i = 0; i < cases.Length; i++)
        {
            cases[i] = new CaseRecord(ReadGuid(r), id, r.ReadString(), ReadText(r), r.ReadInt32(), ReadInt(r), ReadInt(r), ReadInt(r), ReadGuidN(r),
                ReadDate(r), ReadDateN(r), r.ReadInt32())
            { ModifiedOn = ReadDateN(r) };
        }
        var resolutions = new CaseResolutionRecord[r.ReadInt32()];
        for (var i = 0; i < resolutions.Length; i++)
            resolutions[i] = new CaseResolutionRecord(ReadGuid(r), ReadGuid(r), ReadDate(r), ReadDateN(r));
        var activities = new ActivityRecord[r.ReadInt32()];
        for (var i = 0; i < activities.Length; i++)
        {
            var activityId = ReadGuid(r);
            var kind = r.ReadByte();
            activities[i] = new ActivityRecord(activityId, id, (kind & 1) != 0 ? ActivityKind.PhoneCall : ActivityKind.Email, (kind & 2) != 0,
                ReadText(r), ReadText(r), ReadDate(r), ReadInt(r));
        }
        var usage = new UsageRecord[r.ReadInt32()];
        for (var i = 0; i < usage.Length; i++)
            usage[i] = new UsageRecord(id, ReadDate(r), r.ReadDouble(), r.ReadDouble()) { CreatedOn = ReadDateN(r) };
        return new CustomerHistory(contact, orders, lines, invoices, cases, activities, usage, [], []) { CaseResolutions = resolutions };
    }

    private static void WriteGuid(BinaryWriter w, Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        w.Write(bytes);
    }

    private static void WriteGuid(BinaryWriter w, Guid? id)
    {
        w.Write(id.HasValue);
        if (id is { } value)
            WriteGuid(w, value);
    }

    private static Guid ReadGuid(BinaryReader r)
    {
        Span<byte> bytes = stackalloc byte[16];
        for (var read = 0; read < bytes.Length;)
        {
            var n = r.Read(bytes[read..]);
            read += n > 0 ? n : throw new EndOfStreamException("The feature snapshot ends inside a record.");
        }
        return new Guid(bytes);
    }

    private static Guid? ReadGuidN(BinaryReader r) => r.ReadBoolean() ? ReadGuid(r) : null;

    private static void WriteDate(BinaryWriter w, DateTime value)
    {
        w.Write(value.Ticks);
        w.Write((byte)value.Kind);
    }

    private static void WriteDate(BinaryWriter w, DateTime? value)
    {
        w.Write(value.HasValue);
        if (value is { } d)
            WriteDate(w, d);
    }

    private static DateTime ReadDate(BinaryReader r) => new(r.ReadInt64(), (DateTimeKind)r.ReadByte());

    private static DateTime? ReadDateN(BinaryReader r) => r.ReadBoolean() ? ReadDate(r) : null;

    private static void WriteText(BinaryWriter w, string? text)
    {
        w.Write(text is not null);
        if (text is not null)
            w.Write(text);
    }

    private static string? ReadText(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static void WriteInt(BinaryWriter w, int? value)
    {
        w.Write(value.HasValue);
        if (value is { } v)
            w.Write(v);
    }

    private static int? ReadInt(BinaryReader r) => r.ReadBoolean() ? r.ReadInt32() : null;
}
