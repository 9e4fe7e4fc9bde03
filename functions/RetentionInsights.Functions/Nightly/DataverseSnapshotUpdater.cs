using System.Diagnostics;
using System.Globalization;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;
using RetentionInsights.Functions.Stores.Dataverse;
using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Functions.Nightly;

/// <summary>
/// Brings the feature snapshot up to date with Dataverse. Each source table is followed with change tracking
/// (<c>Prefer: odata.track-changes</c>; the delta link is kept with the snapshot); a table without change tracking falls back
/// to a <c>modifiedon</c> window since the last update (which cannot see deletions: enable change tracking on every source
/// table). Changed and removed rows are traced to their contacts — through the snapshot for a removed row or a line of a
/// known contract — and those contacts are re-read with the store's usual sliced queries. A contact whose own row changed
/// only in columns the features do not read (the service's score columns) is not re-read.
/// </summary>
public sealed class DataverseSnapshotUpdater(DataverseStore store, ISentimentAnalyzer analyzer, TimeProvider time)
{
    private const string WindowPrefix = "modifiedon:";

    /// <summary>Source tables and the columns that lead a changed row to its contact.</summary>
    public static readonly IReadOnlyList<(string Table, string Select)> SourceTables =
    [
        ("contact", "contactid,fullname,createdon,statecode,donotemail,donotphone,donotbulkemail,rtn_profilingoptout,birthdate,address1_city,address1_country"),
        ("salesorder", "salesorderid,_customerid_value"),
        ("salesorderdetail", "salesorderdetailid,_salesorderid_value"),
        ("invoice", "invoiceid,_customerid_value"),
        ("incident", "incidentid,_customerid_value"),
        ("incidentresolution", "activityid,_incidentid_value"),
        ("email", "activityid,_regardingobjectid_value"),
        ("phonecall", "activityid,_regardingobjectid_value"),
        ("rtn_usagereading", "rtn_usagereadingid,_rtn_contactid_value"),
    ];

    public async Task<(FeatureSnapshot Snapshot, SnapshotUpdate Update)> UpdateAsync(FeatureSnapshot? stored, bool rebuild, CancellationToken cancellationToken)
    {
        var reason = rebuild ? "requested" : stored is null ? "no snapshot" : stored.SchemaKey != FeatureSnapshot.CurrentSchemaKey ? "feature schema changed" : null;
        var clock = Stopwatch.StartNew();
        var requestsBefore = store.Client.Requests;
        if (reason is not null)
        {
            var snapshot = new FeatureSnapshot { BuiltOn = time.GetUtcNow().UtcDateTime, UpdatedOn = time.GetUtcNow().UtcDateTime };
            // Links first: a change made while the full read runs is then in the next delta and simply applied again. The
            // link keeps the query's $select, so it asks for the columns that lead a row to its contact.
            foreach (var (table, select) in SourceTables)
            {
                var definition = DataModel.Current.Table(table);
                var first = await store.Client.ReadChangesAsync($"{definition.EntitySetName}?$select={select}", null, cancellationToken: cancellationToken);
                snapshot.DeltaLinks[table] = first?.DeltaLink ?? WindowPrefix + StorageFormat.DateTime(snapshot.BuiltOn);
            }
            var ids = await store.ListContactIdsAsync(activeOnly: false, cancellationToken);
            var histories = await store.LoadCustomersAsync(ids, cancellationToken);
            long rows = 0;
            foreach (var history in histories)
            {
                rows += LocalOrgSnapshotUpdater.Rows(history);
                snapshot.Histories[history.Contact.Id] = snapshot.Kept(history);
            }
            var analysed = await snapshot.AnalyseAsync(analyzer, histories.SelectMany(h => h.Activities), cancellationToken);
            return (snapshot, new SnapshotUpdate("full", reason, rows, 0, snapshot.Histories.Count, 0, analysed, 0, clock.Elapsed.TotalSeconds)
            {
                WebApiRequests = store.Client.Requests - requestsBefore,
            });
        }

        var current = stored!;
        var owners = OwnerIndex.Of(current);
        var affected = new HashSet<Guid>();
        long entries = 0;
        var started = time.GetUtcNow().UtcDateTime;
        foreach (var (table, select) in SourceTables)
        {
            var definition = DataModel.Current.Table(table);
            var link = current.DeltaLinks.GetValueOrDefault(table);
            IReadOnlyList<System.Text.Json.JsonElement> changed;
            IReadOnlyList<Guid> removed = [];
            if (link is not null && !link.StartsWith(WindowPrefix, StringComparison.Ordinal)
                && await store.Client.ReadChangesAsync($"{definition.EntitySetName}?$select={select}", link, cancellationToken: cancellationToken) is { } changes)
            {
                changed = changes.Changed;
                removed = changes.Removed;
                current.DeltaLinks[table] = changes.DeltaLink;
            }
            else
            {
                if (!definition.HasColumn("modifiedon"))
                    throw new InvalidOperationException($"Change tracking is not enabled on '{table}', which has no modifiedon to read changes by: enable change tracking on the table.");
                var since = link is not null && link.StartsWith(WindowPrefix, StringComparison.Ordinal) ? link[WindowPrefix.Length..] : StorageFormat.DateTime(current.UpdatedOn);
                var rows = new List<System.Text.Json.JsonElement>();
                await foreach (var row in store.Client.QueryAsync($"{definition.EntitySetName}?$select={select}&$filter={Uri.EscapeDataString($"modifiedon gt {since}")}",
                    5000, cancellationToken))
                    rows.Add(row);
                changed = rows;
                current.DeltaLinks[table] = WindowPrefix + StorageFormat.DateTime(started);
            }
            entries += changed.Count + removed.Count;
            foreach (var row in changed)
                owners.Trace(table, new ODataRow(row), current, affected);
            foreach (var id in removed)
            {
                if (owners.OwnerOf(id) is { } contact)
                    affected.Add(contact);
                else if (table == "contact")
                    affected.Add(id);
            }
        }

        long read = entries;
        var removedContacts = 0;
        var reread = (await store.LoadCustomersAsync(affected.ToList(), cancellationToken)).ToDictionary(h => h.Contact.Id);
        foreach (var id in affected)
        {
            var history = reread.GetValueOrDefault(id);
            if (history is null && current.Histories.ContainsKey(id))
                removedContacts++;
            read += history is null ? 0 : LocalOrgSnapshotUpdater.Rows(history);
            current.Replace(id, history, null);
        }
        var analysedNew = await current.AnalyseAsync(analyzer, reread.Values.SelectMany(h => h.Activities), cancellationToken);
        current.UpdatedOn = started;
        return (current, new SnapshotUpdate("delta", null, read, entries, affected.Count, removedContacts, analysedNew, 0, clock.Elapsed.TotalSeconds)
        {
            WebApiRequests = store.Client.Requests - requestsBefore,
        });
    }

