using Stopwatch = System.Diagnostics.Stopwatch;
using Microsoft.Data.Sqlite;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;

namespace RetentionInsights.Data.Reading;

/// <summary>What the reader linked, and what it could not link to a contact (and why).</summary>
public sealed class ReadReport
{
    public Dictionary<string, long> RowsRead { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> RowsDropped { get; } = new(StringComparer.Ordinal);
    public double Seconds { get; set; }

    internal void Read(string table) => RowsRead[table] = RowsRead.GetValueOrDefault(table) + 1;

    internal void Drop(string table, string reason)
    {
        var key = $"{table}: {reason}";
        RowsDropped[key] = RowsDropped.GetValueOrDefault(key) + 1;
    }

    public long TotalRows => RowsRead.Values.Sum();

    /// <summary>Adds the counts of reports of tables read separately, keeping the tables in the reader's order.</summary>
    internal void Merge(IEnumerable<ReadReport> others)
    {
        foreach (var other in others)
        {
            foreach (var (table, n) in other.RowsRead)
                RowsRead[table] = RowsRead.GetValueOrDefault(table) + n;
            foreach (var (reason, n) in other.RowsDropped)
                RowsDropped[reason] = RowsDropped.GetValueOrDefault(reason) + n;
        }
        Reorder(RowsRead, key => key);
        Reorder(RowsDropped, key => key[..Math.Max(0, key.IndexOf(':', StringComparison.Ordinal))]);
    }

    private static void Reorder(Dictionary<string, long> counts, Func<string, string> tableOf)
    {
        var ordered = counts.OrderBy(kv => LocalOrgReader.TableOrder(tableOf(kv.Key))).ToList();
        counts.Clear();
        foreach (var (key, n) in ordered)
            counts[key] = n;
    }
}

/// <summary>The whole local org as the engine sees it.</summary>
public sealed record OrgData(IReadOnlyList<CustomerHistory> Histories, IReadOnlyList<OfferRecord> Offers, ReadReport Report);

/// <summary>
/// Bulk reader of the local org into <see cref="CustomerHistory"/> records: one forward pass per table with ordinal access,
/// rows grouped by contact id in memory (no per-contact queries), and records linked to their contact — cases and invoices
/// by customer, order lines through their order, messages regarding a case through that case's customer. Rows that cannot be
/// linked to a contact are counted in <see cref="ReadReport"/> with the reason. Column names are checked against
/// datamodel.json when the reader is created, so a rename fails loudly instead of reading nulls.
/// </summary>
public sealed class LocalOrgReader
{
    private readonly DataModel _model;

    public LocalOrgReader(DataModel? model = null)
    {
        _model = model ?? DataModel.Current;
        foreach (var (table, columns) in Queries)
        {
            var definition = _model.Table(table);
            foreach (var column in columns)
            {
                if (!definition.HasColumn(column) && !(column.EndsWith("type", StringComparison.Ordinal) && definition.HasColumn(column[..^4])))
                    throw new KeyNotFoundException($"Reader selects '{table}.{column}', which datamodel.json does not define.");
            }
        }
    }

