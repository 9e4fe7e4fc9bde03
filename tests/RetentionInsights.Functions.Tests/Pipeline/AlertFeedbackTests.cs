using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Pipeline;

/// <summary>An agent's "false alarm" on an alert is heard by the service: the same tone does not raise the alert again.</summary>
[Collection(ServiceTests.Name)]
public sealed class AlertFeedbackTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Rescore_AfterAgentsCalledAlertsFalseAlarms_ReRaisesFewerOfThemThanAfterPlainResolution()
    {
        var db = fixture.CopyOrg();
        var clock = new MovableClock(DateTimeOffset.UtcNow);
        using var app = new TestApp(fixture, new() { ["Retention:LocalOrgPath"] = db }, services => services.AddSingleton<TimeProvider>(clock));
        var rescorer = app.Services.GetRequiredService<CustomerRescorer>();
        await rescorer.RescoreAllAsync(null, null, CancellationToken.None);

        var alerted = OrgSql.Column(db, "SELECT rtn_contactid FROM rtn_retentionalert WHERE rtn_status = 471500000 ORDER BY rtn_contactid");
        Assert.True(alerted.Count >= 20, $"only {alerted.Count} alerts raised");
        var judged = alerted.Where((_, i) => i % 2 == 0).ToList();
        var resolved = alerted.Where((_, i) => i % 2 == 1).ToList();
        // Both halves are closed the day before scoring; only the first half carries the agent's verdict "false alarm".
        OrgSql.Execute(db, $"UPDATE rtn_retentionalert SET rtn_status = 471500002, rtn_resolvedon = '2026-10-31T12:00:00Z', rtn_feedback = 471500001 WHERE rtn_contactid IN ({In(judged)})");
        OrgSql.Execute(db, $"UPDATE rtn_retentionalert SET rtn_status = 471500002, rtn_resolvedon = '2026-10-31T12:00:00Z' WHERE rtn_contactid IN ({In(resolved)})");

        // The next day: an alert an agent resolved stays resolved for the rest of the day it was raised.
        clock.Now = clock.Now.AddDays(1);
        await rescorer.RescoreAllAsync(null, null, CancellationToken.None);

        double ReRaised(List<string> ids) =>
            OrgSql.Scalar<long>(db, $"SELECT COUNT(DISTINCT rtn_contactid) FROM rtn_retentionalert WHERE rtn_status = 471500000 AND rtn_contactid IN ({In(ids)})") / (double)ids.Count;
        var afterFalseAlarm = ReRaised(judged);
        var afterResolution = ReRaised(resolved);
        Assert.True(afterResolution >= 0.5, $"without a verdict only {afterResolution:P0} were raised again: the comparison says nothing");
        Assert.True(afterFalseAlarm <= afterResolution - 0.25,
            $"{afterFalseAlarm:P0} of alerts called false alarms came back, against {afterResolution:P0} of alerts closed without a verdict");
    }

    [Fact]
    public async Task Rescore_TheSameDayAnAgentResolvedTheAlert_KeepsItResolvedWithTheVerdict()
    {
        var db = fixture.CopyOrg();
        using var app = new TestApp(fixture, new() { ["Retention:LocalOrgPath"] = db });
        var rescorer = app.Services.GetRequiredService<CustomerRescorer>();
        await rescorer.RescoreAllAsync(null, null, CancellationToken.None);
        var alerted = OrgSql.Column(db, "SELECT rtn_contactid FROM rtn_retentionalert WHERE rtn_status = 471500000");
        Assert.NotEmpty(alerted);
        OrgSql.Execute(db, "UPDATE rtn_retentionalert SET rtn_status = 471500002, rtn_resolvedon = createdon, rtn_feedback = 471500000");

        await rescorer.RescoreAllAsync(null, null, CancellationToken.None);

        Assert.Equal(0L, OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM rtn_retentionalert WHERE rtn_status <> 471500002 OR rtn_feedback IS NULL"));
        Assert.Equal(alerted.Count, (int)OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM rtn_retentionalert"));
    }

    private sealed class MovableClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static string In(IEnumerable<string> ids) => string.Join(",", ids.Select(id => $"'{id}'"));
}
