using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using K4os.Compression.LZ4;
using RetentionInsights.Data.Records;

namespace RetentionInsights.Functions.Nightly;

/// <summary>
/// The snapshot as one compact binary stream: a header with the schema key, format version and watermarks, the sentiment
/// of every message, then per contact its records in the order the reader delivered them, so a history read back is equal
/// (record by record) to the one written, and its score columns. Dates are stored as ticks, kinds as UTC. Each history is a
/// length-prefixed, separately compressed record (<see cref="Encode"/>), the form <see cref="SnapshotHistories"/> keeps in
/// memory, so loading and saving copy bytes and never decode or re-compress a history.
/// </summary>
public static class SnapshotFormat
{
    private const string Magic = "RTNSNAP";

    /// <summary>The magic as <see cref="BinaryWriter"/> writes it (length byte, then the characters).</summary>
    private static readonly byte[] HeaderBytes = [(byte)Magic.Length, .. Encoding.ASCII.GetBytes(Magic)];

    public static void Write(FeatureSnapshot snapshot, Stream stream)
    {
        using var w = new BinaryWriter(new BufferedStream(stream, 1 << 16), Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(FeatureSnapshot.FormatVersion);
        w.Write(snapshot.SchemaKey);
        w.Write(snapshot.Watermark);
        w.Write(snapshot.BuiltOn.Ticks);
        w.Write(snapshot.UpdatedOn.Ticks);
        w.Write(snapshot.OwnRowsKept);
        WriteGuid(w, snapshot.NightId);
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
        foreach (var (id, bytes) in snapshot.Histories.AllEncoded)
        {
            w.Write(bytes.Length);
            w.Write(bytes);
            WriteScores(w, snapshot.Scores.GetValueOrDefault(id));
        }
    }

    /// <summary>
    /// The snapshot in <paramref name="stream"/>, or null when it is of another format version (it is then rebuilt). Formats
    /// up to 2 compressed the whole stream, so their first bytes are not this header: they are of another version too.
    /// </summary>
    public static FeatureSnapshot? Read(Stream stream)
    {
        using var r = new BinaryReader(new BufferedStream(stream, 1 << 16), Encoding.UTF8, leaveOpen: true);
        var header = r.ReadBytes(HeaderBytes.Length + sizeof(int));
        if (header.Length < HeaderBytes.Length + sizeof(int) || !header.AsSpan(0, HeaderBytes.Length).SequenceEqual(HeaderBytes)
            || BitConverter.ToInt32(header, HeaderBytes.Length) != FeatureSnapshot.FormatVersion)
            return null;
        var schemaKey = r.ReadString();
        var watermark = r.ReadInt64();
        var builtOn = new DateTime(r.ReadInt64(), DateTimeKind.Utc);
        var updatedOn = new DateTime(r.ReadInt64(), DateTimeKind.Utc);
        var snapshot = new FeatureSnapshot
        {
            SchemaKey = schemaKey, Watermark = watermark, BuiltOn = builtOn, UpdatedOn = updatedOn, OwnRowsKept = r.ReadBoolean(), NightId = ReadGuid(r),
        };
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
            // Kept as read: a history is decoded only when the rescore asks for it.
            var length = r.ReadInt32();
            var bytes = r.ReadBytes(length);
            if (bytes.Length != length || length < RecordHeader)
                throw new EndOfStreamException("The feature snapshot ends inside a record.");
            var id = ContactOf(bytes);
            snapshot.Histories.SetEncoded(id, bytes);
            if (ReadScores(r, id) is { } scores)
                snapshot.Scores[id] = scores;
        }
        return snapshot;
    }

    /// <summary>Contact id, uncompressed length and compressed length of the main part, in front of its compressed bytes.</summary>
    private const int RecordHeader = 16 + sizeof(int) + sizeof(int);

