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
    public async Task OwnRowsAfterWrite_EveryKindOfRowWrite_IsWhatTheOrgReadsBack()
    {
        var db = fixture.CopyOrg();
        var contact = DataProducer.ActiveContactWithCases(db);
        var offers = Enumerable.Range(0, 4)
            .Select(i => Guid.Parse(OrgSql.Scalar<string>(db, $"SELECT rtn_offerid FROM rtn_offer ORDER BY rtn_code LIMIT 1 OFFSET {i}")!)).ToList();
        using var store = new LocalOrgStore(db);
        var reader = new RetentionInsights.Data.Reading.LocalOrgReader();
        OwnRows Stored()
        {
            using var connection = store.OpenConnection();
            var (recommendations, alerts) = reader.ReadRecommendationsAndAlerts(connection, [contact]);
            return new OwnRows(recommendations[contact].ToList(), alerts[contact].ToList());
        }
        // Times with fractions of a second and of unspecified kind, money with many decimals, missing values.
        var on = new DateTime(2026, 11, 2, 3, 4, 5, 678, DateTimeKind.Unspecified);
        RecommendationRecord Proposal(Guid id, int offer, int rank, double? p, decimal value, DateTime createdOn) =>
            new(id, contact, offers[offer], rank, p, value, $"reason {rank}", Names.Choices.RecommendationProposed, createdOn, null, Names.Choices.ChannelPhone, "v1")
            { TalkingPoint = $"{{\"code\":{rank}}}", ChurnReduction = p / 3 };
        AlertRecord Alert(Guid id, int level, double sentiment, DateTime createdOn) =>
            new(id, contact, level, $"signals {level}", sentiment, createdOn.AddDays(1).AddMilliseconds(250), Names.Choices.AlertOpen, null, createdOn, null);
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), c = Guid.NewGuid(), d = Guid.NewGuid(), alert1 = Guid.NewGuid(), alert2 = Guid.NewGuid();

        var rounds = new List<(ChangeSet Change, DateTime WrittenAt, Func<Task>? Before)>();
        var first = new ChangeSet(contact) { CreateAlert = Alert(alert1, Names.Choices.WarningOrange, -0.4123456789, on) };
        first.CreateRecommendations.AddRange([Proposal(a, 0, 1, 0.1234, 12.345678m, on), Proposal(b, 1, 2, null, 7.5m, on.AddSeconds(-3)),
            Proposal(c, 2, 3, 0.3, 0m, on), Proposal(d, 3, 3, 0.05, 1.23456789m, on.AddMinutes(1))]);
        rounds.Add((first, on.AddMilliseconds(1), null));
        rounds.Add((new ChangeSet(contact) { CreateAlert = Alert(alert2, Names.Choices.WarningRed, -0.9, on.AddHours(1)) }, on.AddHours(1), null));
        // An agent answers b before the next write: the upsert of b keeps the answer; a is upserted, c re-valued, d expired,
        // the first alert re-assessed through its create, the second closed.
        var second = new ChangeSet(contact) { CreateAlert = Alert(alert1, Names.Choices.WarningRed, -0.75, on.AddDays(1)) };
        second.CreateRecommendations.AddRange([Proposal(a, 0, 2, 0.2222, 99.999999m, on.AddDays(1)), Proposal(b, 1, 1, 0.9, 1m, on.AddDays(1))]);
        second.UpdateRecommendations.Add(Proposal(c, 2, 1, 0.6, 33.333333m, on.AddDays(1)) with { Channel = null, TalkingPoint = null, ChurnReduction = null });
        second.ExpireRecommendations.Add(d);
        second.CloseAlerts.Add(alert2);
        rounds.Add((second, on.AddDays(1).AddMilliseconds(999), () => store.ApplyResponseAsync(
            new ResponseUpdate(b, Names.Choices.RecommendationAccepted, Names.Choices.ChannelEmail, on.AddHours(2)), CancellationToken.None)));
        // The resolved alert's create leaves it resolved; an update re-assesses the first.
        rounds.Add((new ChangeSet(contact)
        {
            CreateAlert = Alert(alert2, Names.Choices.WarningOrange, 0.1, on.AddDays(2)),
            UpdateAlert = Alert(alert1, Names.Choices.WarningOrange, 0, on.AddDays(2)) with { Signals = null, Sentiment = null, DueBy = null },
        }, on.AddDays(2), null));
        // The contact objects to profiling: everything derived goes, also what the same write proposed before the erasure.
        var erase = new ChangeSet(contact) { EraseDerived = true };
        erase.CreateRecommendations.Add(Proposal(Guid.NewGuid(), 0, 1, 0.5, 5m, on.AddDays(3)));
        rounds.Add((erase, on.AddDays(3), null));

        foreach (var (change, writtenAt, beforeWrite) in rounds)
        {
            if (beforeWrite is not null)
                await beforeWrite();
            var before = Stored();
            await store.ApplyAsync([change], ownNight: null, writtenAt, CancellationToken.None);
            var after = Stored();
            var replayed = LocalOrgWriter.OwnRowsAfterWrite(before, change, writtenAt);

            Assert.Equal(after.Recommendations, replayed.Recommendations);
            Assert.Equal(after.Alerts, replayed.Alerts);
            if (change == first)
            {
                Assert.Equal(new DateTime(2026, 11, 2, 3, 4, 5, DateTimeKind.Utc), after.Recommendations.Single(r => r.Id == a).CreatedOn);
            }
            if (change == second)
            {
                var answered = after.Recommendations.Single(r => r.Id == b);
                Assert.Equal((Names.Choices.RecommendationAccepted, (double?)null, 2), (answered.Status, answered.AcceptanceProbability, answered.Rank));
                Assert.Equal(Names.Choices.RecommendationExpired, after.Recommendations.Single(r => r.Id == d).Status);
                Assert.Equal(Names.Choices.AlertResolved, after.Alerts.Single(x => x.Id == alert2).Status);
            }
        }
        Assert.Empty(Stored().Recommendations);
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
