using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;

namespace RetentionInsights.Functions.Stores.Dataverse;

/// <summary>
/// The store on a Dataverse environment through the Web API. Reads select only the columns the engine uses and filter
/// by the contacts of a slice (one query per table per slice, never per contact); writes go out as $batch change sets,
/// one per contact, and only for values that changed. Entity set names come from datamodel.json.
/// </summary>
public sealed class DataverseStore(DataverseWebApiClient client) : IRetentionStore
{
    /// <summary>Contacts per query: ~50 characters each keeps the $filter URL near 8 KB, well under Dataverse's URL limit.</summary>
    public const int IdsPerQuery = 150;

    /// <summary>From this many contacts (training), whole tables are paged through instead of filtered slices.</summary>
    public int FullScanThreshold { get; init; } = 20_000;

    private static readonly DataModel Model = DataModel.Current;

    public string Kind => "dataverse";

    public DataverseWebApiClient Client => client;

    public async Task<CustomerHistory?> LoadCustomerAsync(Guid contactId, CancellationToken cancellationToken) =>
        (await LoadCustomersAsync([contactId], cancellationToken)).FirstOrDefault();

    public async Task<IReadOnlyList<CustomerHistory>> LoadCustomersAsync(IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken)
    {
        var result = new List<CustomerHistory>(contactIds.Count);
        if (contactIds.Count >= FullScanThreshold)
        {
            // Training reads nearly everyone: paging whole tables (5,000 rows a request) costs far fewer requests
            // than hundreds of thousands of filtered slices.
            var wanted = contactIds.ToHashSet();
            result.AddRange((await LoadSliceAsync(null, cancellationToken)).Where(h => wanted.Contains(h.Contact.Id)));
            return result;
        }
        foreach (var slice in contactIds.Distinct().Chunk(IdsPerQuery))
            result.AddRange(await LoadSliceAsync(slice, cancellationToken));
        return result;
    }