    /// <summary>Tables and columns the reader selects, in ordinal order.</summary>
    public static readonly IReadOnlyList<(string Table, string[] Columns)> Queries =
    [
        (Names.Contact.Table, [Names.Contact.Id, "fullname", "createdon", "statecode", "donotemail", "donotphone", "donotbulkemail", Names.Contact.ProfilingOptOut, "birthdate", "address1_city", "address1_country"]),
        ("salesorder", ["salesorderid", "customerid", "customeridtype", "name", "totalamount", "submitdate", "datefulfilled", "rtn_contractend", "rtn_cancelledon", "statecode", "createdon", "modifiedon", "rtn_tariff", "rtn_termmonths"]),
        ("salesorderdetail", ["salesorderdetailid", "salesorderid", "productdescription", "quantity", "priceperunit", "extendedamount"]),
        ("invoice", ["invoiceid", "customerid", "customeridtype", "salesorderid", "totalamount", "duedate", "rtn_paidon", "createdon"]),
        ("incident", ["incidentid", "customerid", "customeridtype", "title", "description", "casetypecode", "prioritycode", "caseorigincode", "customersatisfactioncode", "parentcaseid", "createdon", "modifiedon", "statecode"]),
        ("incidentresolution", ["activityid", "incidentid", "actualend", "modifiedon", "statecode"]),
        ("email", ["activityid", "regardingobjectid", "regardingobjectidtype", "directioncode", "subject", "description", "actualend", "createdon"]),
        ("phonecall", ["activityid", "regardingobjectid", "regardingobjectidtype", "directioncode", "subject", "description", "actualend", "createdon", "actualdurationminutes"]),
        ("rtn_usagereading", ["rtn_contactid", "rtn_readingdate", "rtn_electricitykwh", "rtn_gasm3", "createdon"]),
        (Names.OfferRecommendation.Table, [Names.OfferRecommendation.Id, Names.OfferRecommendation.Contact, Names.OfferRecommendation.Offer, "rtn_rank", "rtn_acceptanceprobability", "rtn_expectedvalue", "rtn_reason", Names.OfferRecommendation.Status, "createdon", "rtn_respondedon", "rtn_channel", "rtn_modelversion", "rtn_talkingpoint", "rtn_churnreduction"]),
        (Names.RetentionAlert.Table, [Names.RetentionAlert.Id, Names.RetentionAlert.Contact, "rtn_level", "rtn_signals", "rtn_sentiment", "rtn_dueby", "rtn_status", "rtn_feedback", "createdon", "rtn_resolvedon"]),
        (Names.Offer.Table, [Names.Offer.Id, "rtn_name", "rtn_code", "rtn_offertype", "rtn_description", "rtn_cost", "rtn_marginimpact", "rtn_eligibilityrules", "rtn_maxper90days", "rtn_active"]),
    ];

    /// <summary>The tables a polymorphic lookup names, read as these strings instead of a new one per row.</summary>
    private static readonly string[] LookupTables = ["contact", "incident", "account"];

    /// <summary>Position of a table in <see cref="Queries"/> (the order reports list tables in).</summary>
    internal static int TableOrder(string table)
    {
        for (var i = 0; i < Queries.Count; i++)
        {
            if (Queries[i].Table == table)
                return i;
        }
        return Queries.Count;
    }

    private static string Sql(string table, string? where = null) =>
        $"SELECT {string.Join(", ", Queries.First(q => q.Table == table).Columns)} FROM {table}" + (where is null ? string.Empty : " WHERE " + where);

    public OrgData ReadAll(string dbPath)
    {
        using var connection = LocalOrgDatabase.OpenExisting(dbPath, readOnly: true);
        return ReadAll(connection);
    }

    public OrgData ReadAll(SqliteConnection connection) => Read(new Commands(connection, null), ids: null);

    /// <summary>
    /// The whole org like <see cref="ReadAll(SqliteConnection)"/>, but the histories are built a block at a time as the caller
    /// enumerates them (once; a block's histories are built on every core), and each contact's rows are let go as its history
    /// is handed over: a caller that keeps histories in another form (the nightly snapshot) never holds the org's rows and its
    /// histories as objects at the same time.
    /// </summary>
    public (IEnumerable<CustomerHistory[]> Blocks, ReadReport Report) ReadAllInBlocks(SqliteConnection connection, int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        var builders = new List<Builder>();
        var report = Read(new Commands(connection, null), ids: null, builders).Report;
        return (BuildInBlocks(builders, blockSize), report);
    }

    private static IEnumerable<CustomerHistory[]> BuildInBlocks(List<Builder> builders, int blockSize)
    {
        for (var start = 0; start < builders.Count; start += blockSize)
        {
            var block = new CustomerHistory[Math.Min(blockSize, builders.Count - start)];
            Parallel.For(0, block.Length, i =>
            {
                block[i] = builders[start + i].Build();
                builders[start + i] = null!; // its rows are the caller's now
            });
            yield return block;
        }
        builders.Clear();
    }

    /// <summary>One customer's history, or null when the contact does not exist.</summary>
    public CustomerHistory? ReadCustomer(SqliteConnection connection, Guid contactId) => ReadCustomers(connection, [contactId]).FirstOrDefault();

    /// <summary>
    /// Histories of <paramref name="contactIds"/> (the service's events and batch chunks), read with the same rules as
    /// <see cref="ReadAll(SqliteConnection)"/>; unknown ids are left out. Keep slices to a few hundred ids.
    /// </summary>
    public IReadOnlyList<CustomerHistory> ReadCustomers(SqliteConnection connection, IReadOnlyList<Guid> contactIds) =>
        contactIds.Count == 0 ? [] : Read(new Commands(connection, null), contactIds).Histories;

