using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Pipeline;

/// <summary>
/// What marketers filter on and the panel renders is what the pipeline stores: reason codes and details, value if retained,
/// talking points, trend and band history land in the org's columns, not only in the engine's answer.
/// </summary>
[Collection(ServiceTests.Name)]
public sealed class WriteBackTests(ServiceFixture fixture)
{
    [Fact]
    public async Task RescoreAll_EveryContactAboveTheBaseRate_HasStoredReasonCodesAndDetails_AndOffersHaveTalkingPoints()
    {
        var db = fixture.CopyOrg();
        using var app = new TestApp(fixture, new() { ["Retention:LocalOrgPath"] = db });

        await app.Services.GetRequiredService<CustomerRescorer>().RescoreAllAsync(null, null, CancellationToken.None);

        var details = OrgSql.Scalar<string>(db, "SELECT rtn_churnreasondetails FROM contact WHERE rtn_churnreasondetails IS NOT NULL LIMIT 1");
        Assert.NotNull(details);
        var baseRate = JsonDocument.Parse(details).RootElement.GetProperty("b").GetDouble();
        Assert.InRange(baseRate, 0.005, 0.5);
        var above = OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM contact WHERE rtn_churnprobability > $b", ("$b", baseRate));
        var aboveWithoutReasons = OrgSql.Scalar<long>(db,
            "SELECT COUNT(*) FROM contact WHERE rtn_churnprobability > $b AND (rtn_churnreasoncodes IS NULL OR rtn_churnreasondetails IS NULL)", ("$b", baseRate));
        Assert.True(above > 50, $"only {above} contacts above the base rate {baseRate:P1}");
        Assert.Equal(0, aboveWithoutReasons);
        foreach (var codes in OrgSql.Column(db, "SELECT rtn_churnreasoncodes FROM contact WHERE rtn_churnreasoncodes IS NOT NULL"))
        {
            var list = codes.Split(',');
            Assert.Equal(list.Length, list.Distinct().Count());
        }

        Assert.True(OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM contact WHERE rtn_valueifretained > 0") > 100);
        Assert.Equal(0, OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM contact WHERE rtn_valueifretained < rtn_clv36m - 0.01"));

        var proposed = OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM rtn_offerrecommendation WHERE rtn_status = 471500000");
        Assert.True(proposed > 20, $"only {proposed} proposed offers");
        Assert.Equal(0, OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM rtn_offerrecommendation WHERE rtn_status = 471500000 AND rtn_talkingpoint IS NULL"));
    }

    [Fact]
    public async Task RescoreAll_StoresTheRetentionGroupAndUpliftSegment_ControlContactsHoldNoProposedOffer_OffersCarryTheirChurnReduction()
    {
        var db = fixture.CopyOrg();
        using var app = new TestApp(fixture, new() { ["Retention:LocalOrgPath"] = db });

        await app.Services.GetRequiredService<CustomerRescorer>().RescoreAllAsync(null, null, CancellationToken.None);

        var scored = OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM contact WHERE rtn_churnprobability IS NOT NULL");
        var control = OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM contact WHERE rtn_churnprobability IS NOT NULL AND rtn_retentiongroup = 471500001");
        Assert.Equal(0, OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM contact WHERE rtn_churnprobability IS NOT NULL AND (rtn_retentiongroup IS NULL OR rtn_retentiongroupsince IS NULL)"));
        Assert.InRange(control / (double)scored, 0.05, 0.15);
        Assert.Equal(0, OrgSql.Scalar<long>(db, """
            SELECT COUNT(*) FROM rtn_offerrecommendation r JOIN contact c ON c.contactid = r.rtn_contactid
            WHERE r.rtn_status = 471500000 AND c.rtn_retentiongroup = 471500001
            """));
        Assert.True(OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM contact WHERE rtn_upliftsegment IS NOT NULL") > 0);
        Assert.Equal(0, OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM rtn_offerrecommendation WHERE rtn_status = 471500000 AND rtn_churnreduction IS NULL"));
        Assert.Equal(0, OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM contact WHERE rtn_retentiongroupsince IS NOT NULL AND length(rtn_retentiongroupsince) <> 10"));
    }

    [Fact]
    public async Task RescoreTwoMonthsLater_StoresTrendAndBandHistoryThatAgreeWithTheProbabilities()
    {
        var db = fixture.CopyOrg();
        using var app = new TestApp(fixture, new() { ["Retention:LocalOrgPath"] = db });
        var rescorer = app.Services.GetRequiredService<CustomerRescorer>();

        await rescorer.RescoreAllAsync(ServiceFixture.AsOf.AddDays(-60), null, CancellationToken.None);
        await rescorer.RescoreAllAsync(ServiceFixture.AsOf, null, CancellationToken.None);

        Assert.True(OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM contact WHERE rtn_churntrend = 471500000") > 0, "nobody's risk rose");
        Assert.True(OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM contact WHERE rtn_churntrend = 471500002") > 0, "nobody's risk fell");
        Assert.Equal(0, OrgSql.Scalar<long>(db, """
            SELECT COUNT(*) FROM contact WHERE rtn_churntrend IS NOT NULL AND NOT (
                (rtn_churntrend = 471500000 AND rtn_churnprobability - rtn_previouschurnprobability >= 0.0099)
             OR (rtn_churntrend = 471500002 AND rtn_previouschurnprobability - rtn_churnprobability >= 0.0099)
             OR (rtn_churntrend = 471500001 AND ABS(rtn_churnprobability - rtn_previouschurnprobability) < 0.0101))
            """));

        var moved = OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM contact WHERE rtn_previousriskband IS NOT NULL");
        Assert.True(moved > 0, "no contact changed band in two months");
        Assert.Equal(0, OrgSql.Scalar<long>(db,
            "SELECT COUNT(*) FROM contact WHERE rtn_previousriskband IS NOT NULL AND (rtn_previousriskband = rtn_churnriskband OR rtn_riskbandchangedon NOT LIKE '2026-11-01%')"));
    }
}