    /// <summary>Histories of <paramref name="ids"/>, or of every contact when null (whole-table paging).</summary>
    private async Task<IReadOnlyList<CustomerHistory>> LoadSliceAsync(IReadOnlyList<Guid>? ids, CancellationToken ct)
    {
        string? Any(string column, IEnumerable<Guid>? values) => values is null ? null : DataverseStore.Any(column, values);
        var contacts = await ListAsync("contact", "contactid,fullname,createdon,statecode,donotemail,donotphone,donotbulkemail,rtn_profilingoptout,birthdate,address1_city,address1_country",
            Any("contactid", ids), r => new ContactRecord(r.Id("contactid"), r.Text("fullname") ?? string.Empty, r.Date("createdon") ?? DateTime.MinValue,
                r.Int("statecode") ?? 0, r.Bool("donotemail"), r.Bool("donotphone"), r.Bool("donotbulkemail"), r.Bool("rtn_profilingoptout"),
                r.Date("birthdate"), r.Text("address1_city"), r.Text("address1_country")), ct);
        if (contacts.Count == 0)
            return [];
        var orders = await ListAsync("salesorder", "salesorderid,_customerid_value,name,totalamount,submitdate,datefulfilled,rtn_contractend,rtn_cancelledon,statecode,createdon,modifiedon,rtn_tariff,rtn_termmonths",
            Any("_customerid_value", ids), r => r.LookupTable("customerid") == "contact"
                ? new OrderRecord(r.Id("salesorderid"), r.Lookup("customerid")!.Value, r.Text("name") ?? string.Empty, r.Decimal("totalamount") ?? 0m,
                    r.Date("submitdate"), r.Date("datefulfilled"), r.Date("rtn_contractend"), r.Date("rtn_cancelledon"), r.Int("statecode") ?? 0,
                    r.Date("createdon") ?? DateTime.MinValue)
                { ModifiedOn = r.Date("modifiedon"), Tariff = r.Int("rtn_tariff"), TermMonths = r.Int("rtn_termmonths") }
                : null, ct);
        var lines = new List<OrderLineRecord>();
        foreach (var slice in ids is null ? [null] : orders.Select(o => o.Id).Chunk(IdsPerQuery).Select(c => (Guid[]?)c))
        {
            lines.AddRange(await ListAsync("salesorderdetail", "salesorderdetailid,_salesorderid_value,productdescription,quantity,priceperunit,extendedamount",
                Any("_salesorderid_value", slice), r => r.Lookup("salesorderid") is { } order ? new OrderLineRecord(r.Id("salesorderdetailid"), order,
                    r.Text("productdescription") ?? string.Empty, r.Decimal("quantity") ?? 0m, r.Decimal("priceperunit") ?? 0m, r.Decimal("extendedamount") ?? 0m) : null, ct));
        }
        var invoices = await ListAsync("invoice", "invoiceid,_customerid_value,_salesorderid_value,totalamount,duedate,rtn_paidon,createdon",
            Any("_customerid_value", ids), r => r.LookupTable("customerid") == "contact"
                ? new InvoiceRecord(r.Id("invoiceid"), r.Lookup("customerid")!.Value, r.Lookup("salesorderid"), r.Decimal("totalamount") ?? 0m,
                    r.Date("duedate") ?? DateTime.MinValue, r.Date("rtn_paidon"), r.Date("createdon") ?? DateTime.MinValue)
                : null, ct);
        var cases = await ListAsync("incident", "incidentid,_customerid_value,title,description,casetypecode,prioritycode,caseorigincode,customersatisfactioncode,_parentcaseid_value,createdon,modifiedon,statecode",
            Any("_customerid_value", ids), r => r.LookupTable("customerid") == "contact"
                ? new CaseRecord(r.Id("incidentid"), r.Lookup("customerid")!.Value, r.Text("title") ?? string.Empty, r.Text("description"),
                    r.Int("casetypecode") ?? 0, r.Int("prioritycode"), r.Int("caseorigincode"), r.Int("customersatisfactioncode"), r.Lookup("parentcaseid"),
                    r.Date("createdon") ?? DateTime.MinValue, r.Int("statecode") == Names.Standard.IncidentResolved ? r.Date("modifiedon") : null, r.Int("statecode") ?? 0)
                { ModifiedOn = r.Date("modifiedon") }
                : null, ct);
        // Resolutions of those cases (what Dataverse keeps of a reopened or cancelled case), as the local-org reader reads them.
        var caseOwnerOfResolution = cases.ToDictionary(c => c.Id, c => c.ContactId);
        var resolutions = new List<OwnedResolution>();
        foreach (var slice in ids is null ? [null] : caseOwnerOfResolution.Keys.Chunk(IdsPerQuery).Select(c => (Guid[]?)c))
        {
            resolutions.AddRange(await ListAsync("incidentresolution", "activityid,_incidentid_value,actualend,modifiedon,statecode", Any("_incidentid_value", slice),
                r => r.Lookup("incidentid") is { } caseId && caseOwnerOfResolution.TryGetValue(caseId, out var owner) && r.Date("actualend") is { } resolvedOn
                    ? new OwnedResolution(owner, new CaseResolutionRecord(r.Id("activityid"), caseId, resolvedOn,
                        r.Int("statecode") == Names.Standard.ActivityCanceled ? r.Date("modifiedon") ?? resolvedOn : null))
                    : null, ct));
        }
        // Messages regarding the contact, and messages regarding one of the contact's cases (linked to the case's customer),
        // as the local-org reader does: the model is trained on both.
        var caseOwner = cases.ToDictionary(c => c.Id, c => c.ContactId);
        var contactIds = contacts.Select(c => c.Id).ToHashSet();
        var activities = new List<ActivityRecord>();
        foreach (var (table, kind) in new[] { ("email", ActivityKind.Email), ("phonecall", ActivityKind.PhoneCall) })
        {
            var columns = $"activityid,_regardingobjectid_value,directioncode,subject,description,actualend,createdon{(kind == ActivityKind.PhoneCall ? ",actualdurationminutes" : string.Empty)}";
            ActivityRecord? Map(ODataRow r)
            {
                var owner = r.LookupTable("regardingobjectid") switch
                {
                    "contact" when r.Lookup("regardingobjectid") is { } id && contactIds.Contains(id) => id,
                    "incident" when r.Lookup("regardingobjectid") is { } caseId && caseOwner.TryGetValue(caseId, out var customer) => customer,
                    _ => (Guid?)null,
                };
                return owner is null ? null : new ActivityRecord(r.Id("activityid"), owner.Value, kind, r.Bool("directioncode"), r.Text("subject"),
                    r.Text("description"), r.Date("actualend") ?? r.Date("createdon") ?? DateTime.MinValue, r.Int("actualdurationminutes"));
            }
            activities.AddRange(await ListAsync(table, columns, Any("_regardingobjectid_value", ids), Map, ct));
            if (ids is not null)
            {
                foreach (var slice in caseOwner.Keys.Chunk(IdsPerQuery))
                    activities.AddRange(await ListAsync(table, columns, Any("_regardingobjectid_value", slice), Map, ct));
            }
        }
        var usage = await ListAsync("rtn_usagereading", "_rtn_contactid_value,rtn_readingdate,rtn_electricitykwh,rtn_gasm3,createdon",
            Any("_rtn_contactid_value", ids), r => r.Lookup("rtn_contactid") is null ? null : new UsageRecord(r.Lookup("rtn_contactid")!.Value, r.Date("rtn_readingdate") ?? DateTime.MinValue,
                r.Double("rtn_electricitykwh") ?? 0, r.Double("rtn_gasm3") ?? 0) { CreatedOn = r.Date("createdon") }, ct);
        var recommendations = await ListAsync("rtn_offerrecommendation", RecommendationColumns, Any("_rtn_contactid_value", ids),
            r => r.Lookup("rtn_contactid") is null ? null : ReadRecommendation(r), ct);
        var alerts = await ListAsync("rtn_retentionalert", AlertColumns, Any("_rtn_contactid_value", ids), r => r.Lookup("rtn_contactid") is null ? null : ReadAlert(r), ct);

        var orderOwner = orders.ToDictionary(o => o.Id, o => o.ContactId);
        var ordersBy = orders.ToLookup(o => o.ContactId);
        var linesBy = lines.Where(l => orderOwner.ContainsKey(l.OrderId)).ToLookup(l => orderOwner[l.OrderId]);
        var invoicesBy = invoices.ToLookup(i => i.ContactId);
        var casesBy = cases.ToLookup(x => x.ContactId);
        var activitiesBy = activities.ToLookup(a => a.ContactId);
        var usageBy = usage.ToLookup(u => u.ContactId);
        var recsBy = recommendations.ToLookup(r => r.ContactId);
        var alertsBy = alerts.ToLookup(a => a.ContactId);
        var resolutionsBy = resolutions.ToLookup(x => x.ContactId, x => x.Resolution);
        return contacts.Select(c => new CustomerHistory(
            c,
            ordersBy[c.Id].OrderBy(o => o.CreatedOn).ToList(),
            linesBy[c.Id].ToList(),
            invoicesBy[c.Id].OrderBy(i => i.DueDate).ToList(),
            casesBy[c.Id].OrderBy(x => x.CreatedOn).ToList(),
            activitiesBy[c.Id].OrderBy(a => a.On).ToList(),
            usageBy[c.Id].OrderBy(u => u.Date).ToList(),
            recsBy[c.Id].OrderBy(r => r.CreatedOn).ToList(),
            alertsBy[c.Id].OrderBy(a => a.CreatedOn).ToList()) { CaseResolutions = [.. resolutionsBy[c.Id].OrderBy(r => r.ResolvedOn)] }).ToList();
    }

