using System.Diagnostics;
using RetentionInsights.Functions.Telemetry;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Endpoints;

[Collection(ServiceTests.Name)]
public sealed class TelemetryTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Event_IsTracedWithIdsAndCountsButNoPersonalData()
    {
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == ServiceTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (activities) activities.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);
        using var app = new TestApp(fixture);
        var contact = DataProducer.ActiveContactWithCases(app.DbPath);
        var incident = DataProducer.AnyIncidentOf(app.DbPath, contact);
        var name = OrgSql.Scalar<string>(app.DbPath, "SELECT fullname FROM contact WHERE contactid = $id", ("$id", contact.ToString("D")))!;

        (await app.KeyedClient().SendAsync(Webhook.Request(Webhook.IncidentUpdate(incident, contact, Guid.NewGuid(), Guid.NewGuid(), "x")))).EnsureSuccessStatusCode();

        List<Activity> mine;
        lock (activities)
            mine = activities.Where(a => a.OperationName is "dataverse.event" or "rescore").ToList();
        var evt = Assert.Single(mine, a => a.OperationName == "dataverse.event");
        Assert.Equal("incident", evt.GetTagItem("rtn.entity"));
        Assert.Equal("scored", evt.GetTagItem("rtn.status"));
        Assert.Contains(mine, a => a.OperationName == "rescore" && a.ParentSpanId == evt.SpanId);
        Assert.All(mine.SelectMany(a => a.TagObjects), tag => Assert.DoesNotContain(name, Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));
    }
}
