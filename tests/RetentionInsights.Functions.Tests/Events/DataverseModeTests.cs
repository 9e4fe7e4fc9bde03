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