    public async Task<IReadOnlyList<OfferRecord>> LoadOfferCatalogueAsync(CancellationToken cancellationToken) =>
        await ListAsync("rtn_offer", "rtn_offerid,rtn_name,rtn_code,rtn_offertype,rtn_description,rtn_cost,rtn_marginimpact,rtn_eligibilityrules,rtn_maxper90days,rtn_active",
            null, r => new OfferRecord(r.Id("rtn_offerid"), r.Text("rtn_name") ?? string.Empty, r.Text("rtn_code") ?? string.Empty, r.Int("rtn_offertype") ?? 0,
                r.Text("rtn_description"), r.Decimal("rtn_cost") ?? 0m, r.Decimal("rtn_marginimpact") ?? 0m, r.Text("rtn_eligibilityrules"),
                r.Int("rtn_maxper90days") ?? 0, r.Bool("rtn_active")), cancellationToken);

    private OfferCatalogueCache? _offers;

    /// <summary>Offer names for the stored recommendations (see <see cref="OfferCatalogueCache"/> for how fresh they are).</summary>
    private Task<IReadOnlyDictionary<Guid, OfferRecord>> CachedOffersAsync(CancellationToken cancellationToken) =>
        (_offers ??= new OfferCatalogueCache(LoadOfferCatalogueAsync, TimeProvider.System)).GetAsync(cancellationToken);

    public async Task<IReadOnlyList<Guid>> ListContactIdsAsync(bool activeOnly, CancellationToken cancellationToken)
    {
        var ids = await ListAsync("contact", "contactid", activeOnly ? "statecode eq 0" : null, r => r.Id("contactid"), cancellationToken, orderBy: "contactid", pageSize: 5000);
        return ids;
    }

    public async Task<IReadOnlyList<CustomerListItem>> ListCustomersAsync(int top, CancellationToken cancellationToken)
    {
        var list = new List<CustomerListItem>(top);
        await foreach (var row in client.QueryAsync($"{Set("contact")}?$select=contactid,fullname,rtn_churnprobability,rtn_churnriskband&$filter=statecode eq 0&$orderby=rtn_churnprobability desc,fullname&$top={top.ToString(CultureInfo.InvariantCulture)}", cancellationToken: cancellationToken))
        {
            var r = new ODataRow(row);
            list.Add(new CustomerListItem(r.Id("contactid"), r.Text("fullname") ?? string.Empty, r.Double("rtn_churnprobability"), r.Int("rtn_churnriskband")));
        }
        return list;
    }

