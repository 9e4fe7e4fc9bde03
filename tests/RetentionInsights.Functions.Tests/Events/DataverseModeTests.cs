using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Functions.Stores.Dataverse;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Events;

/// <summary>The service configured for Dataverse (DATAVERSE_URL set): the same webhook ends as $batch writes on the Web API.</summary>
[Collection(ServiceTests.Name)]
public sealed class DataverseModeTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Post_IncidentUpdate_InDataverseMode_ReadsAndWritesThroughTheWebApi()
    {
        var org = fixture.CopyOrg();
        var server = new ODataTestServer(org);
        var state = Path.Combine(fixture.Root, "state-" + Guid.NewGuid().ToString("N") + ".db");
        using var app = new TestApp(fixture, new()
        {
            ["Retention:DataverseUrl"] = ODataTestServer.Host,
            // No Azure storage in this test: the ledger lives in a local SQLite file.
            ["Retention:LocalOrgPath"] = state,
        }, services => services.AddSingleton(new DataverseStore(new DataverseWebApiClient(
            new HttpClient(new BearerHandler(server)) { BaseAddress = new Uri(ODataTestServer.Host + "/api/data/v9.2/") }))));
        var contact = DataProducer.ActiveContactWithCases(org);
        var incident = DataProducer.AnyIncidentOf(org, contact);
        using var client = app.KeyedClient();

        var health = await TestApp.ReadJsonAsync(await client.GetAsync("/api/health"));
        var response = await client.SendAsync(Webhook.Request(Webhook.IncidentUpdate(incident, contact, Guid.NewGuid(), Guid.NewGuid(), "Storing")));

        Assert.Equal("dataverse", health.GetProperty("store").GetString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("scored", (await TestApp.ReadJsonAsync(response)).GetProperty("status").GetString());
        Assert.Equal(1, server.BatchRequests);
        var row = server.Row("contact", contact)!;
        Assert.NotNull(row[Names.Contact.ChurnProbability]);
        Assert.Equal(fixture.ChampionVersion, row[Names.Contact.ModelVersion]);
        Assert.DoesNotContain(server.Requests, r => r.StartsWith("GET", StringComparison.Ordinal) && !r.Contains("$select=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_AfterAnAgentResolvedTodaysAlert_InDataverseMode_LeavesItResolvedWithTheVerdict()
    {
        var org = fixture.CopyOrg();
        var contact = DataProducer.ActiveContactWithCases(org);
        DataProducer.Escalation(org, contact, ServiceFixture.AsOf);
        var server = new ODataTestServer(org);
        var state = Path.Combine(fixture.Root, "state-" + Guid.NewGuid().ToString("N") + ".db");
        using var app = new TestApp(fixture, new()
        {
            ["Retention:DataverseUrl"] = ODataTestServer.Host,
            ["Retention:LocalOrgPath"] = state,
        }, services => services.AddSingleton(new DataverseStore(new DataverseWebApiClient(
            new HttpClient(new BearerHandler(server)) { BaseAddress = new Uri(ODataTestServer.Host + "/api/data/v9.2/") }))));
        var incident = DataProducer.AnyIncidentOf(org, contact);
        using var client = app.KeyedClient();
        await client.SendAsync(Webhook.Request(Webhook.IncidentUpdate(incident, contact, Guid.NewGuid(), Guid.NewGuid(), "Storing")));
        List<Dictionary<string, object?>> AlertsOf() =>
            server.Tables["rtn_retentionalert"].Where(r => string.Equals(r["rtn_contactid"] as string, contact.ToString("D"), StringComparison.OrdinalIgnoreCase)).ToList();
        var alert = Assert.Single(AlertsOf());
        var alertId = Guid.Parse((string)alert["rtn_retentionalertid"]!);
        // The agent calls it a false alarm (as the form's feedback does).
        server.Update("rtn_retentionalert", alertId, "rtn_status", Names.Choices.AlertResolved);
        server.Update("rtn_retentionalert", alertId, "rtn_feedback", Names.Choices.FeedbackFalseAlarm);

        var again = await client.SendAsync(Webhook.Request(Webhook.IncidentUpdate(incident, contact, Guid.NewGuid(), Guid.NewGuid(), "Storing")));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var kept = Assert.Single(AlertsOf());
        Assert.Equal(Names.Choices.AlertResolved, Convert.ToInt32(kept["rtn_status"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Names.Choices.FeedbackFalseAlarm, Convert.ToInt32(kept["rtn_feedback"], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Stands in for the token handler (no Entra ID in tests).</summary>
    private sealed class BearerHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "test");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
