using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Scoring;

/// <summary>
/// Different events for one contact at the same moment (and a batch beside them) must converge on one top 3 and one open
/// alert: the read → diff → write of a contact is serialised, and rows have name-based ids so a second writer upserts.
/// </summary>
[Collection(ServiceTests.Name)]
public sealed class ConcurrentRescoreTests(ServiceFixture fixture)
{
    private const int ContactsInBurst = 50;
    private const int EventsPerContact = 8;

    [Fact]
    public async Task Burst_EightDistinctEventsPerContactFor50Contacts_LeavesNoDuplicateOffersOrOpenAlerts()
    {
        using var app = new TestApp(fixture);
        var contacts = PrepareTroubledContacts(app.DbPath);
        using var client = app.KeyedClient();

        var statuses = await BurstAsync(client, app.DbPath, contacts);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        AssertConverged(app.DbPath, contacts);
        Assert.Equal(0, app.Services.GetRequiredService<CustomerRescorer>().Locks.Count);
    }

    [Fact]
    public async Task Burst_WhileABatchRescoresTheWholeOrg_LeavesNoDuplicateOffersOrOpenAlerts()
    {
        using var app = new TestApp(fixture);
        var contacts = PrepareTroubledContacts(app.DbPath);
        using var client = app.KeyedClient();

        var batch = await client.PostAsync("/api/rescore", null);
        Assert.Equal(HttpStatusCode.Accepted, batch.StatusCode);
        var batchId = (await TestApp.ReadJsonAsync(batch)).GetProperty("batchId").GetString();
        var statuses = await BurstAsync(client, app.DbPath, contacts);
        for (var i = 0; i < 3000; i++)
        {
            var status = await TestApp.ReadJsonAsync(await client.GetAsync($"/api/rescore/{batchId}"));
            if (status.GetProperty("completed").GetBoolean())
                break;
            await Task.Delay(50);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.True((await TestApp.ReadJsonAsync(await client.GetAsync($"/api/rescore/{batchId}"))).GetProperty("completed").GetBoolean());
        AssertConverged(app.DbPath, contacts);
    }

    [Fact]
    public async Task Rescore_ContactWithDuplicateOffersAndAlertsFromAnOlderVersion_RepairsThemToOneEach()
    {
        using var app = new TestApp(fixture);
        using var client = app.KeyedClient();
        var contact = Guid.Empty;
        foreach (var candidate in PrepareTroubledContacts(app.DbPath))
        {
            (await client.GetAsync($"/api/customers/{candidate}/insights")).EnsureSuccessStatusCode();
            if (ProposedOffers(app.DbPath, candidate) > 0 && OpenAlerts(app.DbPath, candidate) == 1)
            {
                contact = candidate;
                break;
            }
        }
        Assert.NotEqual(Guid.Empty, contact);
        var id = contact.ToString("D");
        // What an older version left behind: a second live copy of every proposed offer and of the open alert, with fresh ids.
        var copiedOffers = OrgSql.Execute(app.DbPath, """
            INSERT INTO rtn_offerrecommendation (rtn_offerrecommendationid, rtn_name, rtn_contactid, rtn_offerid, rtn_rank, rtn_acceptanceprobability,
                rtn_expectedvalue, rtn_reason, rtn_status, rtn_channel, rtn_modelversion, createdon)
            SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
                rtn_name, rtn_contactid, rtn_offerid, rtn_rank, rtn_acceptanceprobability, rtn_expectedvalue, rtn_reason, rtn_status, rtn_channel,
                rtn_modelversion, createdon
            FROM rtn_offerrecommendation WHERE rtn_contactid = $id AND rtn_status = $proposed
            """, ("$id", id), ("$proposed", Names.Choices.RecommendationProposed));
        var copiedAlerts = OrgSql.Execute(app.DbPath, """
            INSERT INTO rtn_retentionalert (rtn_retentionalertid, rtn_name, rtn_contactid, rtn_level, rtn_signals, rtn_sentiment, rtn_dueby, rtn_status, createdon)
            SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
                rtn_name, rtn_contactid, rtn_level, rtn_signals, rtn_sentiment, rtn_dueby, rtn_status, createdon
            FROM rtn_retentionalert WHERE rtn_contactid = $id AND rtn_status <> $resolved
            """, ("$id", id), ("$resolved", Names.Choices.AlertResolved));
        Assert.True(copiedOffers > 0, "the contact should have proposed offers to duplicate");
        Assert.Equal(1, copiedAlerts);
        Assert.True(DuplicateOffers(app.DbPath, [contact]) > 0);

        (await client.GetAsync($"/api/customers/{contact}/insights")).EnsureSuccessStatusCode();

        Assert.Equal(0, DuplicateOffers(app.DbPath, [contact]));
        Assert.Equal(1, OpenAlerts(app.DbPath, contact));
        Assert.InRange(ProposedOffers(app.DbPath, contact), 1, 3);
    }

    [Fact]
    public void RowIds_SameContactOfferAndAnswers_GiveTheSameIdAndADifferentOneOtherwise()
    {
        var contact = Guid.NewGuid();
        var offer = Guid.NewGuid();

        Assert.Equal(RowIds.Recommendation(contact, offer, 0), RowIds.Recommendation(contact, offer, 0));
        Assert.NotEqual(RowIds.Recommendation(contact, offer, 0), RowIds.Recommendation(contact, offer, 1));
        Assert.NotEqual(RowIds.Recommendation(contact, offer, 0), RowIds.Recommendation(Guid.NewGuid(), offer, 0));
        var day = new DateTime(2026, 11, 1, 9, 0, 0, DateTimeKind.Utc);
        Assert.Equal(RowIds.Alert(contact, day), RowIds.Alert(contact, day.AddHours(5)));
        Assert.NotEqual(RowIds.Alert(contact, day), RowIds.Alert(contact, day.AddDays(1)));
        // RFC 9562 version 5 layout for alerts; a recommendation's id is version 8 and sorts with its contact's.
        Assert.Equal('5', RowIds.Alert(contact, day).ToString("D")[14]);
        var recommendation = RowIds.Recommendation(contact, offer, 0).ToString("D");
        Assert.Equal(('8', contact.ToString("D")[..8]), (recommendation[14], recommendation[..8]));
        Assert.Contains(recommendation[19], "89ab");
        var contacts = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).Select(c => c.ToString("D")).Order(StringComparer.Ordinal).ToList();
        var ids = contacts.Select(c => RowIds.Recommendation(Guid.Parse(c), offer, 0).ToString("D")).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
    }