    public async Task<IReadOnlyList<ContactState>> ReadContactStatesAsync(IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken)
    {
        var states = new List<ContactState>(contactIds.Count);
        IReadOnlyDictionary<Guid, OfferRecord>? offers = null;
        foreach (var slice in contactIds.Distinct().Chunk(IdsPerQuery))
        {
            var contacts = await ReadScoreColumnsAsync(slice, cancellationToken);
            if (contacts.Count == 0)
                continue;
            offers ??= await CachedOffersAsync(cancellationToken);
            var recommendations = await ListAsync("rtn_offerrecommendation", RecommendationColumns,
                $"({Any("_rtn_contactid_value", slice)}) and (rtn_status eq {Names.Choices.RecommendationProposed} or rtn_respondedon ne null)", ReadRecommendation, cancellationToken);
            // Open alerts, and the alerts resolved since yesterday: the day's alert an agent already resolved is not reopened.
            var alerts = await ListAsync("rtn_retentionalert", AlertColumns,
                $"({Any("_rtn_contactid_value", slice)}) and (rtn_status ne {Names.Choices.AlertResolved} or createdon ge {StorageFormat.DateTime(DateTime.UtcNow.Date.AddDays(-1))})",
                ReadAlert, cancellationToken);
            foreach (var c in contacts)
            {
                var state = ContactState.From(c.Id, c.Name, c.OptOut, c.Scores,
                    new OwnRows(recommendations.Where(r => r.ContactId == c.Id).ToList(), alerts.Where(a => a.ContactId == c.Id).ToList()), offers);
                // Only an objection needs the rows not read above (expired offers, older resolved alerts): look for them then.
                states.Add(state.HasDerivedRows || !c.OptOut ? state : state with { HasDerivedRows = (await DerivedRowIdsAsync(c.Id, cancellationToken)).Count > 0 });
            }
        }
        return states;
    }

    /// <summary><see cref="ReadContactStatesAsync(IReadOnlyList{Guid}, CancellationToken)"/> with the contacts' own rows already read
    /// (a contact absent from <paramref name="rows"/> has none): only the score columns are read.</summary>
    public async Task<IReadOnlyList<ContactState>> ReadContactStatesAsync(IReadOnlyList<Guid> contactIds, IReadOnlyDictionary<Guid, OwnRows> rows,
        CancellationToken cancellationToken)
    {
        var states = new List<ContactState>(contactIds.Count);
        var offers = await CachedOffersAsync(cancellationToken);
        foreach (var slice in contactIds.Distinct().Chunk(IdsPerQuery))
        {
            foreach (var c in await ReadScoreColumnsAsync(slice, cancellationToken))
                states.Add(ContactState.From(c.Id, c.Name, c.OptOut, c.Scores, rows.GetValueOrDefault(c.Id) ?? new OwnRows([], []), offers));
        }
        return states;
    }

    /// <summary>Every recommendation and alert of the contacts, by contact (contacts without any are left out).</summary>
    public async Task<IReadOnlyDictionary<Guid, OwnRows>> LoadOwnRowsAsync(IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken)
    {
        var (recommendations, alerts) = await LoadRecommendationsAndAlertsAsync(contactIds, cancellationToken);
        return recommendations.Select(g => g.Key).Union(alerts.Select(g => g.Key))
            .ToDictionary(id => id, id => new OwnRows(recommendations[id].ToList(), alerts[id].ToList()));
    }

    /// <summary>Name, objection and the score columns of one slice of contacts (the "before" of a rescore).</summary>
    private Task<List<(Guid Id, string Name, bool OptOut, ContactScores Scores)>> ReadScoreColumnsAsync(IReadOnlyList<Guid> slice, CancellationToken cancellationToken) =>
        ListAsync("contact", "contactid,fullname,rtn_profilingoptout," + string.Join(",", ContactScoreColumns.All), Any("contactid", slice),
            r => (Id: r.Id("contactid"), Name: r.Text("fullname") ?? string.Empty, OptOut: r.Bool("rtn_profilingoptout"), Scores: new ContactScores(r.Id("contactid"),
                r.Double(Names.Contact.ChurnProbability), r.Double(Names.Contact.PreviousChurnProbability), r.Int(Names.Contact.ChurnRiskBand),
                r.Decimal(Names.Contact.Clv12m), r.Decimal(Names.Contact.Clv36m), r.Double(Names.Contact.PAlive), r.Int(Names.Contact.ValueSegment),
                r.Text(Names.Contact.ChurnReasons), r.Int(Names.Contact.EarlyWarningLevel), r.Date(Names.Contact.ScoredOn), r.Text(Names.Contact.ModelVersion))
            {
                ValueIfRetained = r.Decimal(Names.Contact.ValueIfRetained),
                ChurnReasonCodes = r.Text(Names.Contact.ChurnReasonCodes),
                ChurnReasonDetails = r.Text(Names.Contact.ChurnReasonDetails),
                ChurnTrend = r.Int(Names.Contact.ChurnTrend),
                PreviousRiskBand = r.Int(Names.Contact.PreviousRiskBand),
                RiskBandChangedOn = r.Date(Names.Contact.RiskBandChangedOn),
                RetentionGroup = r.Int(Names.Contact.RetentionGroup),
                RetentionGroupSince = r.Date(Names.Contact.RetentionGroupSince),
                UpliftSegment = r.Int(Names.Contact.UpliftSegment),
            }), cancellationToken);

