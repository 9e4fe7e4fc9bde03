using RetentionInsights.Data.Metadata;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Functions.Stores.LocalOrg;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Stores;

[Collection(ServiceTests.Name)]
public sealed class LocalOrgStoreTests(ServiceFixture fixture)
{
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task ReadContactStates_OfferRenamedInTheOrg_ShowsTheNewNameOnceTheCachedCatalogueIsOlderThanMaxAge()
    {
        var db = fixture.CopyOrg();
        var contact = DataProducer.ActiveContactWithCases(db);
        var offer = OrgSql.Scalar<string>(db, "SELECT rtn_offerid FROM rtn_offer ORDER BY rtn_code LIMIT 1")!;
        var before = OrgSql.Scalar<string>(db, "SELECT rtn_name FROM rtn_offer WHERE rtn_offerid = $o", ("$o", offer))!;
        var recommendation = Guid.NewGuid();
        OrgSql.Execute(db, """
            INSERT INTO rtn_offerrecommendation (rtn_offerrecommendationid, rtn_name, rtn_contactid, rtn_offerid, rtn_rank, rtn_status, createdon)
            VALUES ($id, 'Offer 1', $c, $o, 1, $proposed, '2026-11-01T00:00:00Z')
            """, ("$id", recommendation.ToString("D")), ("$c", contact.ToString("D")), ("$o", offer), ("$proposed", Names.Choices.RecommendationProposed));
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero));
        using var store = new LocalOrgStore(db, clock);
        async Task<string> NameAsync() => (await store.ReadContactStatesAsync([contact], CancellationToken.None)).Single()
            .Recommendations.Single(r => r.Record.Id == recommendation).OfferName;

        var first = await NameAsync();
        OrgSql.Execute(db, "UPDATE rtn_offer SET rtn_name = 'Renamed offer' WHERE rtn_offerid = $o", ("$o", offer));
        clock.Now += OfferCatalogueCache.MaxAge - TimeSpan.FromSeconds(1);
        var withinMaxAge = await NameAsync();
        clock.Now += TimeSpan.FromSeconds(1);
        var afterMaxAge = await NameAsync();

        Assert.Equal(before, first);
        Assert.Equal(before, withinMaxAge);
        Assert.Equal("Renamed offer", afterMaxAge);
    }

    [Fact]
    public async Task Apply_NewRowsForAContactDeletedMeanwhile_WritesNothingDerivedFromThePerson()
    {
        var db = fixture.CopyOrg();
        var contact = DataProducer.ActiveContactWithCases(db);
        var offer = Guid.Parse(OrgSql.Scalar<string>(db, "SELECT rtn_offerid FROM rtn_offer ORDER BY rtn_code LIMIT 1")!);
        OrgSql.Execute(db, "DELETE FROM rtn_offerrecommendation WHERE rtn_contactid = $c", ("$c", contact.ToString("D")));
        OrgSql.Execute(db, "DELETE FROM rtn_retentionalert WHERE rtn_contactid = $c", ("$c", contact.ToString("D")));
        OrgSql.Execute(db, "DELETE FROM contact WHERE contactid = $c", ("$c", contact.ToString("D")));
        var now = new DateTime(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc);
        var change = new ChangeSet(contact)
        {
            CreateAlert = new(RowIds.Alert(contact, now), contact, Names.Choices.WarningRed, "signals", -0.7, now.AddDays(1), Names.Choices.AlertOpen, null, now, null),
        };
        change.CreateRecommendations.Add(new(RowIds.Recommendation(contact, offer, 0), contact, offer, 1, 0.3, 40m, "reason",
            Names.Choices.RecommendationProposed, now, null, Names.Choices.ChannelPhone, "v1"));
        using var store = new LocalOrgStore(db);

        await store.ApplyAsync([change], CancellationToken.None);

        Assert.Equal(0L, OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM rtn_offerrecommendation WHERE rtn_contactid = $c", ("$c", contact.ToString("D"))));
        Assert.Equal(0L, OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM rtn_retentionalert WHERE rtn_contactid = $c", ("$c", contact.ToString("D"))));
    }

    [Fact]
    public async Task LoadCustomer_CaseAddedByAnotherConnectionBetweenTwoLoads_TheSecondLoadOnTheKeptConnectionSeesIt()
    {
        var db = fixture.CopyOrg();
        var contact = DataProducer.ActiveContactWithCases(db);
        using var store = new LocalOrgStore(db);
        var before = (await store.LoadCustomerAsync(contact, CancellationToken.None))!.Cases.Count;

        var added = DataProducer.Complaint(db, contact, new DateTime(2026, 10, 30, 9, 0, 0, DateTimeKind.Utc), "Meter reading wrong", "Please fix it.");
        var after = (await store.LoadCustomerAsync(contact, CancellationToken.None))!;

        Assert.Equal(before + 1, after.Cases.Count);
        Assert.Contains(after.Cases, c => c.Id == added);
    }

    [Fact]
    public async Task LoadAndStates_ManyContactsAtOnceOnReusedConnections_EachAnswerIsItsOwnContacts()
    {
        var db = fixture.CopyOrg();
        var contacts = DataProducer.ActiveContactsWithCases(db, 12);
        using var store = new LocalOrgStore(db);
        var expected = contacts.ToDictionary(id => id, id => OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM incident WHERE customerid = $c", ("$c", id.ToString("D"))));

        // Three rounds of twelve at once: connections and their prepared queries are reused with other contacts' ids.
        var answers = await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => contacts).Select(id => Task.Run(async () =>
            (Id: id, History: await store.LoadCustomerAsync(id, CancellationToken.None),
                State: (await store.ReadContactStatesAsync([id], CancellationToken.None)).Single()))));

        Assert.All(answers, a =>
        {
            Assert.Equal(a.Id, a.History!.Contact.Id);
            Assert.Equal(expected[a.Id], a.History.Cases.Count);
            Assert.All(a.History.Cases, c => Assert.Equal(a.Id, c.ContactId));
            Assert.Equal(a.Id, a.State.ContactId);
        });
    }
}