    [Fact]
    public async Task ContactLocks_SecondHolderOfOneContact_WaitsUntilTheFirstReleases()
    {
        var locks = new ContactLocks();
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        var first = await locks.AcquireAsync([a, b], CancellationToken.None);

        var second = locks.AcquireAsync([b], CancellationToken.None);
        var other = await locks.AcquireAsync([Guid.NewGuid()], CancellationToken.None);

        Assert.False(second.IsCompleted);
        first.Dispose();
        (await second).Dispose();
        other.Dispose();
        Assert.Equal(0, locks.Count);
    }

    private static List<Guid> PrepareTroubledContacts(string db)
    {
        var contacts = DataProducer.ActiveContactsWithCases(db, ContactsInBurst);
        Assert.Equal(ContactsInBurst, contacts.Count);
        foreach (var contact in contacts)
            DataProducer.Escalation(db, contact, ServiceFixture.AsOf);
        return contacts;
    }

    private static async Task<List<HttpStatusCode>> BurstAsync(HttpClient client, string db, List<Guid> contacts)
    {
        var requests = new List<Task<HttpResponseMessage>>();
        using var start = new ManualResetEventSlim(false);
        foreach (var contact in contacts)
        {
            var incident = DataProducer.AnyIncidentOf(db, contact);
            for (var i = 0; i < EventsPerContact; i++)
            {
                // Distinct events (own operation and request ids), as when a user saves a case several times quickly.
                var body = Webhook.IncidentUpdate(incident, contact, Guid.NewGuid(), Guid.NewGuid(), $"Klacht {i}");
                requests.Add(Task.Run(async () =>
                {
                    start.Wait();
                    return await client.SendAsync(Webhook.Request(body));
                }));
            }
        }
        start.Set();
        var responses = await Task.WhenAll(requests);
        return responses.Select(r => r.StatusCode).ToList();
    }

    private static void AssertConverged(string db, List<Guid> contacts)
    {
        Assert.Equal(0, DuplicateOffers(db, contacts));
        Assert.All(contacts, c => Assert.InRange(ProposedOffers(db, c), 0, 3));
        Assert.All(contacts, c => Assert.InRange(OpenAlerts(db, c), 0, 1));
        // The burst is only a test of alerts if the escalation raised some.
        Assert.True(contacts.Count(c => OpenAlerts(db, c) == 1) >= contacts.Count / 2, "most escalated contacts should have an open alert");
        // Offers go only where they pay (uplift policy, control group held out): enough contacts must hold some for the burst
        // to be a test of duplicate offers.
        var withOffers = contacts.Count(c => ProposedOffers(db, c) > 0);
        Assert.True(withOffers >= contacts.Count / 10, $"only {withOffers} of {contacts.Count} contacts hold offers: the burst says little about duplicates");
    }

    private static long DuplicateOffers(string db, List<Guid> contacts) =>
        contacts.Sum(c => OrgSql.Scalar<long>(db, """
            SELECT COUNT(*) FROM (SELECT rtn_offerid FROM rtn_offerrecommendation WHERE rtn_contactid = $id AND rtn_status = $proposed
                                  GROUP BY rtn_offerid HAVING COUNT(*) > 1)
            """, ("$id", c.ToString("D")), ("$proposed", Names.Choices.RecommendationProposed)));

    private static long ProposedOffers(string db, Guid contact) =>
        OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM rtn_offerrecommendation WHERE rtn_contactid = $id AND rtn_status = $proposed",
            ("$id", contact.ToString("D")), ("$proposed", Names.Choices.RecommendationProposed));

    private static long OpenAlerts(string db, Guid contact) =>
        OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM rtn_retentionalert WHERE rtn_contactid = $id AND rtn_status <> $resolved",
            ("$id", contact.ToString("D")), ("$resolved", Names.Choices.AlertResolved));
}
