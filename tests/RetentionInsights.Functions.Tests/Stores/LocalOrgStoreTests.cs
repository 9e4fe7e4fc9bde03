using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;
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
    public async Task ScoresAfterWrite_EveryScoreColumnWrittenAndCleared_IsWhatTheOrgReadsBack()
    {
        var db = fixture.CopyOrg();
        var contact = DataProducer.ActiveContactWithCases(db);
        using var store = new LocalOrgStore(db);
        // Values as the write check produces them, including ones storage changes: a time of day on a date column, money
        // with more than four decimals, a date without a time, a fraction of a second.
        var written = new Dictionary<string, object?>
        {
            [Names.Contact.ChurnProbability] = 0.4321,
            [Names.Contact.PreviousChurnProbability] = 0.123456789,
            [Names.Contact.ChurnRiskBand] = Names.Choices.RiskHigh,
            [Names.Contact.Clv12m] = 1234.56789m,
            [Names.Contact.Clv36m] = 3000.1m,
            [Names.Contact.PAlive] = 0.9,
            [Names.Contact.ValueSegment] = 2,
            [Names.Contact.ChurnReasons] = "Contract ends within 30 days; 3 cases in 90 days",
            [Names.Contact.EarlyWarningLevel] = Names.Choices.WarningRed,
            [Names.Contact.ScoredOn] = new DateTime(2026, 11, 2, 3, 4, 5, 678, DateTimeKind.Utc),
            [Names.Contact.ModelVersion] = "20261101-000000-20261001",
            [Names.Contact.ValueIfRetained] = 999.99m,
            [Names.Contact.ChurnReasonCodes] = "1,4",
            [Names.Contact.ChurnReasonDetails] = "[{\"c\":1}]",
            [Names.Contact.ChurnTrend] = 1,
            [Names.Contact.PreviousRiskBand] = Names.Choices.RiskMedium,
            [Names.Contact.RiskBandChangedOn] = new DateTime(2026, 11, 2, 0, 0, 0, DateTimeKind.Utc),
            [Names.Contact.RetentionGroup] = Names.Choices.GroupControl,
            [Names.Contact.RetentionGroupSince] = new DateOnly(2026, 10, 1),
            [Names.Contact.UpliftSegment] = 3,
        };
        Assert.Equal(ContactScoreColumns.All.Order(), written.Keys.Order());

        async Task<ContactScores> StoredAsync() => (await store.ReadContactStatesAsync([contact], CancellationToken.None)).Single().Scores;
        async Task<ContactScores> WriteAsync(Dictionary<string, object?> columns)
        {
            var change = new ChangeSet(contact);
            foreach (var (column, value) in columns)
                change.ContactColumns[column] = value;
            await store.ApplyAsync([change], CancellationToken.None);
            return await StoredAsync();
        }

        var before = await StoredAsync();
        var afterWrite = await WriteAsync(written);
        var cleared = written.Keys.ToDictionary(c => c, object? (_) => null);
        var afterClear = await WriteAsync(cleared);

        Assert.Equal(afterWrite, LocalOrgStore.ScoresAfterWrite(before, written));
        Assert.Equal(afterClear, LocalOrgStore.ScoresAfterWrite(afterWrite, cleared));
        Assert.Equal(1234.5679m, afterWrite.Clv12m);
        Assert.Equal(new DateTime(2026, 11, 2, 3, 4, 5, DateTimeKind.Utc), afterWrite.ScoredOn);
        Assert.Null(afterClear.ChurnProbability);
        // A column that is not a score column: the caller reads the contact back instead.
        Assert.Null(LocalOrgStore.ScoresAfterWrite(before, new Dictionary<string, object?> { ["fullname"] = "Someone else" }));
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
    public async Task Apply_OfferAnsweredThroughAnotherStoreBetweenTwoWritesOfTheKeptWriter_TheSecondWriteKeepsTheAnswer()
    {
        // The store keeps its write connection and that connection's page cache from one write to the next; an answer
        // recorded meanwhile by another process (the service while the nightly run writes) must still win over a re-valued offer.
        var db = fixture.CopyOrg();
        var contact = DataProducer.ActiveContactWithCases(db);
        var offer = Guid.Parse(OrgSql.Scalar<string>(db, "SELECT rtn_offerid FROM rtn_offer ORDER BY rtn_code LIMIT 1")!);
        var now = new DateTime(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc);
        var id = RowIds.Recommendation(contact, offer, 0);
        ChangeSet Proposal(decimal value)
        {
            var change = new ChangeSet(contact);
            change.CreateRecommendations.Add(new(id, contact, offer, 1, 0.3, value, "reason", Names.Choices.RecommendationProposed, now, null,
                Names.Choices.ChannelPhone, "v1"));
            return change;
        }
        using var nightly = new LocalOrgStore(db);
        using var service = new LocalOrgStore(db);

        await nightly.ApplyAsync([Proposal(40m)], CancellationToken.None);
        await service.ApplyResponseAsync(new ResponseUpdate(id, Names.Choices.RecommendationAccepted, Names.Choices.ChannelPhone, now.AddHours(1)),
            CancellationToken.None);
        await nightly.ApplyAsync([Proposal(55m)], CancellationToken.None);

        var idText = id.ToString("D");
        Assert.Equal((long)Names.Choices.RecommendationAccepted,
            OrgSql.Scalar<long>(db, "SELECT rtn_status FROM rtn_offerrecommendation WHERE rtn_offerrecommendationid = $id", ("$id", idText)));
        Assert.Equal(40.0, OrgSql.Scalar<double>(db, "SELECT rtn_expectedvalue FROM rtn_offerrecommendation WHERE rtn_offerrecommendationid = $id", ("$id", idText)));
    }

    [Fact]
    public async Task Apply_AfterAWriteThatFailed_TheNextWriteIsStoredAndTheFailedOneLeftNothing()
    {
        var db = fixture.CopyOrg();
        var contact = DataProducer.ActiveContactWithCases(db);
        using var store = new LocalOrgStore(db);
        const string Probability = "SELECT rtn_churnprobability FROM contact WHERE contactid = $c";
        var before = OrgSql.Scalar<double?>(db, Probability, ("$c", contact.ToString("D")));
        var failing = new ChangeSet(contact);
        failing.ContactColumns[Names.Contact.ChurnProbability] = 0.9;
        failing.ContactColumns["no_such_column"] = 1;

        await Assert.ThrowsAnyAsync<Exception>(() => store.ApplyAsync([failing], CancellationToken.None));
        Assert.Equal(before, OrgSql.Scalar<double?>(db, Probability, ("$c", contact.ToString("D"))));
        var good = new ChangeSet(contact);
        good.ContactColumns[Names.Contact.ChurnProbability] = 0.25;
        await store.ApplyAsync([good], CancellationToken.None);

        Assert.Equal(0.25, OrgSql.Scalar<double?>(db, Probability, ("$c", contact.ToString("D"))));
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