    /// <summary>Which contact a record belongs to, from the snapshot (for removed rows and for rows linked through an order or case).</summary>
    private sealed class OwnerIndex
    {
        private readonly Dictionary<Guid, Guid> _owner = [];

        public static OwnerIndex Of(FeatureSnapshot snapshot)
        {
            var index = new OwnerIndex();
            foreach (var (contact, h) in snapshot.Histories)
            {
                foreach (var o in h.Orders) index._owner[o.Id] = contact;
                foreach (var l in h.OrderLines) index._owner[l.Id] = contact;
                foreach (var i in h.Invoices) index._owner[i.Id] = contact;
                foreach (var c in h.Cases) index._owner[c.Id] = contact;
                foreach (var r in h.CaseResolutions) index._owner[r.Id] = contact;
                foreach (var a in h.Activities) index._owner[a.Id] = contact;
            }
            return index;
        }

        public Guid? OwnerOf(Guid record) => _owner.TryGetValue(record, out var contact) ? contact : null;

        /// <summary>Adds the contact(s) a changed row touches: its new owner and, when it moved, its previous one.</summary>
        public void Trace(string table, ODataRow row, FeatureSnapshot snapshot, HashSet<Guid> affected)
        {
            var id = row.Id(DataModel.Current.Table(table).PrimaryId);
            if (OwnerOf(id) is { } previous)
                affected.Add(previous);
            Guid? owner = table switch
            {
                "contact" => ContactChanged(row, snapshot) ? id : null,
                "salesorder" or "invoice" or "incident" => row.LookupTable("customerid") == "contact" ? row.Lookup("customerid") : null,
                "salesorderdetail" => row.Lookup("salesorderid") is { } order ? OwnerOf(order) : null,
                "incidentresolution" => row.Lookup("incidentid") is { } incident ? OwnerOf(incident) : null,
                "email" or "phonecall" => row.LookupTable("regardingobjectid") switch
                {
                    "contact" => row.Lookup("regardingobjectid"),
                    "incident" when row.Lookup("regardingobjectid") is { } incident => OwnerOf(incident),
                    _ => null,
                },
                "rtn_usagereading" => row.Lookup("rtn_contactid"),
                _ => null,
            };
            if (owner is { } contact)
            {
                affected.Add(contact);
                // A new contract or case of this night: its lines, resolutions and messages arrive in later tables.
                if (table is "salesorder" or "incident")
                    _owner[id] = contact;
            }
        }

        /// <summary>A contact row changed in a column the features read (not only in the score columns the service writes).</summary>
        private static bool ContactChanged(ODataRow r, FeatureSnapshot snapshot)
        {
            var id = r.Id("contactid");
            if (!snapshot.Histories.TryGetValue(id, out var history))
                return true;
            var c = history.Contact;
            return c.FullName != (r.Text("fullname") ?? string.Empty) || c.CreatedOn != (r.Date("createdon") ?? DateTime.MinValue) || c.StateCode != (r.Int("statecode") ?? 0)
                || c.DoNotEmail != r.Bool("donotemail") || c.DoNotPhone != r.Bool("donotphone") || c.DoNotBulkEmail != r.Bool("donotbulkemail")
                || c.ProfilingOptOut != r.Bool("rtn_profilingoptout") || c.BirthDate != r.Date("birthdate") || c.City != r.Text("address1_city")
                || c.Country != r.Text("address1_country");
        }
    }
}
