using Microsoft.Data.Sqlite;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;

namespace RetentionInsights.Functions.Stores.LocalOrg;

/// <summary>Reads customer histories of a set of contacts from the local org, one query per table.</summary>
internal static class LocalOrgHistoryReader
{
    public static IReadOnlyList<CustomerHistory> Read(SqliteConnection connection, IReadOnlyList<Guid> ids)
    {
        var contacts = Query(connection, ids, """
            SELECT contactid, fullname, createdon, statecode, donotemail, donotphone, donotbulkemail, rtn_profilingoptout,
                   birthdate, address1_city, address1_country
            FROM contact WHERE contactid IN ({ids})
            """, r => new ContactRecord(r.Guid(0), r.Text(1) ?? string.Empty, r.Date(2) ?? DateTime.MinValue, r.Int(3) ?? 0,
                r.Bool(4), r.Bool(5), r.Bool(6), r.Bool(7), r.Date(8), r.Text(9), r.Text(10)));
        if (contacts.Count == 0)
            return [];

        var orders = Query(connection, ids, """
            SELECT salesorderid, customerid, name, totalamount, submitdate, datefulfilled, rtn_contractend, rtn_cancelledon, statecode, createdon
            FROM salesorder WHERE customeridtype = 'contact' AND customerid IN ({ids})
            """, r => new OrderRecord(r.Guid(0), r.Guid(1), r.Text(2) ?? string.Empty, r.Money(3) ?? 0m, r.Date(4), r.Date(5), r.Date(6),
                r.Date(7), r.Int(8) ?? 0, r.Date(9) ?? DateTime.MinValue));
        var orderIds = orders.Select(o => o.Id).ToList();
        var lines = orderIds.Count == 0 ? [] : orderIds.Chunk(500).SelectMany(slice => Query(connection, slice, """
            SELECT salesorderdetailid, salesorderid, productdescription, quantity, priceperunit, extendedamount
            FROM salesorderdetail WHERE salesorderid IN ({ids})
            """, r => new OrderLineRecord(r.Guid(0), r.Guid(1), r.Text(2) ?? string.Empty, r.Money(3) ?? 0m, r.Money(4) ?? 0m, r.Money(5) ?? 0m))).ToList();
        var invoices = Query(connection, ids, """
            SELECT invoiceid, customerid, salesorderid, totalamount, duedate, rtn_paidon, createdon
            FROM invoice WHERE customeridtype = 'contact' AND customerid IN ({ids})
            """, r => new InvoiceRecord(r.Guid(0), r.Guid(1), r.GuidOrNull(2), r.Money(3) ?? 0m, r.Date(4) ?? DateTime.MinValue, r.Date(5),
                r.Date(6) ?? DateTime.MinValue));
        var cases = Query(connection, ids, """
            SELECT incidentid, customerid, title, description, casetypecode, prioritycode, caseorigincode, customersatisfactioncode,
                   parentcaseid, createdon, modifiedon, statecode
            FROM incident WHERE customeridtype = 'contact' AND customerid IN ({ids})
            """, r => new CaseRecord(r.Guid(0), r.Guid(1), r.Text(2) ?? string.Empty, r.Text(3), r.Int(4) ?? 0, r.Int(5), r.Int(6), r.Int(7),
                r.GuidOrNull(8), r.Date(9) ?? DateTime.MinValue, (r.Int(11) ?? 0) == Names.Standard.IncidentResolved ? r.Date(10) : null, r.Int(11) ?? 0));
        var activities = new List<ActivityRecord>();
        foreach (var (table, kind) in new[] { ("email", ActivityKind.Email), ("phonecall", ActivityKind.PhoneCall) })
        {
            var duration = kind == ActivityKind.PhoneCall ? "actualdurationminutes" : "NULL";
            activities.AddRange(Query(connection, ids,
                $"SELECT activityid, regardingobjectid, directioncode, subject, description, COALESCE(actualend, createdon), {duration} " +
                $"FROM {table} WHERE regardingobjectidtype = 'contact' AND regardingobjectid IN ({{ids}})", r => new ActivityRecord(r.Guid(0), r.Guid(1), kind, r.Bool(2), r.Text(3), r.Text(4), r.Date(5) ?? DateTime.MinValue, r.Int(6))));
        }
        var usage = Query(connection, ids, """
            SELECT rtn_contactid, rtn_readingdate, rtn_electricitykwh, rtn_gasm3 FROM rtn_usagereading WHERE rtn_contactid IN ({ids})
            """, r => new UsageRecord(r.Guid(0), r.Date(1) ?? DateTime.MinValue, r.Double(2) ?? 0, r.Double(3) ?? 0));
        var recommendations = Query(connection, ids, RecommendationSql + " WHERE rtn_contactid IN ({ids})", ReadRecommendation);
        var alerts = Query(connection, ids, AlertSql + " WHERE rtn_contactid IN ({ids})", ReadAlert);

        var ordersBy = orders.ToLookup(o => o.ContactId);
        var orderOwner = orders.ToDictionary(o => o.Id, o => o.ContactId);
        var linesBy = lines.ToLookup(l => orderOwner[l.OrderId]);
        var invoicesBy = invoices.ToLookup(i => i.ContactId);
        var casesBy = cases.ToLookup(c => c.ContactId);
        var activitiesBy = activities.ToLookup(a => a.ContactId);
        var usageBy = usage.ToLookup(u => u.ContactId);
        var recsBy = recommendations.ToLookup(r => r.ContactId);
        var alertsBy = alerts.ToLookup(a => a.ContactId);
        return contacts.Select(c => new CustomerHistory(
            c,
            ordersBy[c.Id].OrderBy(o => o.CreatedOn).ToList(),
            linesBy[c.Id].ToList(),
            invoicesBy[c.Id].OrderBy(i => i.DueDate).ToList(),
            casesBy[c.Id].OrderBy(x => x.CreatedOn).ToList(),
            activitiesBy[c.Id].OrderBy(a => a.On).ToList(),
            usageBy[c.Id].OrderBy(u => u.Date).ToList(),
            recsBy[c.Id].OrderBy(r => r.CreatedOn).ToList(),
            alertsBy[c.Id].OrderBy(a => a.CreatedOn).ToList())).ToList();
    }

