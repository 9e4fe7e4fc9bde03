using RetentionInsights.Data.LocalOrg;

namespace RetentionInsights.Functions.Tests.Support;

/// <summary>Writes valid rows into a test's local org, the way Dataverse would hold them after a user's change.</summary>
public static class DataProducer
{
    public static Guid ActiveContactWithCases(string db) =>
        Guid.Parse(OrgSql.Column(db, """
            SELECT c.contactid FROM contact c
            WHERE c.statecode = 0 AND c.rtn_profilingoptout = 0
              AND EXISTS (SELECT 1 FROM incident i WHERE i.customerid = c.contactid)
              AND EXISTS (SELECT 1 FROM salesorder o WHERE o.customerid = c.contactid AND o.statecode <> 2)
            ORDER BY c.contactid LIMIT 1
            """)[0]);

    /// <summary><paramref name="count"/> active, profiled contacts that have cases and orders, in id order.</summary>
    public static List<Guid> ActiveContactsWithCases(string db, int count) =>
        OrgSql.Column(db, $"""
            SELECT c.contactid FROM contact c
            WHERE c.statecode = 0 AND c.rtn_profilingoptout = 0
              AND EXISTS (SELECT 1 FROM incident i WHERE i.customerid = c.contactid)
              AND EXISTS (SELECT 1 FROM salesorder o WHERE o.customerid = c.contactid AND o.statecode <> 2)
            ORDER BY c.contactid LIMIT {count}
            """).Select(Guid.Parse).ToList();

    public static Guid AnyIncidentOf(string db, Guid contactId) =>
        Guid.Parse(OrgSql.Column(db, $"SELECT incidentid FROM incident WHERE customerid = '{contactId:D}' ORDER BY createdon DESC LIMIT 1")[0]);

    public static Guid Complaint(string db, Guid contactId, DateTime createdOn, string title, string description, Guid? parent = null)
    {
        var id = Guid.NewGuid();
        OrgSql.Execute(db, """
            INSERT INTO incident (incidentid, ticketnumber, title, description, customerid, customeridtype, casetypecode, prioritycode,
                caseorigincode, parentcaseid, createdon, modifiedon, statecode, statuscode)
            VALUES ($id, $ticket, $title, $description, $contact, 'contact', 2, 1, 1, $parent, $created, $created, 0, 1)
            """, ("$id", id.ToString("D")), ("$ticket", "CAS-T-" + id.ToString("N")[..6]), ("$title", title), ("$description", description),
            ("$contact", contactId.ToString("D")), ("$parent", parent?.ToString("D")), ("$created", StorageFormat.DateTime(createdOn)));
        return id;
    }

    public static Guid InboundEmail(string db, Guid contactId, DateTime on, string subject, string text)
    {
        var id = Guid.NewGuid();
        OrgSql.Execute(db, """
            INSERT INTO email (activityid, subject, description, directioncode, regardingobjectid, regardingobjectidtype, actualend, createdon, statecode)
            VALUES ($id, $subject, $text, 0, $contact, 'contact', $on, $on, 1)
            """, ("$id", id.ToString("D")), ("$subject", subject), ("$text", text), ("$contact", contactId.ToString("D")),
            ("$on", StorageFormat.DateTime(on)));
        return id;
    }

    /// <summary>Three weeks of escalating complaints and angry mails: what should move churn risk and raise an alert.</summary>
    public static void Escalation(string db, Guid contactId, DateTime asOf)
    {
        var first = Complaint(db, contactId, asOf.AddDays(-20), "Factuur klopt niet", "De jaarafrekening is veel te hoog, ik betaal dit niet.");
        Complaint(db, contactId, asOf.AddDays(-9), "Opnieuw: factuur klopt niet", "Dit is de tweede keer, niemand belt terug.", first);
        Complaint(db, contactId, asOf.AddDays(-3), "Klacht escalatie", "Ik wil een manager spreken, anders zeg ik mijn contract op.", first);
        for (var day = 14; day >= 1; day -= 2)
        {
            InboundEmail(db, contactId, asOf.AddDays(-day).AddHours(10), "URGENT: nog steeds geen antwoord",
                "Ik ben zeer ontevreden en boos. Dit is onacceptabel, ik ga overstappen naar een andere leverancier en dien een klacht in bij de ombudsman.");
        }
    }
}