    /// <summary>
    /// A history as the compact record the snapshot keeps: its contact id (16 bytes), the main part (everything but the
    /// service's own rows) LZ4-compressed behind its two lengths, then the service's own rows — recommendations and alerts —
    /// uncompressed. Every contact is decoded every night, so the codec is chosen for speed: LZ4 decodes several times faster
    /// than Deflate and encodes about ten times faster, for records a few percent larger (the records are mostly dates,
    /// amounts and ids). Compressed one by one, a record is decoded on its own, in any order and on any thread, and an
    /// unchanged record is saved as it is. The own rows come last and on their own because they are what a night changes
    /// most (offers re-valued for most contacts that have them): <see cref="WithOwnRows"/> puts new ones behind the main part
    /// as it is, without encoding and compressing the contact's whole history again.
    /// </summary>
    public static byte[] Encode(CustomerHistory history)
    {
        var raw = t_buffer ??= new MemoryStream(1 << 14);
        raw.SetLength(0);
        using (var w = new BinaryWriter(raw, Encoding.UTF8, leaveOpen: true))
            WriteMain(w, history);
        var length = (int)raw.Length;
        var bound = RecordHeader + LZ4Codec.MaximumOutputSize(length);
        if (t_record is null || t_record.Length < bound)
            t_record = new byte[Math.Max(bound, 1 << 14)];
        var record = t_record.AsSpan();
        history.Contact.Id.TryWriteBytes(record);
        BinaryPrimitives.WriteInt32LittleEndian(record[16..], length);
        var compressed = LZ4Codec.Encode(raw.GetBuffer().AsSpan(0, length), record[RecordHeader..], LZ4Level.L00_FAST);
        BinaryPrimitives.WriteInt32LittleEndian(record[20..], compressed);
        return Join(record[..(RecordHeader + compressed)], history.Recommendations, history.Alerts);
    }

    /// <summary>
    /// <paramref name="record"/> with <paramref name="recommendations"/> and <paramref name="alerts"/> as the contact's own rows
    /// in place of those it holds: the main part is copied as it is.
    /// </summary>
    public static byte[] WithOwnRows(byte[] record, IReadOnlyList<RecommendationRecord> recommendations, IReadOnlyList<AlertRecord> alerts) =>
        Join(record.AsSpan(0, MainEnd(record)), recommendations, alerts);

    private static byte[] Join(ReadOnlySpan<byte> main, IReadOnlyList<RecommendationRecord> recommendations, IReadOnlyList<AlertRecord> alerts)
    {
        var own = t_own ??= new MemoryStream(1 << 12);
        own.SetLength(0);
        using (var w = new BinaryWriter(own, Encoding.UTF8, leaveOpen: true))
            WriteOwnRows(w, recommendations, alerts);
        var joined = new byte[main.Length + own.Length];
        main.CopyTo(joined);
        own.GetBuffer().AsSpan(0, (int)own.Length).CopyTo(joined.AsSpan(main.Length));
        return joined;
    }

    /// <summary>Where a record's main part ends and its own rows begin.</summary>
    private static int MainEnd(byte[] record)
    {
        var end = record.Length < RecordHeader ? -1 : RecordHeader + BinaryPrimitives.ReadInt32LittleEndian(record.AsSpan(20));
        return end >= RecordHeader && end <= record.Length ? end : throw new InvalidDataException("A feature snapshot record is damaged.");
    }

    /// <summary>The contact id of a record made by <see cref="Encode"/>.</summary>
    public static Guid ContactOf(byte[] record) => new(record.AsSpan(0, 16));