    /// <summary><see cref="ReadCustomers(SqliteConnection, IReadOnlyList{Guid})"/> with the connection's prepared commands.</summary>
    public IReadOnlyList<CustomerHistory> ReadCustomers(PreparedConnection connection, IReadOnlyList<Guid> contactIds) =>
        contactIds.Count == 0 ? [] : Read(new Commands(connection.Connection, connection), contactIds).Histories;

    /// <summary>The recommendations and alerts of <paramref name="contactIds"/> only (what the stored state of a contact needs).</summary>
    public (ILookup<Guid, RecommendationRecord> Recommendations, ILookup<Guid, AlertRecord> Alerts) ReadRecommendationsAndAlerts(
        SqliteConnection connection, IReadOnlyList<Guid> contactIds) => ReadRecommendationsAndAlerts(new Commands(connection, null), contactIds);

    /// <summary><see cref="ReadRecommendationsAndAlerts(SqliteConnection, IReadOnlyList{Guid})"/> with the connection's prepared commands.</summary>
    public (ILookup<Guid, RecommendationRecord> Recommendations, ILookup<Guid, AlertRecord> Alerts) ReadRecommendationsAndAlerts(
        PreparedConnection connection, IReadOnlyList<Guid> contactIds) => ReadRecommendationsAndAlerts(new Commands(connection.Connection, connection), contactIds);

    private static (ILookup<Guid, RecommendationRecord> Recommendations, ILookup<Guid, AlertRecord> Alerts) ReadRecommendationsAndAlerts(
        Commands connection, IReadOnlyList<Guid> contactIds)
    {
        var recommendations = new List<RecommendationRecord>();
        var alerts = new List<AlertRecord>();
        var filter = IdFilter("rtn_contactid", contactIds);
        using (var query = Command(connection, Sql(Names.OfferRecommendation.Table, filter), contactIds))
        {
            var r = query.Rows;
            while (r.Read())
            {
                if (r.GuidOrNull(1) is { } contact)
                    recommendations.Add(Recommendation(r, contact));
            }
        }
        using (var query = Command(connection, Sql(Names.RetentionAlert.Table, filter), contactIds))
        {
            var r = query.Rows;
            while (r.Read())
            {
                if (r.GuidOrNull(1) is { } contact)
                    alerts.Add(Alert(r, contact));
            }
        }
        return (recommendations.OrderBy(x => x.CreatedOn).ThenBy(x => x.Id).ToLookup(x => x.ContactId),
            alerts.OrderBy(x => x.CreatedOn).ThenBy(x => x.Id).ToLookup(x => x.ContactId));
    }

    public IReadOnlyList<OfferRecord> ReadOffers(SqliteConnection connection)
    {
        var offers = new List<OfferRecord>();
        using var r = new RowCursor(connection, Sql(Names.Offer.Table) + " ORDER BY rtn_code, " + Names.Offer.Id);
        while (r.Read())
        {
            offers.Add(new OfferRecord(r.Guid(0), r.Text(1) ?? "", r.Text(2) ?? "", r.Int32(3), r.Text(4), r.MoneyOrNull(5) ?? 0, r.MoneyOrNull(6) ?? 0, r.Text(7),
                r.Int32OrNull(8) ?? 1, r.Flag(9)));
        }
        return offers;
    }

    /// <summary>
    /// Reads every selected column of every row without building records: the floor for "how fast can the data be read",
    /// which the engine and nightly benchmarks compare against. It fetches each value through the data reader, as it has since
    /// the first benchmark, so ratios stay comparable across versions; the reader itself now reads through
    /// <see cref="RowCursor"/>, which takes less time than this scan.
    /// </summary>
    public static (long Rows, double Seconds) Scan(SqliteConnection connection) => TimeEveryTable((sql, columns) =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var r = command.ExecuteReader();
        long rows = 0;
        while (r.Read())
        {
            for (var i = 0; i < columns; i++)
                _ = r.GetValue(i);
            rows++;
        }
        return rows;
    });