    /// <summary>
    /// Every recommendation and alert of the contacts, as a history holds them (the nightly run reads these beside the
    /// feature snapshot: the service writes them itself). One query per table per slice of contacts.
    /// </summary>
    public async Task<(ILookup<Guid, RecommendationRecord> Recommendations, ILookup<Guid, AlertRecord> Alerts)> LoadRecommendationsAndAlertsAsync(
        IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken)
    {
        var recommendations = new List<RecommendationRecord>();
        var alerts = new List<AlertRecord>();
        foreach (var slice in contactIds.Distinct().Chunk(IdsPerQuery))
        {
            recommendations.AddRange(await ListAsync("rtn_offerrecommendation", RecommendationColumns, Any("_rtn_contactid_value", slice),
                r => r.Lookup("rtn_contactid") is null ? null : ReadRecommendation(r), cancellationToken));
            alerts.AddRange(await ListAsync("rtn_retentionalert", AlertColumns, Any("_rtn_contactid_value", slice),
                r => r.Lookup("rtn_contactid") is null ? null : ReadAlert(r), cancellationToken));
        }
        return (recommendations.OrderBy(r => r.CreatedOn).ToLookup(r => r.ContactId), alerts.OrderBy(a => a.CreatedOn).ToLookup(a => a.ContactId));
    }

    public async Task<RecommendationRecord?> FindRecommendationAsync(Guid contactId, Guid offerOrRecommendationId, CancellationToken cancellationToken)
    {
        // One query for both ways of addressing it; the contact's rows of one offer are few (one per time it was proposed).
        var rows = await ListAsync("rtn_offerrecommendation", RecommendationColumns,
            $"_rtn_contactid_value eq {contactId:D} and (_rtn_offerid_value eq {offerOrRecommendationId:D} or rtn_offerrecommendationid eq {offerOrRecommendationId:D})",
            ReadRecommendation, cancellationToken);
        return rows.FirstOrDefault(r => r.Id == offerOrRecommendationId) ?? rows.MaxBy(r => r.CreatedOn);
    }

    public async Task<CustomerLink?> ReadCustomerOfRecordAsync(string table, Guid id, CancellationToken cancellationToken)
    {
        if (Model.FindTable(table) is not { } definition || (table != Names.Contact.Table && definition.CustomerLookup is null))
            return null;
        var column = table == Names.Contact.Table ? null : definition.CustomerLookup;
        var row = await client.RetrieveAsync(definition.EntitySetName, id, column is null ? definition.PrimaryId : $"_{column}_value", cancellationToken);
        if (row is null)
            return null;
        if (column is null)
            return new CustomerLink("contact", id);
        var r = new ODataRow(row.Value);
        return r.Lookup(column) is { } target ? new CustomerLink(r.LookupTable(column) ?? "contact", target) : null;
    }

    /// <summary>From this many changed contacts in one call (batch chunks), writes go out as bulk messages per table.</summary>
    public int BulkFrom { get; init; } = 10;

    public async Task<int> ApplyAsync(IReadOnlyList<ChangeSet> changes, CancellationToken cancellationToken)
    {
        var erased = 0;
        foreach (var change in changes.Where(c => c.EraseDerived))
            erased += await DeleteDerivedRowsAsync(change.ContactId, cancellationToken);
        var changed = changes.Where(c => !c.IsEmpty).ToList();
        if (changed.Count == 0)
            return erased;
        // An event or a live refresh: one $batch request, one atomic change set per contact.
        // A failure is thrown, so the event is retried: the retry reads the rows as they are then (a deleted offer is no longer
        // there to expire, a deleted contact is no longer scored) and converges.
        if (changed.Count < BulkFrom)
            return erased + await WriteContactByContactAsync(changed, leaveOutMissing: false, cancellationToken);
        // A batch chunk: UpdateMultiple/CreateMultiple per table, up to 1,000 records a request. Recommendations and alerts
        // go first and the contact's score columns last, so a failure half-way leaves the contact looking unscored for
        // tonight and the next rescore (change-only) writes what is missing.
        var writes = BulkWrites(changed);
        try
        {
            foreach (var write in writes)
                await client.WriteMultipleAsync(write, cancellationToken);
        }
        catch (DataverseException e) when ((int)e.Status is >= 400 and < 500 && e.Status != System.Net.HttpStatusCode.TooManyRequests)
        {
            // A bulk request is all or nothing: one contact deleted since the chunk read it, or one bad record, refuses the
            // other 999. The chunk then goes out contact by contact, and only that contact is left out. Every write is an
            // upsert or an update to the same values, so what the bulk requests already wrote is written again unchanged.
            return erased + await WriteContactByContactAsync(changed, leaveOutMissing: true, cancellationToken);
        }
        return erased + writes.Sum(w => w.Records.Count);
    }

