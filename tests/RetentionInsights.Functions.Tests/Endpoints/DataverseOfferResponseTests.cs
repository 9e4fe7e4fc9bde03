using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Functions.Stores.Dataverse;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Endpoints;

/// <summary>The offer-answer states on Dataverse (the Web API test server): the same answers as on the local org.</summary>
[Collection(ServiceTests.Name)]
public sealed class DataverseOfferResponseTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Respond_ToAnExpiredOffer_Is409AndToAnOfferNeverProposed404()
    {
        var org = fixture.CopyOrg();
        var server = new ODataTestServer(org);
        using var app = new TestApp(fixture, new()
        {
            ["Retention:DataverseUrl"] = ODataTestServer.Host,
            ["Retention:LocalOrgPath"] = Path.Combine(fixture.Root, "state-" + Guid.NewGuid().ToString("N") + ".db"),
        }, services => services.AddSingleton(new DataverseStore(new DataverseWebApiClient(
            new HttpClient(new BearerHandler(server)) { BaseAddress = new Uri(ODataTestServer.Host + "/api/data/v9.2/") }))));
        using var client = app.KeyedClient();
        var (contact, offer) = await ProposedOfferAsync(server, client, org);
        // A newer score replaced the offer: its recommendation expired unanswered.
        foreach (var id in Recommendations(server, contact, offer))
            server.Update("rtn_offerrecommendation", id, Names.OfferRecommendation.Status, Names.Choices.RecommendationExpired);
        var neverProposed = Guid.Parse(server.Tables["rtn_offer"].Select(r => (string)r["rtn_offerid"]!)
            .First(o => !server.Tables["rtn_offerrecommendation"].Any(r => Owner(r) == contact && string.Equals(r["rtn_offerid"] as string, o, StringComparison.OrdinalIgnoreCase))));

        var expired = await client.PostAsync($"/api/customers/{contact}/offers/{offer}/response", Json("{\"response\":\"accepted\"}"));
        var unknown = await client.PostAsync($"/api/customers/{contact}/offers/{neverProposed}/response", Json("{\"response\":\"accepted\"}"));

        Assert.Equal(HttpStatusCode.Conflict, expired.StatusCode);
        Assert.Contains("expired", (await TestApp.ReadJsonAsync(expired)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        // Nothing was written for either answer.
        Assert.All(Recommendations(server, contact, offer), id => Assert.Null(server.Row("rtn_offerrecommendation", id)!["rtn_respondedon"]));
    }

    private static async Task<(Guid Contact, Guid Offer)> ProposedOfferAsync(ODataTestServer server, HttpClient client, string org)
    {
        foreach (var contact in DataProducer.ActiveContactsWithCases(org, 20))
        {
            // A live refresh scores the contact through the Web API and writes its offers there.
            (await client.GetAsync($"/api/customers/{contact}/insights")).EnsureSuccessStatusCode();
            var proposed = server.Tables["rtn_offerrecommendation"].FirstOrDefault(r => Owner(r) == contact
                && Convert.ToInt32(r[Names.OfferRecommendation.Status], System.Globalization.CultureInfo.InvariantCulture) == Names.Choices.RecommendationProposed);
            if (proposed is not null)
                return (contact, Guid.Parse((string)proposed["rtn_offerid"]!));
        }
        throw new InvalidOperationException("No contact got an offer.");
    }

    private static Guid? Owner(Dictionary<string, object?> row) => row["rtn_contactid"] is string id ? Guid.Parse(id) : null;

    private static List<Guid> Recommendations(ODataTestServer server, Guid contact, Guid offer) =>
        server.Tables["rtn_offerrecommendation"].Where(r => Owner(r) == contact && string.Equals(r["rtn_offerid"] as string, offer.ToString("D"), StringComparison.OrdinalIgnoreCase))
            .Select(r => Guid.Parse((string)r[Names.OfferRecommendation.Id]!)).ToList();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

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