    /// <summary>
    /// <see cref="Scan"/> through <see cref="RowCursor"/>, the way the reader reads: every selected value fetched from SQLite
    /// (text as its bytes, numbers as numbers) and nothing made of it. The lower floor, printed beside the other so a ratio
    /// against either can be read.
    /// </summary>
    public static (long Rows, double Seconds) CursorScan(SqliteConnection connection) => TimeEveryTable((sql, columns) =>
    {
        using var r = new RowCursor(connection, sql);
        long rows = 0;
        while (r.Read())
        {
            for (var i = 0; i < columns; i++)
                r.Fetch(i);
            rows++;
        }
        return rows;
    });

    /// <summary>Rows of every table of <see cref="Queries"/> and the seconds it took, each table read by <paramref name="readTable"/>
    /// (its SQL and how many columns it selects).</summary>
    private static (long Rows, double Seconds) TimeEveryTable(Func<string, int, long> readTable)
    {
        var clock = Stopwatch.StartNew();
        long rows = 0;
        foreach (var (table, columns) in Queries)
            rows += readTable(Sql(table), columns.Length);
        return (rows, clock.Elapsed.TotalSeconds);
    }

    private sealed class Builder(ContactRecord contact)
    {
        public readonly ContactRecord Contact = contact;
        public readonly List<OrderRecord> Orders = [];
        public readonly List<OrderLineRecord> Lines = [];
        public readonly List<InvoiceRecord> Invoices = [];
        public readonly List<CaseRecord> Cases = [];
        public readonly List<ActivityRecord> Activities = [];
        public readonly List<UsageRecord> Usage = [];
        public readonly List<RecommendationRecord> Recommendations = [];
        public readonly List<AlertRecord> Alerts = [];

        public readonly List<CaseResolutionRecord> Resolutions = [];

        /// <summary>Every list in time order, whatever order the rows were stored in (imports do not preserve it); the service's
        /// own rows, often created at the same instant, then by id, so every query plan gives the same order. Order lines follow
        /// their orders (a full scan meets them in storage order, a read of named contacts order by order).</summary>
        public CustomerHistory Build()
        {
            OrderRecord[] orders = [.. Orders.OrderBy(o => o.CreatedOn)];
            var lines = Lines;
            if (orders.Length > 1 && lines.Count > 1)
            {
                var position = new Dictionary<Guid, int>(orders.Length);
                for (var i = 0; i < orders.Length; i++)
                    position.TryAdd(orders[i].Id, i);
                lines = [.. lines.OrderBy(l => position.GetValueOrDefault(l.OrderId))];
            }
            return new(Contact, orders, lines, [.. Invoices.OrderBy(i => i.DueDate)],
                [.. Cases.OrderBy(c => c.CreatedOn)], [.. Activities.OrderBy(a => a.On)], [.. Usage.OrderBy(u => u.Date)],
                [.. Recommendations.OrderBy(r => r.CreatedOn).ThenBy(r => r.Id)], [.. Alerts.OrderBy(a => a.CreatedOn).ThenBy(a => a.Id)])
            {
                CaseResolutions = [.. Resolutions.OrderBy(r => r.ResolvedOn)],
            };
        }
    }