    /// <summary>
    /// One atomic change set per contact, every contact tried. With <paramref name="leaveOutMissing"/> (a batch chunk), a
    /// contact whose change set names a row that no longer exists (the contact was deleted since the chunk read it, or an
    /// admin deleted one of its offers) is left out: there is nothing to write to a deleted contact, and otherwise the next
    /// night reads the rows as they are then and writes what differs; a night must not fail because one customer of 400,000
    /// was deleted while it ran. Any other failure is thrown once the other contacts are written, naming how many failed.
    /// </summary>
    private async Task<int> WriteContactByContactAsync(IReadOnlyList<ChangeSet> changed, bool leaveOutMissing, CancellationToken cancellationToken)
    {
        var groups = changed.Select(Operations).Where(g => g.Count > 0).ToList();
        if (groups.Count == 0)
            return 0;
        var (_, errors) = await client.ExecuteChangeSetsAsync(groups, cancellationToken);
        var written = 0;
        var failed = new List<DataverseException>();
        for (var g = 0; g < groups.Count; g++)
        {
            if (errors[g] is null)
                written += groups[g].Count;
            else if (!leaveOutMissing || !BatchResponse.IsMissingRow(errors[g]!))
                failed.Add(errors[g]!);
        }
        if (failed.Count > 0)
            throw new DataverseException(failed[0].Status, failed[0].Code,
                $"{failed.Count} of {groups.Count} contacts' changes could not be written (the others were): {failed[0].Message}");
        return written;
    }