    public static IReadOnlyList<OfferRecord> Offers(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT rtn_offerid, rtn_name, rtn_code, rtn_offertype, rtn_description, rtn_cost, rtn_marginimpact, rtn_eligibilityrules,
                   rtn_maxper90days, rtn_active
            FROM rtn_offer ORDER BY rtn_code, rtn_offerid
            """;
        using var r = command.ExecuteReader();
        var list = new List<OfferRecord>();
        while (r.Read())
            list.Add(new OfferRecord(r.Guid(0), r.Text(1) ?? string.Empty, r.Text(2) ?? string.Empty, r.Int(3) ?? 0, r.Text(4), r.Money(5) ?? 0m,
                r.Money(6) ?? 0m, r.Text(7), r.Int(8) ?? 0, r.Bool(9)));
        return list;
    }

    public static ContactState? State(SqliteConnection connection, Guid contactId, IReadOnlyDictionary<Guid, OfferRecord> offers)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT contactid, fullname, rtn_profilingoptout, rtn_churnprobability, rtn_previouschurnprobability, rtn_churnriskband,
                   rtn_clv12m, rtn_clv36m, rtn_palive, rtn_valuesegment, rtn_churnreasons, rtn_earlywarninglevel, rtn_scoredon, rtn_modelversion
            FROM contact WHERE contactid = $id
            """;
        command.Parameters.AddWithValue("$id", StorageFormat.Guid(contactId));
        ContactState? state;
        using (var r = command.ExecuteReader())
        {
            if (!r.Read())
                return null;
            var scores = new ContactScores(r.Guid(0), r.Double(3), r.Double(4), r.Int(5), r.Money(6), r.Money(7), r.Double(8), r.Int(9),
                r.Text(10), r.Int(11), r.Date(12), r.Text(13));
            state = new ContactState(r.Guid(0), r.Text(1) ?? string.Empty, r.Bool(2), scores, [], null);
        }

        var ids = new[] { contactId };
        var recommendations = Query(connection, ids, RecommendationSql + " WHERE rtn_contactid IN ({ids})", ReadRecommendation)
            .Where(r => r.Status == Names.Choices.RecommendationProposed || r.RespondedOn is not null)
            .OrderByDescending(r => r.CreatedOn)
            .Select(r => new StoredRecommendation(r, offers.TryGetValue(r.OfferId, out var o) ? o.Name : string.Empty, offers.TryGetValue(r.OfferId, out var t) ? t.OfferType : 0))
            .ToList();
        var open = Query(connection, ids, AlertSql + " WHERE rtn_contactid IN ({ids}) AND rtn_status <> " + Names.Choices.AlertResolved, ReadAlert)
            .OrderByDescending(a => a.CreatedOn).FirstOrDefault();
        return state with { Recommendations = recommendations, OpenAlert = open };
    }

    private const string RecommendationSql = """
        SELECT rtn_offerrecommendationid, rtn_contactid, rtn_offerid, rtn_rank, rtn_acceptanceprobability, rtn_expectedvalue, rtn_reason,
               rtn_status, createdon, rtn_respondedon, rtn_channel, rtn_modelversion
        FROM rtn_offerrecommendation
        """;

    private const string AlertSql = """
        SELECT rtn_retentionalertid, rtn_contactid, rtn_level, rtn_signals, rtn_sentiment, rtn_dueby, rtn_status, rtn_feedback, createdon, rtn_resolvedon
        FROM rtn_retentionalert
        """;

    private static RecommendationRecord ReadRecommendation(SqliteDataReader r) => new(r.Guid(0), r.Guid(1), r.Guid(2), r.Int(3) ?? 0, r.Double(4),
        r.Money(5), r.Text(6), r.Int(7) ?? 0, r.Date(8) ?? DateTime.MinValue, r.Date(9), r.Int(10), r.Text(11));

    private static AlertRecord ReadAlert(SqliteDataReader r) => new(r.Guid(0), r.Guid(1), r.Int(2) ?? 0, r.Text(3), r.Double(4), r.Date(5),
        r.Int(6) ?? 0, r.Int(7), r.Date(8) ?? DateTime.MinValue, r.Date(9));

    private static List<T> Query<T>(SqliteConnection connection, IReadOnlyList<Guid> ids, string sql, Func<SqliteDataReader, T> map)
    {
        using var command = connection.CreateCommand();
        SqliteRows.AddIds(command, ids, out var list);
        command.CommandText = sql.Replace("{ids}", list, StringComparison.Ordinal);
        using var reader = command.ExecuteReader();
        var result = new List<T>();
        while (reader.Read())
            result.Add(map(reader));
        return result;
    }
}