    /// <summary>Reads into histories, or only into <paramref name="unbuilt"/> when given (the histories are then left empty).</summary>
    private OrgData Read(Commands connection, IReadOnlyList<Guid>? ids, List<Builder>? unbuilt = null)
    {
        var clock = Stopwatch.StartNew();
        var report = new ReadReport();
        var builders = unbuilt ?? [];
        var link = new Linker(ids);

        using (var query = Command(connection, Sql(Names.Contact.Table, IdFilter(Names.Contact.Id, ids)), ids))
        {
            var r = query.Rows;
            while (r.Read())
            {
                var contact = new ContactRecord(r.Guid(0), r.Text(1) ?? "", r.Date(2) ?? DateTime.MinValue, r.Int32(3), r.Flag(4), r.Flag(5), r.Flag(6), r.Flag(7), r.Date(8), r.Text(9), r.Text(10));
                var builder = new Builder(contact);
                builders.Add(builder);
                link.ById[contact.Id] = builder;
                report.Read(Names.Contact.Table);
            }
        }
        if (builders.Count == 0)
            return new OrgData([], ids is null ? ReadOffers(connection.Connection) : [], report);

        // Every table after the contacts only adds to its own lists of the builders, so in a full read two groups of them run at the same
        // time once the contacts are in, each on its own connection (SQLite readers do not block each other) and with its own
        // report; reading is most of a full read's time. Order lines find their contact through their order, and case
        // resolutions and messages regarding a case through that case, so orders lead the one group and cases the other.
        // The groups are of about equal work (an org's invoices weigh about as much as its messages, usage readings and
        // offers together). Each table is still read in one forward pass in storage order, so every list is what a
        // sequential read gives.
        Action<Commands, ReadReport>[][] groups =
        [
            [(c, rep) => ReadOrders(c, link, rep), (c, rep) => ReadOrderLines(c, link, rep), (c, rep) => ReadInvoices(c, link, rep)],
            [(c, rep) => ReadCases(c, link, rep), (c, rep) => ReadResolutions(c, link, rep), (c, rep) => ReadMessages(c, link, rep),
                (c, rep) => ReadUsage(c, link, rep), (c, rep) => ReadRecommendations(c, link, rep), (c, rep) => ReadAlerts(c, link, rep)],
        ];
        var reports = groups.Select(_ => new ReadReport()).ToArray();
        if (ids is null && File.Exists(connection.Connection.DataSource))
        {
            Parallel.For(0, groups.Length, g =>
            {
                using var own = g == 0 ? null : new SqliteConnection(connection.Connection.ConnectionString);
                own?.Open();
                foreach (var read in groups[g])
                    read(own is null ? connection : new Commands(own, null), reports[g]);
            });
        }
        else
        {
            for (var g = 0; g < groups.Length; g++)
            {
                foreach (var read in groups[g])
                    read(connection, reports[g]);
            }
        }
        report.Merge(reports);

        var offers = ids is null ? ReadOffers(connection.Connection) : [];
        report.Seconds = clock.Elapsed.TotalSeconds;
        if (unbuilt is not null)
            return new OrgData([], offers, report);
        return new OrgData(builders.Select(b => b.Build()).ToArray(), offers, report);
    }

    /// <summary>Finds the builder a row belongs to; filled while the contacts, orders and cases are read, only read after.</summary>
    private sealed class Linker(IReadOnlyList<Guid>? ids)
    {
        public readonly IReadOnlyList<Guid>? Ids = ids;
        public readonly Dictionary<Guid, Builder> ById = [];
        public readonly Dictionary<Guid, Builder> OrderOwner = [];
        public readonly Dictionary<Guid, Builder> CaseOwner = [];

        /// <summary>The contact a row of <paramref name="table"/> belongs to, or null (counted as dropped, with the reason).</summary>
        public Builder? Owner(ReadReport report, string table, Guid? owner, string? ownerType)
        {
            if (owner is null)
            {
                report.Drop(table, "no customer");
                return null;
            }
            if (ownerType is not null && ownerType != "contact")
            {
                report.Drop(table, $"linked to {ownerType}, not a contact");
                return null;
            }
            if (ById.TryGetValue(owner.Value, out var b))
            {
                report.Read(table);
                return b;
            }
            if (Ids is null)
                report.Drop(table, "contact not found");
            return null;
        }
    }

    /// <summary>One forward pass over a table's selected columns (rows of <paramref name="ids"/> only, when given).</summary>
    private static void EachRow(Commands connection, string table, string? filter, IReadOnlyList<Guid>? ids, Action<RowCursor> row)
    {
        using var query = Command(connection, Sql(table, filter), ids);
        while (query.Rows.Read())
            row(query.Rows);
    }

    private static void ReadOrders(Commands connection, Linker link, ReadReport report) =>
        EachRow(connection, "salesorder", IdFilter("customerid", link.Ids), link.Ids, r =>
        {
            if (link.Owner(report, "salesorder", r.GuidOrNull(1), r.Name(2, LookupTables)) is not { } b)
                return;
            var order = new OrderRecord(r.Guid(0), b.Contact.Id, r.Text(3) ?? "", r.MoneyOrNull(4) ?? 0, r.Date(5), r.Date(6), r.Date(7), r.Date(8), r.Int32(9), r.Date(10) ?? DateTime.MinValue)
                { ModifiedOn = r.Date(11), Tariff = r.Int32OrNull(12), TermMonths = r.Int32OrNull(13) };
            b.Orders.Add(order);
            link.OrderOwner[order.Id] = b;
        });