    public async Task<int> EraseContactAsync(Guid contactId, CancellationToken cancellationToken)
    {
        var writes = await DeleteDerivedRowsAsync(contactId, cancellationToken);
        var clear = ContactScoreColumns.All.ToDictionary(c => c, _ => (object?)null);
        try
        {
            await client.PatchAsync(Set("contact"), contactId, clear, cancellationToken);
            writes++;
        }
        catch (DataverseException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
        {
            // The contact itself was deleted: nothing left to clear on it.
        }
        return writes;
    }

    public async Task<int> RemoveMessageDerivedDataAsync(DateTime createdBefore, CancellationToken cancellationToken)
    {
        var ids = await ListAsync("rtn_retentionalert", "rtn_retentionalertid",
            $"createdon lt {StorageFormat.DateTime(createdBefore)} and (rtn_signals ne null or rtn_sentiment ne null)", r => (Guid?)r.Id("rtn_retentionalertid"), cancellationToken);
        var groups = ids.Select(id => (IReadOnlyList<BatchOperation>)[new BatchOperation(HttpMethod.Patch, $"{Set("rtn_retentionalert")}({id!.Value:D})",
            Element(new JsonObject { ["rtn_signals"] = null, ["rtn_sentiment"] = null }))]).ToList();
        if (groups.Count == 0)
            return 0;
        // An alert deleted since the query has nothing left to remove.
        var (_, errors) = await client.ExecuteChangeSetsAsync(groups, cancellationToken);
        if (errors.FirstOrDefault(e => e is not null && !BatchResponse.IsMissingRow(e)) is { } error)
            throw error;
        return errors.Count(e => e is null);
    }

    /// <summary>Every recommendation and alert row of a contact, in any status.</summary>
    private async Task<List<(string Set, Guid Id)>> DerivedRowIdsAsync(Guid contactId, CancellationToken cancellationToken)
    {
        var filter = $"_rtn_contactid_value eq {contactId:D}";
        var rows = await ListAsync("rtn_offerrecommendation", "rtn_offerrecommendationid", filter,
            r => ((string, Guid)?)(Set("rtn_offerrecommendation"), r.Id("rtn_offerrecommendationid")), cancellationToken);
        rows.AddRange(await ListAsync("rtn_retentionalert", "rtn_retentionalertid", filter,
            r => ((string, Guid)?)(Set("rtn_retentionalert"), r.Id("rtn_retentionalertid")), cancellationToken));
        return rows.Select(r => r!.Value).ToList();
    }

    private async Task<int> DeleteDerivedRowsAsync(Guid contactId, CancellationToken cancellationToken)
    {
        var rows = await DerivedRowIdsAsync(contactId, cancellationToken);
        foreach (var (set, id) in rows)
            await client.DeleteAsync(set, id, cancellationToken);
        return rows.Count;
    }

    /// <summary>The change sets as bulk writes per table and message, in the order they are sent.</summary>
    public static IReadOnlyList<BulkWrite> BulkWrites(IReadOnlyList<ChangeSet> changes)
    {
        var writes = new List<BulkWrite>();
        void Add(string table, bool create, IEnumerable<BulkRecord> records)
        {
            // One record once per request: Dataverse refuses a bulk request naming the same id twice, so updates of the
            // same record are merged (later values win).
            var merged = new List<BulkRecord>();
            var at = new Dictionary<Guid, int>();
            foreach (var record in records)
            {
                if (at.TryGetValue(record.Id, out var index))
                {
                    foreach (var (name, value) in record.Columns)
                        merged[index].Columns[name] = value?.DeepClone();
                    continue;
                }
                at[record.Id] = merged.Count;
                merged.Add(record);
            }
            if (merged.Count > 0)
            {
                var definition = Model.Table(table);
                writes.Add(new BulkWrite(definition.EntitySetName, definition.LogicalName, definition.PrimaryId, create, merged));
            }
        }
        Add("rtn_offerrecommendation", true, changes.SelectMany(c => c.CreateRecommendations).Select(r => new BulkRecord(r.Id, NewRecommendation(r))));
        Add("rtn_offerrecommendation", false, changes.SelectMany(c => c.UpdateRecommendations.Select(r => new BulkRecord(r.Id, ChangedRecommendation(r)))
            .Concat(c.ExpireRecommendations.Select(id => new BulkRecord(id, ExpiredRecommendation())))));
        Add("rtn_retentionalert", true, changes.Where(c => c.CreateAlert is not null).Select(c => new BulkRecord(c.CreateAlert!.Id, NewAlert(c.CreateAlert))));
        Add("rtn_retentionalert", false, changes.Where(c => c.UpdateAlert is not null).Select(c => new BulkRecord(c.UpdateAlert!.Id, ChangedAlert(c.UpdateAlert)))
            .Concat(changes.SelectMany(c => c.CloseAlerts).Select(id => new BulkRecord(id, ClosedAlert()))));
        Add("contact", false, changes.Where(c => c.ContactColumns.Count > 0).Select(c => new BulkRecord(c.ContactId, ContactBody(c))));
        return writes;
    }

    public async Task<int> ApplyResponseAsync(ResponseUpdate response, CancellationToken cancellationToken)
    {
        await client.PatchAsync(Set("rtn_offerrecommendation"), response.RecommendationId, new Dictionary<string, object?>
        {
            [Names.OfferRecommendation.Status] = response.Status,
            ["rtn_respondedon"] = StorageFormat.DateTime(response.RespondedOn),
            ["rtn_channel"] = response.Channel,
        }, cancellationToken);
        return 1;
    }

    /// <summary>The Web API operations of one contact's change set (one atomic change set in the $batch).</summary>
    public static IReadOnlyList<BatchOperation> Operations(ChangeSet change)
    {
        var ops = new List<BatchOperation>();
        if (change.ContactColumns.Count > 0)
            ops.Add(new BatchOperation(HttpMethod.Patch, $"{Set("contact")}({change.ContactId:D})", Element(ContactBody(change))));
        // PATCH to a new row's own (name-based) id is an upsert: a second writer updates the first one's row instead of adding one.
        foreach (var rec in change.CreateRecommendations)
            ops.Add(new BatchOperation(HttpMethod.Patch, $"{Set("rtn_offerrecommendation")}({rec.Id:D})", Element(NewRecommendation(rec)), Upsert: true));
        foreach (var rec in change.UpdateRecommendations)
            ops.Add(new BatchOperation(HttpMethod.Patch, $"{Set("rtn_offerrecommendation")}({rec.Id:D})", Element(ChangedRecommendation(rec))));
        foreach (var id in change.ExpireRecommendations)
            ops.Add(new BatchOperation(HttpMethod.Patch, $"{Set("rtn_offerrecommendation")}({id:D})", Element(ExpiredRecommendation())));
        if (change.CreateAlert is { } alert)
            ops.Add(new BatchOperation(HttpMethod.Patch, $"{Set("rtn_retentionalert")}({alert.Id:D})", Element(NewAlert(alert)), Upsert: true));
        if (change.UpdateAlert is { } update)
            ops.Add(new BatchOperation(HttpMethod.Patch, $"{Set("rtn_retentionalert")}({update.Id:D})", Element(ChangedAlert(update))));
        foreach (var id in change.CloseAlerts)
            ops.Add(new BatchOperation(HttpMethod.Patch, $"{Set("rtn_retentionalert")}({id:D})", Element(ClosedAlert())));
        return ops;
    }

    // The bodies below are shared by the $batch operations and the bulk messages, so both write exactly the same columns.
    // Ids are the caller's (the change detector's); the primary id is added by the transport that needs it.

    private static JsonObject ContactBody(ChangeSet change)
    {
        var body = new JsonObject();
        foreach (var (column, value) in change.ContactColumns)
            body[column] = Json(value);
        return body;
    }

    private static JsonObject NewRecommendation(RecommendationRecord rec) => new()
    {
        ["rtn_name"] = $"Offer {rec.Rank}",
        ["rtn_contactid@odata.bind"] = $"/{Set("contact")}({rec.ContactId:D})",
        ["rtn_offerid@odata.bind"] = $"/{Set("rtn_offer")}({rec.OfferId:D})",
        ["rtn_rank"] = rec.Rank,
        ["rtn_acceptanceprobability"] = rec.AcceptanceProbability,
        ["rtn_expectedvalue"] = rec.ExpectedValue,
        ["rtn_reason"] = rec.Reason,
        ["rtn_talkingpoint"] = rec.TalkingPoint,
        ["rtn_churnreduction"] = rec.ChurnReduction,
        ["rtn_status"] = rec.Status,
        ["rtn_channel"] = rec.Channel,
        ["rtn_modelversion"] = rec.ModelVersion,
    };

    private static JsonObject ChangedRecommendation(RecommendationRecord rec) => new()
    {
        ["rtn_rank"] = rec.Rank,
        ["rtn_acceptanceprobability"] = rec.AcceptanceProbability,
        ["rtn_expectedvalue"] = rec.ExpectedValue,
        ["rtn_reason"] = rec.Reason,
        ["rtn_talkingpoint"] = rec.TalkingPoint,
        ["rtn_churnreduction"] = rec.ChurnReduction,
        ["rtn_channel"] = rec.Channel,
        ["rtn_modelversion"] = rec.ModelVersion,
    };

    private static JsonObject ExpiredRecommendation() => new() { ["rtn_status"] = Names.Choices.RecommendationExpired };

    private static JsonObject NewAlert(AlertRecord alert) => new()
    {
        ["rtn_name"] = "Retention alert",
        ["rtn_contactid@odata.bind"] = $"/{Set("contact")}({alert.ContactId:D})",
        ["rtn_level"] = alert.Level,
        ["rtn_signals"] = alert.Signals,
        ["rtn_sentiment"] = alert.Sentiment,
        ["rtn_dueby"] = alert.DueBy is { } due ? StorageFormat.DateTime(due) : null,
        ["rtn_status"] = alert.Status,
    };

    private static JsonObject ClosedAlert() => new()
    {
        ["rtn_status"] = Names.Choices.AlertResolved,
        ["rtn_resolvedon"] = StorageFormat.DateTime(DateTime.UtcNow),
    };

    private static JsonObject ChangedAlert(AlertRecord update) => new()
    {
        ["rtn_level"] = update.Level,
        ["rtn_signals"] = update.Signals,
        ["rtn_sentiment"] = update.Sentiment,
        ["rtn_dueby"] = update.DueBy is { } due ? StorageFormat.DateTime(due) : null,
    };

    private const string RecommendationColumns = "rtn_offerrecommendationid,_rtn_contactid_value,_rtn_offerid_value,rtn_rank,rtn_acceptanceprobability,rtn_expectedvalue,rtn_reason,rtn_talkingpoint,rtn_churnreduction,rtn_status,createdon,rtn_respondedon,rtn_channel,rtn_modelversion";
    private const string AlertColumns = "rtn_retentionalertid,_rtn_contactid_value,rtn_level,rtn_signals,rtn_sentiment,rtn_dueby,rtn_status,rtn_feedback,createdon,rtn_resolvedon";

    private static RecommendationRecord ReadRecommendation(ODataRow r) => new(r.Id("rtn_offerrecommendationid"), r.Lookup("rtn_contactid")!.Value,
        r.Lookup("rtn_offerid") ?? Guid.Empty, r.Int("rtn_rank") ?? 0, r.Double("rtn_acceptanceprobability"), r.Decimal("rtn_expectedvalue"), r.Text("rtn_reason"),
        r.Int("rtn_status") ?? 0, r.Date("createdon") ?? DateTime.MinValue, r.Date("rtn_respondedon"), r.Int("rtn_channel"), r.Text("rtn_modelversion"))
    {
        TalkingPoint = r.Text("rtn_talkingpoint"),
        ChurnReduction = r.Double("rtn_churnreduction"),
    };

    private static AlertRecord ReadAlert(ODataRow r) => new(r.Id("rtn_retentionalertid"), r.Lookup("rtn_contactid")!.Value, r.Int("rtn_level") ?? 0,
        r.Text("rtn_signals"), r.Double("rtn_sentiment"), r.Date("rtn_dueby"), r.Int("rtn_status") ?? 0, r.Int("rtn_feedback"), r.Date("createdon") ?? DateTime.MinValue,
        r.Date("rtn_resolvedon"));

    private sealed record OwnedResolution(Guid ContactId, CaseResolutionRecord Resolution);

    private async Task<List<T>> ListAsync<T>(string table, string select, string? filter, Func<ODataRow, T?> map, CancellationToken cancellationToken,
        string? orderBy = null, int pageSize = DataverseWebApiClient.DefaultPageSize)
    {
        if (filter is null)
            pageSize = Math.Max(pageSize, 5000); // whole-table reads: the largest page Dataverse serves
        var url = $"{Set(table)}?$select={select}";
        if (filter is not null)
            url += "&$filter=" + Uri.EscapeDataString(filter);
        if (orderBy is not null)
            url += "&$orderby=" + orderBy;
        var list = new List<T>();
        await foreach (var row in client.QueryAsync(url, pageSize, cancellationToken))
        {
            if (map(new ODataRow(row)) is { } item)
                list.Add(item);
        }
        return list;
    }

    /// <summary>"(col eq id1 or col eq id2 …)": the portable form of an IN filter on a key or lookup.</summary>
    internal static string Any(string column, IEnumerable<Guid> ids) =>
        "(" + string.Join(" or ", ids.Select(id => $"{column} eq {id:D}")) + ")";

    private static string Set(string table) => Model.Table(table).EntitySetName;

    private static JsonNode? Json(object? value) => value switch
    {
        null => null,
        DateTime d => StorageFormat.DateTime(d),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        double x => x,
        decimal m => m,
        int n => n,
        long n => n,
        bool b => b,
        string s => s,
        Guid g => g.ToString("D"),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private static JsonElement Element(JsonObject node) => JsonSerializer.SerializeToElement(node);
}
