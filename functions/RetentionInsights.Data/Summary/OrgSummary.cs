using Microsoft.Data.Sqlite;
using RetentionInsights.Data.LocalOrg;

namespace RetentionInsights.Data.Summary;

public sealed record CaseTypeCount(string Type, long Count, long Open);

public sealed record PaymentBehaviour(long OnTime, long Late, long VeryLate, long Unpaid);

/// <summary>What a person wants to see about an org at a glance (the demo and `rtn generate` print it).</summary>
public sealed record OrgSummary(
    long Contacts,
    long ActiveContacts,
    long ChurnedContacts,
    double ChurnRate,
    double AnnualisedChurnRate,
    long Orders,
    long OrderLines,
    long Invoices,
    long Cases,
    IReadOnlyList<CaseTypeCount> CasesByType,
    long Emails,
    long PhoneCalls,
    long UsageReadings,
    long OfferRecommendations,
    PaymentBehaviour Payments,
    string? WindowStart,
    string? Until)
{
    public static OrgSummary Read(SqliteConnection c)
    {
        long Q(string sql) => LocalOrgDatabase.Count(c, sql);
        var contacts = Q("SELECT COUNT(*) FROM contact");
        var churned = Q("SELECT COUNT(*) FROM contact WHERE statecode = 1");
        var windowStart = LocalOrgDatabase.GetInfo(c, "generator.windowstart");
        var until = LocalOrgDatabase.GetInfo(c, "generator.until");
        var years = windowStart is not null && until is not null
            ? (DateTime.Parse(until, System.Globalization.CultureInfo.InvariantCulture) - DateTime.Parse(windowStart, System.Globalization.CultureInfo.InvariantCulture)).TotalDays / 365.25
            : 1.0;
        var churnRate = contacts == 0 ? 0 : (double)churned / contacts;
        var byType = new List<CaseTypeCount>();
        foreach (var (code, name) in new[] { (2, "Complaint"), (1, "Question"), (3, "Request") })
        {
            byType.Add(new CaseTypeCount(name,
                Q($"SELECT COUNT(*) FROM incident WHERE casetypecode = {code}"),
                Q($"SELECT COUNT(*) FROM incident WHERE casetypecode = {code} AND statecode = 0")));
        }
        var payments = new PaymentBehaviour(
            Q("SELECT COUNT(*) FROM invoice WHERE rtn_paidon IS NOT NULL AND rtn_paidon <= duedate"),
            Q("SELECT COUNT(*) FROM invoice WHERE rtn_paidon IS NOT NULL AND rtn_paidon > duedate AND julianday(rtn_paidon) - julianday(duedate) <= 30"),
            Q("SELECT COUNT(*) FROM invoice WHERE rtn_paidon IS NOT NULL AND julianday(rtn_paidon) - julianday(duedate) > 30"),
            Q("SELECT COUNT(*) FROM invoice WHERE rtn_paidon IS NULL"));
        return new OrgSummary(
            contacts, contacts - churned, churned, churnRate,
            1 - Math.Pow(1 - churnRate, 1 / Math.Max(years, 1e-9)),
            Q("SELECT COUNT(*) FROM salesorder"), Q("SELECT COUNT(*) FROM salesorderdetail"), Q("SELECT COUNT(*) FROM invoice"),
            Q("SELECT COUNT(*) FROM incident"), byType, Q("SELECT COUNT(*) FROM email"), Q("SELECT COUNT(*) FROM phonecall"),
            Q("SELECT COUNT(*) FROM rtn_usagereading"), Q("SELECT COUNT(*) FROM rtn_offerrecommendation"), payments, windowStart, until);
    }
}