    private static void ReadCases(Commands connection, Linker link, ReadReport report) =>
        EachRow(connection, "incident", IdFilter("customerid", link.Ids), link.Ids, r =>
        {
            if (link.Owner(report, "incident", r.GuidOrNull(1), r.Name(2, LookupTables)) is not { } b)
                return;
            var state = r.Int32(12);
            var created = r.Date(10) ?? DateTime.MinValue;
            // Dataverse keeps no resolution date on the case itself; for a resolved case the last modification is it.
            var resolved = state == Names.Standard.IncidentResolved ? r.Date(11) : null;
            var record = new CaseRecord(r.Guid(0), b.Contact.Id, r.Text(3) ?? "", r.Text(4), r.Int32OrNull(5) ?? 0, r.Int32OrNull(6), r.Int32OrNull(7), r.Int32OrNull(8), r.GuidOrNull(9), created, resolved, state) { ModifiedOn = r.Date(11) };
            b.Cases.Add(record);
            link.CaseOwner[record.Id] = b;
        });

    private static void ReadOrderLines(Commands connection, Linker link, ReadReport report) =>
        EachRow(connection, "salesorderdetail",
            link.Ids is null ? null : $"salesorderid IN (SELECT salesorderid FROM salesorder WHERE {IdFilter("customerid", link.Ids)})", link.Ids, r =>
        {
            var orderId = r.GuidOrNull(1);
            if (orderId is null || !link.OrderOwner.TryGetValue(orderId.Value, out var b))
            {
                report.Drop("salesorderdetail", "order not found");
                return;
            }
            report.Read("salesorderdetail");
            b.Lines.Add(new OrderLineRecord(r.Guid(0), orderId.Value, r.Text(2) ?? "", r.MoneyOrNull(3) ?? 0, r.MoneyOrNull(4) ?? 0, r.MoneyOrNull(5) ?? 0));
        });

    private static void ReadInvoices(Commands connection, Linker link, ReadReport report) =>
        EachRow(connection, "invoice", IdFilter("customerid", link.Ids), link.Ids, r =>
        {
            if (link.Owner(report, "invoice", r.GuidOrNull(1), r.Name(2, LookupTables)) is not { } b)
                return;
            var due = r.Date(5);
            if (due is null)
            {
                report.Drop("invoice", "no due date");
                return;
            }
            b.Invoices.Add(new InvoiceRecord(r.Guid(0), b.Contact.Id, r.GuidOrNull(3), r.MoneyOrNull(4) ?? 0, due.Value, r.Date(6), r.Date(7) ?? due.Value));
        });

    private static void ReadResolutions(Commands connection, Linker link, ReadReport report) =>
        EachRow(connection, "incidentresolution",
            link.Ids is null ? null : $"incidentid IN (SELECT incidentid FROM incident WHERE {IdFilter("customerid", link.Ids)})", link.Ids, r =>
        {
            if (r.GuidOrNull(1) is not { } caseId || !link.CaseOwner.TryGetValue(caseId, out var b) || r.Date(2) is not { } resolvedOn)
            {
                report.Drop("incidentresolution", "case or resolution date not found");
                return;
            }
            report.Read("incidentresolution");
            var cancelled = r.Int32OrNull(4) == Names.Standard.ActivityCanceled;
            b.Resolutions.Add(new CaseResolutionRecord(r.Guid(0), caseId, resolvedOn, cancelled ? r.Date(3) ?? resolvedOn : null));
        });

    /// <summary>E-mails, then phone calls (one group: both add to the same lists, in this order).</summary>
    private static void ReadMessages(Commands connection, Linker link, ReadReport report)
    {
        foreach (var (table, kind) in new[] { ("email", ActivityKind.Email), ("phonecall", ActivityKind.PhoneCall) })
        {
            // Messages regarding the contact and messages regarding the contact's cases.
            var filter = link.Ids is null ? null : $"{IdFilter("regardingobjectid", link.Ids)} OR regardingobjectid IN (SELECT incidentid FROM incident WHERE {IdFilter("customerid", link.Ids)})";
            EachRow(connection, table, filter, link.Ids, r =>
            {
                var regarding = r.GuidOrNull(1);
                var type = r.Name(2, LookupTables);
                Builder? b;
                if (type == "incident" && regarding is { } caseId)
                {
                    if (!link.CaseOwner.TryGetValue(caseId, out b))
                    {
                        report.Drop(table, "regarding a case that is not a contact's");
                        return;
                    }
                    report.Read(table);
                }
                else if ((b = link.Owner(report, table, regarding, type)) is null)
                {
                    return;
                }
                var on = r.Date(6) ?? r.Date(7) ?? DateTime.MinValue;
                b.Activities.Add(new ActivityRecord(r.Guid(0), b.Contact.Id, kind, r.Flag(3), r.Text(4), r.Text(5), on, kind == ActivityKind.PhoneCall ? r.Int32OrNull(8) : null));
            });
        }
    }