    /// <summary>The history of a record made by <see cref="Encode"/>, equal record by record to the one encoded.</summary>
    public static CustomerHistory Decode(byte[] record)
    {
        // Every contact is decoded every night: a pooled buffer spares the garbage collector one array per contact.
        var mainEnd = MainEnd(record);
        var length = BinaryPrimitives.ReadInt32LittleEndian(record.AsSpan(16));
        if (length < 0)
            throw new InvalidDataException("A feature snapshot record is damaged.");
        var raw = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            if (LZ4Codec.Decode(record.AsSpan(RecordHeader, mainEnd - RecordHeader), raw.AsSpan(0, length)) != length)
                throw new InvalidDataException("A feature snapshot record is damaged.");
            var own = new RecordReader(record.AsSpan(mainEnd));
            var (recommendations, alerts) = ReadOwnRows(ref own, ContactOf(record));
            var main = new RecordReader(raw.AsSpan(0, length));
            var history = ReadMain(ref main, recommendations, alerts);
            return main.AtEnd && own.AtEnd && history.Contact.Id == ContactOf(record)
                ? history
                : throw new InvalidDataException("A feature snapshot record is damaged.");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    [ThreadStatic]
    private static MemoryStream? t_buffer;

    [ThreadStatic]
    private static byte[]? t_record;

    [ThreadStatic]
    private static MemoryStream? t_own;

    private static void WriteMain(BinaryWriter w, CustomerHistory h)
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

    private static void WriteOwnRows(BinaryWriter w, IReadOnlyList<RecommendationRecord> recommendations, IReadOnlyList<AlertRecord> alerts)
    {
        w.Write(recommendations.Count);
        foreach (var x in recommendations)
        {
            WriteGuid(w, x.Id);
            WriteGuid(w, x.OfferId);
            w.Write(x.Rank);
            WriteDouble(w, x.AcceptanceProbability);
            WriteDecimal(w, x.ExpectedValue);
            WriteText(w, x.Reason);
            w.Write(x.Status);
            WriteDate(w, x.CreatedOn);
            WriteDate(w, x.RespondedOn);
            WriteInt(w, x.Channel);
            WriteText(w, x.ModelVersion);
            WriteText(w, x.TalkingPoint);
            WriteDouble(w, x.ChurnReduction);
        }
        w.Write(alerts.Count);
        foreach (var x in alerts)
        {
            WriteGuid(w, x.Id);
            w.Write(x.Level);
            WriteText(w, x.Signals);
            WriteDouble(w, x.Sentiment);
            WriteDate(w, x.DueBy);
            w.Write(x.Status);
            WriteInt(w, x.Feedback);
            WriteDate(w, x.CreatedOn);
            WriteDate(w, x.ResolvedOn);
        }
    }

    private static void WriteScores(BinaryWriter w, ContactScores? s)
    {
        w.Write(s is not null);
        if (s is null)
            return;
        WriteDouble(w, s.ChurnProbability);
        WriteDouble(w, s.PreviousChurnProbability);
        WriteInt(w, s.ChurnRiskBand);
        WriteDecimal(w, s.Clv12m);
        WriteDecimal(w, s.Clv36m);
        WriteDouble(w, s.PAlive);
        WriteInt(w, s.ValueSegment);
        WriteText(w, s.ChurnReasons);
        WriteInt(w, s.EarlyWarningLevel);
        WriteDate(w, s.ScoredOn);
        WriteText(w, s.ModelVersion);
        WriteDecimal(w, s.ValueIfRetained);
        WriteText(w, s.ChurnReasonCodes);
        WriteText(w, s.ChurnReasonDetails);
        WriteInt(w, s.ChurnTrend);
        WriteInt(w, s.PreviousRiskBand);
        WriteDate(w, s.RiskBandChangedOn);
        WriteInt(w, s.RetentionGroup);
        WriteDate(w, s.RetentionGroupSince);
        WriteInt(w, s.UpliftSegment);
    }

    private static ContactScores? ReadScores(BinaryReader r, Guid contactId) =>
        !r.ReadBoolean() ? null : new ContactScores(contactId, ReadDouble(r), ReadDouble(r), ReadInt(r), ReadDecimal(r), ReadDecimal(r), ReadDouble(r),
            ReadInt(r), ReadText(r), ReadInt(r), ReadDateN(r), ReadText(r))
        {
            ValueIfRetained = ReadDecimal(r),
            ChurnReasonCodes = ReadText(r),
            ChurnReasonDetails = ReadText(r),
            ChurnTrend = ReadInt(r),
            PreviousRiskBand = ReadInt(r),
            RiskBandChangedOn = ReadDateN(r),
            RetentionGroup = ReadInt(r),
            RetentionGroupSince = ReadDateN(r),
            UpliftSegment = ReadInt(r),
        };

    private static CustomerHistory ReadMain(ref RecordReader r, RecommendationRecord[] recommendations, AlertRecord[] alerts)
    {
        var id = r.Guid();
        var name = r.String();
        var created = r.Date();
        var state = r.Int();
        var flags = r.Byte();
        var contact = new ContactRecord(id, name, created, state, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, (flags & 8) != 0,
            r.DateN(), r.RepeatedN(), r.RepeatedN());

        var orders = new OrderRecord[r.Int()];
        for (var i = 0; i < orders.Length; i++)
        {
            orders[i] = new OrderRecord(r.Guid(), id, r.Repeated(), r.Decimal(), r.DateN(), r.DateN(), r.DateN(), r.DateN(), r.Int(), r.Date())
            { ModifiedOn = r.DateN(), Tariff = r.IntN(), TermMonths = r.IntN() };
        }
        var lines = new OrderLineRecord[r.Int()];
        for (var i = 0; i < lines.Length; i++)
            lines[i] = new OrderLineRecord(r.Guid(), r.Guid(), r.Repeated(), r.Decimal(), r.Decimal(), r.Decimal());
        var invoices = new InvoiceRecord[r.Int()];
        for (var i = 0; i < invoices.Length; i++)
            invoices[i] = new InvoiceRecord(r.Guid(), id, r.GuidN(), r.Decimal(), r.Date(), r.DateN(), r.Date());
        var cases = new CaseRecord[r.Int()];
        for (var i = 0; i < cases.Length; i++)
        {
            cases[i] = new CaseRecord(r.Guid(), id, r.Repeated(), r.Text(), r.Int(), r.IntN(), r.IntN(), r.IntN(), r.GuidN(), r.Date(), r.DateN(), r.Int())
            { ModifiedOn = r.DateN() };
        }
        var resolutions = new CaseResolutionRecord[r.Int()];
        for (var i = 0; i < resolutions.Length; i++)
            resolutions[i] = new CaseResolutionRecord(r.Guid(), r.Guid(), r.Date(), r.DateN());
        var activities = new ActivityRecord[r.Int()];
        for (var i = 0; i < activities.Length; i++)
        {
            var activityId = r.Guid();
            var kind = r.Byte();
            activities[i] = new ActivityRecord(activityId, id, (kind & 1) != 0 ? ActivityKind.PhoneCall : ActivityKind.Email, (kind & 2) != 0,
                r.RepeatedN(), r.Text(), r.Date(), r.IntN());
        }
        var usage = new UsageRecord[r.Int()];
        for (var i = 0; i < usage.Length; i++)
            usage[i] = new UsageRecord(id, r.Date(), r.Double(), r.Double()) { CreatedOn = r.DateN() };
        return new CustomerHistory(contact, orders, lines, invoices, cases, activities, usage, recommendations, alerts) { CaseResolutions = resolutions };
    }

    private static (RecommendationRecord[] Recommendations, AlertRecord[] Alerts) ReadOwnRows(ref RecordReader r, Guid id)
    {
        var recommendations = new RecommendationRecord[r.Int()];
        for (var i = 0; i < recommendations.Length; i++)
        {
            recommendations[i] = new RecommendationRecord(r.Guid(), id, r.Guid(), r.Int(), r.DoubleN(), r.DecimalN(), r.Text(), r.Int(),
                r.Date(), r.DateN(), r.IntN(), r.RepeatedN())
            { TalkingPoint = r.Text(), ChurnReduction = r.DoubleN() };
        }
        var alerts = new AlertRecord[r.Int()];
        for (var i = 0; i < alerts.Length; i++)
            alerts[i] = new AlertRecord(r.Guid(), id, r.Int(), r.Text(), r.DoubleN(), r.DateN(), r.Int(), r.IntN(), r.Date(), r.DateN());
        return (recommendations, alerts);
    }

    /// <summary>
    /// Reads a record's binary form as <see cref="BinaryWriter"/> and the Write helpers here wrote it (little-endian numbers,
    /// length-prefixed UTF-8 strings, a presence flag before each optional value) straight from the decompressed bytes: no
    /// stream or reader object per record, and a record that ends early is reported as damaged.
    /// </summary>
    private ref struct RecordReader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at;

        public readonly bool AtEnd => _at == _bytes.Length;

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count < 0 || count > _bytes.Length - _at)
                throw new InvalidDataException("A feature snapshot record is damaged.");
            var taken = _bytes.Slice(_at, count);
            _at += count;
            return taken;
        }

        public byte Byte() => Take(1)[0];

        public bool Bool() => Byte() != 0;

        public int Int() => BinaryPrimitives.ReadInt32LittleEndian(Take(sizeof(int)));

        public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Take(sizeof(double)));

        public Guid Guid() => new(Take(16));

        public DateTime Date()
        {
            var ticks = BinaryPrimitives.ReadInt64LittleEndian(Take(sizeof(long)));
            return new DateTime(ticks, (DateTimeKind)Byte());
        }

        public decimal Decimal()
        {
            var bits = Take(4 * sizeof(int));
            ReadOnlySpan<int> parts =
            [
                BinaryPrimitives.ReadInt32LittleEndian(bits), BinaryPrimitives.ReadInt32LittleEndian(bits[4..]),
                BinaryPrimitives.ReadInt32LittleEndian(bits[8..]), BinaryPrimitives.ReadInt32LittleEndian(bits[12..]),
            ];
            try
            {
                return new decimal(parts);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException("A feature snapshot record is damaged.", e);
            }
        }

        /// <summary>A string as <see cref="BinaryWriter.Write(string)"/> writes it: its UTF-8 length as a 7-bit encoded integer, then the bytes.</summary>
        public string String() => Encoding.UTF8.GetString(Utf8());

        private ReadOnlySpan<byte> Utf8()
        {
            var length = 0;
            for (var shift = 0; ; shift += 7)
            {
                if (shift > 28)
                    throw new InvalidDataException("A feature snapshot record is damaged.");
                var b = Byte();
                length |= (b & 0x7F) << shift;
                if (b < 0x80)
                    break;
            }
            return Take(length);
        }

        /// <summary>
        /// A string of the kind that repeats across contacts (a product, a contract or case title, a message subject, a city,
        /// a model version): the same text read on this thread before is returned as the same string, not allocated again.
        /// </summary>
        public string Repeated() => RepeatedTexts.Get(Utf8());

        public string? RepeatedN() => Bool() ? Repeated() : null;

        public Guid? GuidN() => Bool() ? Guid() : null;

        public DateTime? DateN() => Bool() ? Date() : null;

        public string? Text() => Bool() ? String() : null;

        public int? IntN() => Bool() ? Int() : null;

        public double? DoubleN() => Bool() ? Double() : null;

        public decimal? DecimalN() => Bool() ? Decimal() : null;
    }

    /// <summary>
    /// The texts of the repeating kind (<see cref="RecordReader.Repeated"/>) this thread has decoded, by their UTF-8 bytes.
    /// Every contact is decoded every night, and a product, a case title or a message subject is one of a few hundred values:
    /// looked up, it costs no allocation and the decoded histories hold one copy. Bounded: long texts are not kept, and the
    /// table starts over when full.
    /// </summary>
    private static class RepeatedTexts
    {
        private const int MaxTexts = 4096;
        private const int MaxBytes = 256;

        [ThreadStatic]
        private static Dictionary<byte[], string>? t_texts;

        public static string Get(ReadOnlySpan<byte> utf8)
        {
            if (utf8.Length > MaxBytes)
                return Encoding.UTF8.GetString(utf8);
            var texts = t_texts ??= new Dictionary<byte[], string>(Utf8Comparer.Instance);
            var lookup = texts.GetAlternateLookup<ReadOnlySpan<byte>>();
            if (lookup.TryGetValue(utf8, out var text))
                return text;
            if (texts.Count >= MaxTexts)
                texts.Clear();
            text = Encoding.UTF8.GetString(utf8);
            lookup[utf8] = text;
            return text;
        }
    }

    /// <summary>UTF-8 bytes compared by content, looked up by a span without copying it.</summary>
    private sealed class Utf8Comparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly Utf8Comparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] bytes) => GetHashCode((ReadOnlySpan<byte>)bytes);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
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

    private static void WriteDouble(BinaryWriter w, double? value)
    {
        w.Write(value.HasValue);
        if (value is { } v)
            w.Write(v);
    }

    private static double? ReadDouble(BinaryReader r) => r.ReadBoolean() ? r.ReadDouble() : null;

    private static void WriteDecimal(BinaryWriter w, decimal? value)
    {
        w.Write(value.HasValue);
        if (value is { } v)
            w.Write(v);
    }

    private static decimal? ReadDecimal(BinaryReader r) => r.ReadBoolean() ? r.ReadDecimal() : null;
}
