using RetentionInsights.Data.Csv;
using RetentionInsights.Data.Generation;
using RetentionInsights.Data.LocalOrg;

namespace RetentionInsights.Data.Tests.Csv;

public class CsvImportExportTests
{
    private const string ContactHeader = "contactid,fullname,firstname,lastname,createdon,statecode,donotemail,rtn_profilingoptout";
    private const string ContactId = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

    private static string Hash(string db)
    {
        using var c = LocalOrgDatabase.OpenExisting(db, readOnly: true);
        return LocalOrgHash.Compute(c);
    }

    [Fact]
    public void ExportThenImport_RoundTripsEveryTableExactly()
    {
        using var dir = new TempDirectory();
        OrgGenerator.Generate(dir.File("source.db"), new GeneratorOptions { Contacts = 250, Seed = 3 });
        CsvExporter.Export(dir.File("source.db"), dir.File("csv"));

        var report = CsvImporter.Import(dir.File("csv"), dir.File("copy.db"));

        Assert.True(report.Succeeded, string.Join("\n", report.Files.SelectMany(f => f.Errors)));
        Assert.Equal(Hash(dir.File("source.db")), Hash(dir.File("copy.db")));
        Assert.Contains(report.Files, f => f.File == "invoice.csv" && f.RowsImported > 1000);
    }

