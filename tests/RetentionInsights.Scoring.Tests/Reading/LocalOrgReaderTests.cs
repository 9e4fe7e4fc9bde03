using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Reading;
using RetentionInsights.Scoring.Tests.Engine;

namespace RetentionInsights.Scoring.Tests.Reading;

[Collection(GeneratedOrgCollection.Name)]
public sealed class LocalOrgReaderTests(GeneratedOrgFixture fixture)
{
    [Fact]
    public void ReadAll_GeneratedOrg_LinksEveryRowToItsContact()
    {
        var data = fixture.Org.Data;
        var generated = fixture.Org.Summary.RowsPerTable;
        Assert.Empty(data.Report.RowsDropped);
        Assert.Equal(generated["contact"], data.Histories.Count);
        Assert.Equal(generated["salesorder"], data.Histories.Sum(h => h.Orders.Count));
        Assert.Equal(generated["salesorderdetail"], data.Histories.Sum(h => h.OrderLines.Count));
        Assert.Equal(generated["invoice"], data.Histories.Sum(h => h.Invoices.Count));
        Assert.Equal(generated["incident"], data.Histories.Sum(h => h.Cases.Count));
        Assert.Equal(generated["email"] + generated["phonecall"], data.Histories.Sum(h => h.Activities.Count));
        Assert.Equal(generated["rtn_usagereading"], data.Histories.Sum(h => h.Usage.Count));
        Assert.Equal(generated["rtn_offerrecommendation"], data.Histories.Sum(h => h.Recommendations.Count));
        Assert.Equal(generated["rtn_offer"], data.Offers.Count);
        foreach (var h in data.Histories)
        {
            Assert.All(h.Orders, o => Assert.Equal(h.Contact.Id, o.ContactId));
            Assert.All(h.Cases, c => Assert.Equal(h.Contact.Id, c.ContactId));
            Assert.All(h.Activities, a => Assert.Equal(h.Contact.Id, a.ContactId));
            Assert.All(h.OrderLines, l => Assert.Contains(h.Orders, o => o.Id == l.OrderId));
        }
        Assert.Contains(data.Histories, h => !h.Contact.IsActive && h.ChurnedOn is not null);
        Assert.Contains(data.Histories, h => h.Cases.Any(c => c.ResolvedOn is not null));
    }

    [Fact]
    public void ReadCustomer_OneContact_SameAsBulkHistory()
    {
        var bulk = fixture.Org.Data.Histories.First(h => h.Cases.Count > 0 && h.Activities.Count > 0 && h.Recommendations.Count > 0);
        using var connection = LocalOrgDatabase.OpenExisting(fixture.Org.DbPath, readOnly: true);
        var single = new LocalOrgReader().ReadCustomer(connection, bulk.Contact.Id);
        Assert.NotNull(single);
        Assert.Equal(bulk.Contact, single.Contact);
        Assert.Equal(bulk.Orders, single.Orders);
        Assert.Equal(bulk.OrderLines, single.OrderLines);
        Assert.Equal(bulk.Invoices, single.Invoices);
        Assert.Equal(bulk.Cases, single.Cases);
        Assert.Equal(bulk.Activities, single.Activities);
        Assert.Equal(bulk.Usage, single.Usage);
        Assert.Equal(bulk.Recommendations, single.Recommendations);
        Assert.Null(new LocalOrgReader().ReadCustomer(connection, Guid.NewGuid()));
    }

    [Fact]
    public void ReadAll_TablesReadAtTheSameTime_EveryContactAsAContactByContactReadGivesIt()
    {
        // The full read reads groups of tables on two connections at once; a read of named contacts reads them one after
        // the other on one. Every list of every contact must come out the same, in the same order.
        var bulk = fixture.Org.Data.Histories;
        using var connection = LocalOrgDatabase.OpenExisting(fixture.Org.DbPath, readOnly: true);
        var reader = new LocalOrgReader();
        var compared = 0;
        foreach (var slice in bulk.Chunk(300))
        {
            var single = reader.ReadCustomers(connection, slice.Select(h => h.Contact.Id).ToList()).ToDictionary(h => h.Contact.Id);
            foreach (var h in slice)
            {
                var s = single[h.Contact.Id];
                Assert.Equal(h.Contact, s.Contact);
                Assert.Equal(h.Orders, s.Orders);
                Assert.Equal(h.OrderLines, s.OrderLines);
                Assert.Equal(h.Invoices, s.Invoices);
                Assert.Equal(h.Cases, s.Cases);
                Assert.Equal(h.CaseResolutions, s.CaseResolutions);
                Assert.Equal(h.Activities, s.Activities);
                Assert.Equal(h.Usage, s.Usage);
                Assert.Equal(h.Recommendations, s.Recommendations);
                Assert.Equal(h.Alerts, s.Alerts);
                compared++;
            }
        }
        Assert.Equal(bulk.Count, compared);
        // The report lists tables in the reader's order, whichever group finished first.
        var order = LocalOrgReader.Queries.Select(q => q.Table).ToList();
        var listed = fixture.Org.Data.Report.RowsRead.Keys.Select(t => order.IndexOf(t)).ToList();
        Assert.Equal(listed.Order(), listed);
    }

    [Fact]
    public void Scan_GeneratedOrg_ReadsEverySourceRow_ThroughTheDataReaderAndThroughTheCursor()
    {
        using var connection = LocalOrgDatabase.OpenExisting(fixture.Org.DbPath, readOnly: true);
        var (rows, _) = LocalOrgReader.Scan(connection);
        var (cursorRows, _) = LocalOrgReader.CursorScan(connection);
        Assert.Equal(fixture.Org.Summary.RowsPerTable.Where(t => t.Key != "rtn_retentionalert").Sum(t => t.Value)
            + fixture.Org.Summary.RowsPerTable.GetValueOrDefault("rtn_retentionalert"), rows);
        Assert.Equal(rows, cursorRows);
    }
}