    private static void ReadUsage(Commands connection, Linker link, ReadReport report) =>
        EachRow(connection, "rtn_usagereading", IdFilter("rtn_contactid", link.Ids), link.Ids, r =>
        {
            if (link.Owner(report, "rtn_usagereading", r.GuidOrNull(0), null) is { } b && r.Date(1) is { } date)
                b.Usage.Add(new UsageRecord(b.Contact.Id, date, r.DoubleOrNull(2) ?? 0, r.DoubleOrNull(3) ?? 0) { CreatedOn = r.Date(4) });
        });

    private static void ReadRecommendations(Commands connection, Linker link, ReadReport report) =>
        EachRow(connection, Names.OfferRecommendation.Table, IdFilter("rtn_contactid", link.Ids), link.Ids, r =>
        {
            if (link.Owner(report, Names.OfferRecommendation.Table, r.GuidOrNull(1), null) is { } b)
                b.Recommendations.Add(Recommendation(r, b.Contact.Id));
        });

    private static void ReadAlerts(Commands connection, Linker link, ReadReport report) =>
        EachRow(connection, Names.RetentionAlert.Table, IdFilter("rtn_contactid", link.Ids), link.Ids, r =>
        {
            if (link.Owner(report, Names.RetentionAlert.Table, r.GuidOrNull(1), null) is { } b)
                b.Alerts.Add(Alert(r, b.Contact.Id));
        });

    private static RecommendationRecord Recommendation(RowCursor r, Guid contactId) =>
        new(r.Guid(0), contactId, r.GuidOrNull(2) ?? Guid.Empty, r.Int32OrNull(3) ?? 0, r.DoubleOrNull(4), r.MoneyOrNull(5), r.Text(6),
            r.Int32OrNull(7) ?? 0, r.Date(8) ?? DateTime.MinValue, r.Date(9), r.Int32OrNull(10), r.Text(11)) { TalkingPoint = r.Text(12), ChurnReduction = r.DoubleOrNull(13) };

    private static AlertRecord Alert(RowCursor r, Guid contactId) =>
        new(r.Guid(0), contactId, r.Int32OrNull(2) ?? 0, r.Text(3), r.DoubleOrNull(4), r.Date(5),
            r.Int32OrNull(6) ?? 0, r.Int32OrNull(7), r.Date(8) ?? DateTime.MinValue, r.Date(9));

    /// <summary>"column IN ($id0, $id1, …)" for a list of contact ids (parameters added by <see cref="Command"/>), or null for all.</summary>
    private static string? IdFilter(string column, IReadOnlyList<Guid>? ids) =>
        ids is null ? null : $"{column} IN ({string.Join(",", Enumerable.Range(0, ids.Count).Select(i => "$id" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)))})";

    private static Query Command(Commands connection, string sql, IReadOnlyList<Guid>? ids)
    {
        var query = connection.Query(sql);
        for (var i = 0; ids is not null && i < ids.Count; i++)
            query.Rows.Bind("$id" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), StorageFormat.Guid(ids[i]));
        return query;
    }

    /// <summary>Where the queries' statements come from: the kept ones of a <see cref="PreparedConnection"/>, or new ones of a plain connection.</summary>
    private readonly struct Commands(SqliteConnection connection, PreparedConnection? prepared)
    {
        public SqliteConnection Connection => connection;

        public Query Query(string sql) => prepared is not null ? new Query(prepared.Cursor(sql), owned: false) : new Query(new RowCursor(connection, sql), owned: true);
    }

    /// <summary>One query's statement; a new statement is finalised after the query, a kept one reset for the next.</summary>
    private readonly struct Query(RowCursor rows, bool owned) : IDisposable
    {
        public RowCursor Rows => rows;

        public void Dispose()
        {
            if (owned)
                rows.Dispose();
            else
                rows.Reset();
        }
    }
}