    [Fact]
    public void Import_BadRows_AreReportedWithFileLineColumnAndReason()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("in"));
        File.WriteAllText(dir.File("in/contact.csv"), $"{ContactHeader}\n{ContactId},Ann Smit,Ann,Smit,2024-01-02T10:00:00Z,0,false,false\n");
        File.WriteAllText(dir.File("in/invoice.csv"),
            "invoiceid,name,customerid,customeridtype,totalamount,duedate,createdon,statecode\n" +
            $"a1b2c3d4-0000-4000-8000-000000000001,Jan,{ContactId},contact,12.50,2024-02-15,2024-02-01T00:00:00Z,0\n" +
            $"a1b2c3d4-0000-4000-8000-000000000002,Feb,{ContactId},contact,12,5,2024-13-15,2024-03-01T00:00:00Z,0\n" +
            $"a1b2c3d4-0000-4000-8000-000000000003,Mar,{ContactId},contact,12.50,2024-03-15,2024-03-01T00:00:00Z,9\n" +
            "a1b2c3d4-0000-4000-8000-000000000004,Apr,99999999-0000-4000-8000-000000000000,contact,12.50,2024-04-15,2024-04-01T00:00:00Z,0\n" +
            $"a1b2c3d4-0000-4000-8000-000000000005,May,{ContactId},contact,12.50,2024-05-15,01/05/2024,0\n");

        var report = CsvImporter.Import(dir.File("in"), dir.File("org.db"));

        var invoice = Assert.Single(report.Files, f => f.File == "invoice.csv");
        Assert.False(invoice.Accepted);
        var messages = invoice.Errors.Select(e => e.ToString()).ToList();
        Assert.Contains(messages, m => m.StartsWith("invoice.csv line 3:", StringComparison.Ordinal) && m.Contains("expected 8 fields"));
        Assert.Contains(messages, m => m.StartsWith("invoice.csv line 4, column statecode:", StringComparison.Ordinal) && m.Contains("allowed: 0, 1, 2, 3"));
        Assert.Contains(messages, m => m.StartsWith("invoice.csv line 5, column customerid:", StringComparison.Ordinal) && m.Contains("no contact with id"));
        Assert.Contains(messages, m => m.StartsWith("invoice.csv line 6, column createdon:", StringComparison.Ordinal) && m.Contains("ISO 8601"));
        Assert.True(Assert.Single(report.Files, f => f.File == "contact.csv").Accepted);
        using var c = LocalOrgDatabase.OpenExisting(dir.File("org.db"), readOnly: true);
        Assert.Equal(0, LocalOrgDatabase.Count(c, "SELECT COUNT(*) FROM invoice"));
        Assert.Equal(1, LocalOrgDatabase.Count(c, "SELECT COUNT(*) FROM contact"));
    }

    [Fact]
    public void Import_RejectedFile_ChangesNothingAlreadyStored()
    {
        using var dir = new TempDirectory();
        OrgGenerator.Generate(dir.File("org.db"), new GeneratorOptions { Contacts = 50, Seed = 9 });
        var before = Hash(dir.File("org.db"));
        Directory.CreateDirectory(dir.File("in"));
        // A valid update of an existing contact followed by a row with a bad boolean: the whole file must be rejected.
        string existing;
        using (var c = LocalOrgDatabase.OpenExisting(dir.File("org.db"), readOnly: true))
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT contactid FROM contact LIMIT 1";
            existing = (string)cmd.ExecuteScalar()!;
        }
        File.WriteAllText(dir.File("in/contact.csv"),
            $"{ContactHeader}\n{existing},Changed Name,Changed,Name,2024-01-02T10:00:00Z,0,false,false\n{ContactId},X Y,X,Y,2024-01-02T10:00:00Z,0,maybe,false\n");

        var report = CsvImporter.Import(dir.File("in"), dir.File("org.db"));

        var error = Assert.Single(Assert.Single(report.Files).Errors);
        Assert.Equal("contact.csv line 3, column donotemail: 'maybe' is not a boolean; write true or false.", error.ToString());
        Assert.Equal(before, Hash(dir.File("org.db")));
    }

    [Fact]
    public void Import_UnknownColumnOrMissingRequiredColumn_IsReportedOnTheHeaderLine()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("in"));
        File.WriteAllText(dir.File("in/contact.csv"), "contactid,fullname,shoesize\n" + ContactId + ",A,42\n");

        var report = CsvImporter.Import(dir.File("in"), dir.File("org.db"));

        var messages = Assert.Single(report.Files).Errors.Select(e => e.ToString()).ToList();
        Assert.Contains(messages, m => m.StartsWith("contact.csv line 1, column shoesize: unknown column", StringComparison.Ordinal));
        Assert.Contains("contact.csv line 1, column lastname: required column is missing from the header.", messages);
        Assert.Contains("contact.csv line 1, column createdon: required column is missing from the header.", messages);
    }

    [Fact]
    public void Import_FileThatIsNotATable_IsRejectedWithTheValidNames()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("in"));
        File.WriteAllText(dir.File("in/customers.csv"), "id\n1\n");

        var report = CsvImporter.Import(dir.File("in"), dir.File("org.db"));

        var file = Assert.Single(report.Files);
        Assert.False(file.Accepted);
        Assert.Contains("contact.csv", file.Errors[0].Reason);
    }

    [Fact]
    public void Import_QuoteNeverClosed_IsReportedOnTheLineOfTheRecordThatOpensIt()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("in"));
        File.WriteAllText(dir.File("in/contact.csv"), "contactid,fullname\n" + ContactId + ",A\n" + ContactId + ",\"B\nstill B\n");

        var report = CsvImporter.Import(dir.File("in"), dir.File("org.db"));

        var error = Assert.Single(Assert.Single(report.Files).Errors);
        Assert.Equal("contact.csv line 3: a quoted field that starts in this record is not closed before the end of the file.", error.ToString());
    }

    [Fact]
    public void Read_QuotedFieldsWithCommasQuotesAndNewlines_AreParsed()
    {
        var csv = "a,b\n\"x, y\",\"he said \"\"hi\"\"\nnext line\"\nplain,\n";
        var records = CsvFormat.Read(new StringReader(csv)).ToList();
        Assert.Equal(3, records.Count);
        Assert.Equal(["x, y", "he said \"hi\"\nnext line"], records[1].Fields);
        Assert.Equal(2, records[1].Line);
        Assert.Equal(4, records[2].Line);
        Assert.Equal(["plain", ""], records[2].Fields);
    }

    [Fact]
    public void Import_NegativeNetUsageAndTariffColumns_AreAccepted()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("in"));
        File.WriteAllText(dir.File("in/contact.csv"), $"{ContactHeader}\n{ContactId},Ann Smit,Ann,Smit,2024-01-02T10:00:00Z,0,false,false\n");
        File.WriteAllText(dir.File("in/salesorder.csv"),
            "salesorderid,name,customerid,customeridtype,datefulfilled,rtn_contractend,rtn_tariff,rtn_termmonths,modifiedon,createdon,statecode\n" +
            $"b1b2c3d4-0000-4000-8000-000000000001,Vast,{ContactId},contact,2024-02-01T00:00:00Z,2025-01-31,471500000,12,2024-01-10T00:00:00Z,2024-01-10T00:00:00Z,3\n" +
            $"b1b2c3d4-0000-4000-8000-000000000002,Variabel,{ContactId},contact,,,471500001,,2025-01-10T00:00:00Z,2025-01-10T00:00:00Z,0\n");
        File.WriteAllText(dir.File("in/rtn_usagereading.csv"),
            "rtn_usagereadingid,rtn_name,rtn_contactid,rtn_readingdate,rtn_electricitykwh,rtn_gasm3,createdon\n" +
            $"c1b2c3d4-0000-4000-8000-000000000001,2024-07,{ContactId},2024-07-28,-212.40,12.5,2024-07-29T00:00:00Z\n");

        var report = CsvImporter.Import(dir.File("in"), dir.File("org.db"));

        Assert.True(report.Succeeded, string.Join("\n", report.Files.SelectMany(f => f.Errors)));
        using var c = LocalOrgDatabase.OpenExisting(dir.File("org.db"), readOnly: true);
        Assert.Equal(1, LocalOrgDatabase.Count(c, "SELECT COUNT(*) FROM rtn_usagereading WHERE rtn_electricitykwh < -212"));
        Assert.Equal(1, LocalOrgDatabase.Count(c, "SELECT COUNT(*) FROM salesorder WHERE rtn_tariff = 471500001 AND datefulfilled IS NULL"));
    }

    [Fact]
    public void Import_UnknownTariffValue_IsRejectedWithTheAllowedValues()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("in"));
        File.WriteAllText(dir.File("in/contact.csv"), $"{ContactHeader}\n{ContactId},Ann Smit,Ann,Smit,2024-01-02T10:00:00Z,0,false,false\n");
        File.WriteAllText(dir.File("in/salesorder.csv"),
            "salesorderid,name,customerid,customeridtype,rtn_tariff,createdon,statecode\n" +
            $"b1b2c3d4-0000-4000-8000-000000000001,Vast,{ContactId},contact,3,2024-01-10T00:00:00Z,3\n");

        var report = CsvImporter.Import(dir.File("in"), dir.File("org.db"));

        var orders = Assert.Single(report.Files, f => f.File == "salesorder.csv");
        Assert.Contains(orders.Errors.Select(e => e.ToString()), m => m.Contains("column rtn_tariff") && m.Contains("471500000, 471500001"));
    }
}
