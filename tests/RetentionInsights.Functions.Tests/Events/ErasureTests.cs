using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Functions.Batch;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Events;

/// <summary>
/// An objection to profiling and a contact Delete remove everything the service derived from the person: scores, every
/// offer and alert row (signals and sentiment come from their messages), and the service's own ledger entries.
/// </summary>
[Collection(ServiceTests.Name)]
public sealed class ErasureTests(ServiceFixture fixture)
{
    [Fact]
    public async Task OptOut_ContactWithScoresOffersAnAnsweredOfferAndAnAlert_LeavesNothingDerivedAndTheApiShowsNothing()
    {
        using var app = new TestApp(fixture);
        using var client = app.KeyedClient();
        var contact = await ProfiledContactAsync(app, client);
        OrgSql.Execute(app.DbPath, "UPDATE contact SET rtn_profilingoptout = 1 WHERE contactid = $id", ("$id", contact.ToString("D")));

        var response = await client.SendAsync(Webhook.Request(Webhook.ContactEvent("Update", contact, Guid.NewGuid()), entity: "contact"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertNothingDerived(app.DbPath, contact);
        var insights = await TestApp.ReadJsonAsync(await client.GetAsync($"/api/customers/{contact}/insights?refresh=false"));
        Assert.Equal(0, insights.GetProperty("offers").GetArrayLength());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, insights.GetProperty("alert").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, insights.GetProperty("churnProbability").ValueKind);
        Assert.Equal(0, insights.GetProperty("reasons").GetArrayLength());
    }

    [Fact]
    public async Task Delete_OfAContact_ErasesItsRowsAndLedgerEntries()
    {
        using var app = new TestApp(fixture);
        using var client = app.KeyedClient();
        var contact = await ProfiledContactAsync(app, client);
        // Dataverse deletes the contact first; the asynchronous Delete step then tells the service.
        OrgSql.Execute(app.DbPath, "DELETE FROM contact WHERE contactid = $id", ("$id", contact.ToString("D")));

        var response = await client.SendAsync(Webhook.Request(Webhook.ContactEvent("Delete", contact, Guid.NewGuid()), entity: "contact"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("erased", (await TestApp.ReadJsonAsync(response)).GetProperty("status").GetString());
        AssertNothingDerived(app.DbPath, contact);
    }

    [Fact]
    public async Task Retention_AlertsOlderThanThePeriod_LoseTheirSignalsAndSentimentAtTheNightlyRun()
    {
        using var app = new TestApp(fixture, settings: new() { ["Retention:MessageDataRetentionDays"] = "30" });
        var contacts = DataProducer.ActiveContactsWithCases(app.DbPath, 2);
        var old = Alert(app.DbPath, contacts[0], DateTime.UtcNow.AddDays(-31));
        var recent = Alert(app.DbPath, contacts[1], DateTime.UtcNow.AddDays(-29));

        var cleared = await app.Services.GetRequiredService<BatchRescoreCoordinator>().ApplyRetentionAsync(CancellationToken.None);

        Assert.Equal(1, cleared);
        Assert.Null(OrgSql.Scalar<string?>(app.DbPath, "SELECT rtn_signals FROM rtn_retentionalert WHERE rtn_retentionalertid = $id", ("$id", old)));
        Assert.Null(OrgSql.Scalar<double?>(app.DbPath, "SELECT rtn_sentiment FROM rtn_retentionalert WHERE rtn_retentionalertid = $id", ("$id", old)));
        Assert.NotNull(OrgSql.Scalar<string?>(app.DbPath, "SELECT rtn_signals FROM rtn_retentionalert WHERE rtn_retentionalertid = $id", ("$id", recent)));
        // The alert itself (level, outcome) stays: only what came from the messages goes.
        Assert.Equal(1, OrgSql.Scalar<long>(app.DbPath, "SELECT COUNT(*) FROM rtn_retentionalert WHERE rtn_retentionalertid = $id", ("$id", old)));
    }

    /// <summary>A contact with scores, proposed offers, one answered offer, an open alert and ledger entries.</summary>
    private static async Task<Guid> ProfiledContactAsync(TestApp app, HttpClient client)
    {
        foreach (var contact in DataProducer.ActiveContactsWithCases(app.DbPath, 20))
        {
            DataProducer.Escalation(app.DbPath, contact, ServiceFixture.AsOf);
            var incident = DataProducer.AnyIncidentOf(app.DbPath, contact);
            var operation = Guid.NewGuid();
            var evt = await client.SendAsync(Webhook.Request(Webhook.IncidentUpdate(incident, contact, operation, Guid.NewGuid(), "Klacht")));
            Assert.Equal(HttpStatusCode.OK, evt.StatusCode);
            LastEventKey = $"{operation:N}-{incident:N}-update-s40";
            var id = contact.ToString("D");
            var offer = OrgSql.Scalar<string?>(app.DbPath, "SELECT rtn_offerid FROM rtn_offerrecommendation WHERE rtn_contactid = $id AND rtn_status = $p LIMIT 1",
                ("$id", id), ("$p", Names.Choices.RecommendationProposed));
            var alerts = OrgSql.Scalar<long>(app.DbPath, "SELECT COUNT(*) FROM rtn_retentionalert WHERE rtn_contactid = $id", ("$id", id));
            if (offer is null || alerts == 0)
                continue;
            var answer = await client.PostAsync($"/api/customers/{contact}/offers/{offer}/response",
                new StringContent("{\"response\":\"declined\",\"channel\":\"phone\"}", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.True(LedgerEntries(app.DbPath, contact) > 0, "the incident event should be in the ledger");
            Assert.Equal(1, OrgSql.Scalar<long>(app.DbPath, "SELECT COUNT(*) FROM rtn_service_state WHERE key = $k", ("$k", "events/" + LastEventKey)));
            return contact;
        }
        throw new InvalidOperationException("No escalated contact got both offers and an alert.");
    }

    private static void AssertNothingDerived(string db, Guid contact)
    {
        var id = contact.ToString("D");
        Assert.Equal(0, OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM rtn_offerrecommendation WHERE rtn_contactid = $id", ("$id", id)));
        Assert.Equal(0, OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM rtn_retentionalert WHERE rtn_contactid = $id", ("$id", id)));
        Assert.Equal(0, OrgSql.Scalar<long>(db, """
            SELECT COUNT(*) FROM contact WHERE contactid = $id AND (rtn_churnprobability IS NOT NULL OR rtn_churnreasons IS NOT NULL
                OR rtn_clv12m IS NOT NULL OR rtn_earlywarninglevel IS NOT NULL OR rtn_scoredon IS NOT NULL)
            """, ("$id", id)));
        Assert.Equal(0, LedgerEntries(db, contact));
        Assert.Equal(0, OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM rtn_service_state WHERE key = $k", ("$k", "events/" + LastEventKey)));
    }

    /// <summary>The ledger key of the incident event sent for the chosen contact.</summary>
    private static string LastEventKey = string.Empty;

    /// <summary>Service state entries that name the contact (in the key or the value) or its event index.</summary>
    private static long LedgerEntries(string db, Guid contact) =>
        OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM rtn_service_state WHERE (key LIKE 'event%') AND (key LIKE $n OR key LIKE $d OR value LIKE $n OR value LIKE $d)",
            ("$n", $"%{contact:N}%"), ("$d", $"%{contact:D}%"))
        + OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM rtn_service_state WHERE key LIKE $n", ("$n", $"event-contacts/{contact:N}/%"));

    private static string Alert(string db, Guid contact, DateTime createdOn)
    {
        var id = Guid.NewGuid().ToString("D");
        OrgSql.Execute(db, """
            INSERT INTO rtn_retentionalert (rtn_retentionalertid, rtn_name, rtn_contactid, rtn_level, rtn_signals, rtn_sentiment, rtn_status, createdon)
            VALUES ($id, 'Retention alert', $contact, $level, 'Angry wording in 4 mails', -0.71, $status, $created)
            """, ("$id", id), ("$contact", contact.ToString("D")), ("$level", Names.Choices.WarningNone + 2), ("$status", Names.Choices.AlertResolved),
            ("$created", StorageFormat.DateTime(createdOn)));
        return id;
    }
}
