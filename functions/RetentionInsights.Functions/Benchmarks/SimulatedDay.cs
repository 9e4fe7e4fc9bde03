using Microsoft.Data.Sqlite;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Functions.Benchmarks;

/// <summary>What one simulated day changed in the org.</summary>
public sealed record DayOfChanges(int ContactsChanged, int CasesCreated, int MessagesCreated, int InvoicesCreated, int InvoicesPaid, int ContractsCancelled,
    int ReadingsCreated, int RowsDeleted)
{
    public int RowsWritten => CasesCreated + MessagesCreated + InvoicesCreated + InvoicesPaid + ContractsCancelled + ReadingsCreated + RowsDeleted;
}

/// <summary>
/// A day of business on a local org, for the nightly benchmark and its tests: for a share of the contacts (seeded), new
/// cases, inbound messages, invoices and meter readings, invoices paid, contracts cancelled, and a few rows deleted — each
/// dated on <c>day</c>, the way an ERP and a ticketing system feed the org overnight.
/// </summary>
public static class SimulatedDay
{
    private static readonly string[] Complaints =
    [
        "My bill is far too high again and nobody answers my emails.",
        "I want to cancel my contract, the service is terrible.",
        "Thank you for the quick help with my meter reading.",
        "Ik ben het zat, al drie keer gebeld over dezelfde storing.",
        "Bedankt voor de snelle reactie, alles is nu opgelost.",
    ];

    public static DayOfChanges Apply(string orgPath, DateTime day, double share, int seed)
    {
        if (share is <= 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(share), "The changed share must be in (0, 1].");
        var random = new Random(seed);
        using var connection = LocalOrgDatabase.OpenExisting(orgPath);
        var ids = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT contactid FROM contact WHERE statecode = 0 ORDER BY contactid";
            using var reader = list.ExecuteReader();
            while (reader.Read())
                ids.Add(reader.GetString(0));
        }
        var chosen = ids.OrderBy(_ => random.Next()).Take(Math.Max(1, (int)Math.Round(ids.Count * share))).ToList();
        int cases = 0, messages = 0, invoices = 0, paid = 0, cancelled = 0, readings = 0, deleted = 0;
        using var transaction = connection.BeginTransaction();
        var at = StorageFormat.DateTime(day.AddHours(9));
        foreach (var contact in chosen)
        {
            var roll = random.NextDouble();
            if (roll < 0.4)
            {
                cases += Execute(connection, transaction, """
                    INSERT INTO incident (incidentid, customerid, customeridtype, title, description, casetypecode, prioritycode, caseorigincode, createdon, modifiedon, statecode)
                    VALUES ($id, $contact, 'contact', 'Billing question', 'Customer asks about the last invoice.', $type, 2, 1, $at, $at, 0)
                    """, ("$id", NewId(random)), ("$contact", contact), ("$type", random.Next(1, 4)), ("$at", at));
            }
            if (roll is >= 0.2 and < 0.7)
            {
                messages += Execute(connection, transaction, """
                    INSERT INTO email (activityid, regardingobjectid, regardingobjectidtype, directioncode, subject, description, actualend, createdon, statecode)
                    VALUES ($id, $contact, 'contact', 0, 'Your service', $text, $at, $at, 1)
                    """, ("$id", NewId(random)), ("$contact", contact), ("$text", Complaints[random.Next(Complaints.Length)]), ("$at", at));
            }
            if (roll >= 0.6)
            {
                invoices += Execute(connection, transaction, """
                    INSERT INTO invoice (invoiceid, name, customerid, customeridtype, totalamount, duedate, createdon, statecode)
                    VALUES ($id, 'Monthly instalment', $contact, 'contact', $amount, $due, $at, 0)
                    """, ("$id", NewId(random)), ("$contact", contact), ("$amount", Math.Round(60 + random.NextDouble() * 120, 2)),
                    ("$due", StorageFormat.DateTime(day.AddDays(14))), ("$at", at));
            }
            // An open invoice paid today.
            paid += Execute(connection, transaction, """
                UPDATE invoice SET rtn_paidon = $at, statecode = 2 WHERE invoiceid =
                    (SELECT invoiceid FROM invoice WHERE customerid = $contact AND rtn_paidon IS NULL AND createdon < $at ORDER BY duedate LIMIT 1)
                """, ("$contact", contact), ("$at", at));
            readings += Execute(connection, transaction, """
                INSERT INTO rtn_usagereading (rtn_usagereadingid, rtn_name, rtn_contactid, rtn_readingdate, rtn_electricitykwh, rtn_gasm3, createdon)
                VALUES ($id, 'Daily reading', $contact, $day, $kwh, $gas, $at)
                """, ("$id", NewId(random)), ("$contact", contact), ("$day", StorageFormat.DateTime(day)), ("$kwh", Math.Round(random.NextDouble() * 12, 2)),
                ("$gas", Math.Round(random.NextDouble() * 4, 2)), ("$at", at));
            if (random.NextDouble() < 0.05)
            {
                cancelled += Execute(connection, transaction, $"""
                    UPDATE salesorder SET statecode = {Names.Standard.OrderCanceled}, rtn_cancelledon = $at, modifiedon = $at WHERE salesorderid =
                        (SELECT salesorderid FROM salesorder WHERE customerid = $contact AND statecode <> {Names.Standard.OrderCanceled} ORDER BY createdon DESC LIMIT 1)
                    """, ("$contact", contact), ("$at", at));
            }
            if (random.NextDouble() < 0.05)
            {
                // Records removed at the source (a message filed against the wrong customer, an invoice credited away).
                // Only rows that existed before today: a row created and removed the same day would never reach a night.
                deleted += Execute(connection, transaction, "DELETE FROM email WHERE activityid = (SELECT activityid FROM email WHERE regardingobjectid = $contact AND createdon < $at ORDER BY activityid LIMIT 1)",
                    ("$contact", contact), ("$at", at));
                deleted += Execute(connection, transaction, "DELETE FROM invoice WHERE invoiceid = (SELECT invoiceid FROM invoice WHERE customerid = $contact AND createdon < $at ORDER BY invoiceid LIMIT 1)",
                    ("$contact", contact), ("$at", at));
            }
        }
        transaction.Commit();
        return new DayOfChanges(chosen.Count, cases, messages, invoices, paid, cancelled, readings, deleted);
    }

    private static string NewId(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString("D");
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return command.ExecuteNonQuery();
    }
}
