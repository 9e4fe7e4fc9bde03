using System.Globalization;
using System.Net;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Functions.Stores.Dataverse;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Stores;

/// <summary>Batch writes to Dataverse as bulk messages (UpdateMultiple/CreateMultiple), throttled and not.</summary>
[Collection(ServiceTests.Name)]
public sealed class DataverseBulkWriteTests(ServiceFixture fixture)
{
    private sealed class Token : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("token", DateTimeOffset.UtcNow.AddHours(1));
        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    /// <summary>Records the waits instead of waiting: a Retry-After can be minutes.</summary>
    private sealed class RecordedDelay : IRetryDelay
    {
        public List<TimeSpan> Waits { get; } = [];
        public Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
        {
            lock (Waits)
                Waits.Add(delay);
            return Task.CompletedTask;
        }
    }

    private static (DataverseStore Store, ODataTestServer Server, RecordedDelay Delay, ServiceProvider Provider) Create(string db)
    {
        var server = new ODataTestServer(db);
        var delay = new RecordedDelay();
        var services = new ServiceCollection();
        services.AddSingleton<IRetryDelay>(delay);
        services.AddDataverseWebApi(new Uri(ODataTestServer.Host), new Token(), _ => server);
        var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<DataverseStore>(), server, delay, provider);
    }

    /// <summary>The service on the local org's data, but reading and writing through the Web API of the test server.</summary>
    private TestApp App(DataverseStore store) => new(fixture, new()
    {
        ["Retention:DataverseUrl"] = ODataTestServer.Host,
        ["Retention:LocalOrgPath"] = Path.Combine(fixture.Root, "state-" + Guid.NewGuid().ToString("N") + ".db"),
    }, services => services.AddSingleton(store));

    private static ChangeSet ScoreChange(Guid id, double probability)
    {
        var change = new ChangeSet(id);
        change.ContactColumns[Names.Contact.ChurnProbability] = probability;
        return change;
    }

    [Fact]
    public async Task NightlyRun_OnDataverse_WritesWithBulkMessages_RecoversFromInjected429s_AndLosesNothing()
    {
        var db = fixture.CopyOrg();
        var (store, server, delay, provider) = Create(db);
        using var _ = provider;
        using var app = App(store);
        var rescorer = app.Services.GetRequiredService<CustomerRescorer>();
        server.ThrottleWritesNext(3, seconds: 20);

        var first = await rescorer.RescoreAllAsync(null, null, CancellationToken.None);
        var firstRequests = server.Requests.Count;
        var firstWrites = server.Requests.Count(r => !r.StartsWith("GET", StringComparison.Ordinal));

        var scored = first.Where(r => r.Scored).ToList();
        Assert.NotEmpty(scored);
        Assert.True(server.BulkRequests.GetValueOrDefault("UpdateMultiple") > 0, "contact scores were not written with UpdateMultiple");
        Assert.True(server.BulkRequests.GetValueOrDefault("CreateMultiple") > 0, "recommendations were not created with CreateMultiple");
        Assert.Equal(0, server.BatchRequests);
        // Each throttled request waited the Retry-After it was given (the others only the rest of that shared pause).
        Assert.Equal(3, provider.GetRequiredService<ServiceProtectionGate>().ThrottledResponses);
        Assert.Equal(3, delay.Waits.Count(w => w == TimeSpan.FromSeconds(20)));
        Assert.All(delay.Waits, w => Assert.InRange(w, TimeSpan.Zero, TimeSpan.FromSeconds(20)));
        // Every score and every proposed offer landed, with the ids the pipeline chose.
        foreach (var result in scored)
        {
            var row = server.Row("contact", result.ContactId)!;
            Assert.Equal(result.Outcome!.Scores.ModelVersion, row[Names.Contact.ModelVersion]);
            Assert.NotNull(row[Names.Contact.ChurnProbability]);
        }
        var proposed = server.Tables["rtn_offerrecommendation"].Count(r => Convert.ToInt32(r["rtn_status"], CultureInfo.InvariantCulture) == Names.Choices.RecommendationProposed);
        Assert.Equal(scored.Sum(r => r.Outcome!.Offers.Count), proposed);
        // Bulk messages carry up to 1,000 records: far fewer write requests than contacts.
        Assert.True(firstWrites * 10 < scored.Count, $"{firstWrites} write requests for {scored.Count} scored contacts");

        // The second night on unchanged data finds nothing to write: nothing was lost or half-written by the 429s.
        var second = await rescorer.RescoreAllAsync(null, null, CancellationToken.None);
        var secondRequests = server.Requests.Count - firstRequests;

        Assert.Equal(0, second.Sum(r => r.Writes));
        Assert.DoesNotContain(server.Requests.Skip(firstRequests), r => !r.StartsWith("GET", StringComparison.Ordinal));
        // Requests per contact of a night with nothing to write: the reads only (one query per table per slice of contacts).
        var perContact = (double)secondRequests / second.Count;
        // (0.203 measured: the duplicate-repair reads of the recommendations and alerts add about one request a slice.)
        Assert.True(perContact < 0.25, $"{perContact:0.000} requests per contact on a night without changes");
    }

    [Fact]
    public async Task Apply_ManyContacts_SendsOneUpdateMultiplePerThousandRecordsAndKeepsTheCallersIds()
    {
        var db = fixture.CopyOrg();
        var (store, server, _, provider) = Create(db);
        using var _ = provider;
        var ids = OrgSql.Column(db, "SELECT contactid FROM contact ORDER BY contactid").Select(Guid.Parse).Take(1200).ToList();
        var offer = Guid.Parse(OrgSql.Column(db, "SELECT rtn_offerid FROM rtn_offer LIMIT 1")[0]);
        var changes = ids.Select(id => ScoreChange(id, 0.25)).ToList();
        var recommendationIds = ids.Take(20).Select(_ => Guid.NewGuid()).ToList();
        for (var i = 0; i < recommendationIds.Count; i++)
            changes[i].CreateRecommendations.Add(new RecommendationRecord(recommendationIds[i], ids[i], offer, 1, 0.3, 10m, "Because",
                Names.Choices.RecommendationProposed, ServiceFixture.AsOf, null, Names.Choices.ChannelPhone, "v1"));

        var written = await store.ApplyAsync(changes, CancellationToken.None);

        Assert.Equal(1220, written);
        Assert.Equal(2, server.BulkRequests["UpdateMultiple"]);
        Assert.Equal(1200, server.BulkRecords["UpdateMultiple"]);
        Assert.Equal(1, server.BulkRequests["CreateMultiple"]);
        Assert.All(ids, id => Assert.Equal(0.25, Convert.ToDouble(server.Row("contact", id)![Names.Contact.ChurnProbability], CultureInfo.InvariantCulture)));
        Assert.All(recommendationIds, id => Assert.Equal(offer.ToString("D"), server.Row("rtn_offerrecommendation", id)!["rtn_offerid"]));
        Assert.Equal(4, store.Client.ParallelismHint);
    }

    [Fact]
    public async Task Apply_TableWithoutBulkSupport_FallsBackToBatchForThatTableOnly()
    {
        var db = fixture.CopyOrg();
        var (store, server, _, provider) = Create(db);
        using var _ = provider;
        server.BulkUnsupported.Add("rtn_retentionalerts");
        var ids = OrgSql.Column(db, "SELECT contactid FROM contact ORDER BY contactid LIMIT 30").Select(Guid.Parse).ToList();
        var changes = ids.Select(id =>
        {
            var change = ScoreChange(id, 0.7);
            change.CreateAlert = new AlertRecord(Guid.NewGuid(), id, Names.Choices.WarningOrange, "signals", -0.5, ServiceFixture.AsOf.AddDays(2),
                Names.Choices.AlertOpen, null, ServiceFixture.AsOf, null);
            return change;
        }).ToList();

        await store.ApplyAsync(changes, CancellationToken.None);
        await store.ApplyAsync(changes.Select(c => ScoreChange(c.ContactId, 0.8)).ToList(), CancellationToken.None);

        Assert.True(store.Client.BulkUnsupported("rtn_retentionalerts"));
        Assert.False(server.BulkRequests.ContainsKey("CreateMultiple")); // refused, not counted as served
        Assert.Equal(30, server.BatchOperations);
        Assert.Equal(2, server.BulkRequests["UpdateMultiple"]);
        Assert.All(changes, c => Assert.Equal(c.ContactId.ToString("D"), server.Row("rtn_retentionalert", c.CreateAlert!.Id)!["rtn_contactid"]));
        Assert.All(ids, id => Assert.Equal(0.8, Convert.ToDouble(server.Row("contact", id)![Names.Contact.ChurnProbability], CultureInfo.InvariantCulture)));
    }

    private static List<ChangeSet> ScoreAndOfferChanges(IReadOnlyList<Guid> ids, Guid offer, double probability) => ids.Select(id =>
    {
        var change = ScoreChange(id, probability);
        change.CreateRecommendations.Add(new RecommendationRecord(Guid.NewGuid(), id, offer, 1, 0.3, 10m, "Because",
            Names.Choices.RecommendationProposed, ServiceFixture.AsOf, null, Names.Choices.ChannelPhone, "v1"));
        return change;
    }).ToList();

    [Fact]
    public async Task Apply_ChunkWithAContactDeletedSinceItWasRead_WritesEveryOtherContactAndLeavesTheDeletedOneOut()
    {
        var db = fixture.CopyOrg();
        var (store, server, _, provider) = Create(db);
        using var _ = provider;
        var ids = OrgSql.Column(db, "SELECT contactid FROM contact ORDER BY contactid LIMIT 40").Select(Guid.Parse).ToList();
        var offer = Guid.Parse(OrgSql.Column(db, "SELECT rtn_offerid FROM rtn_offer LIMIT 1")[0]);
        var changes = ScoreAndOfferChanges(ids, offer, 0.4);
        var deleted = ids[7];
        server.Delete("contact", deleted);

        await store.ApplyAsync(changes, CancellationToken.None);

        Assert.Equal(1, server.BulkRequests["CreateMultiple"]); // tried in bulk, refused as a whole because of one contact
        Assert.True(server.BatchRequests > 0, "the chunk was not written contact by contact after the bulk request was refused");
        foreach (var change in changes.Where(c => c.ContactId != deleted))
        {
            Assert.Equal(0.4, Convert.ToDouble(server.Row("contact", change.ContactId)![Names.Contact.ChurnProbability], CultureInfo.InvariantCulture));
            Assert.Equal(change.ContactId.ToString("D"), server.Row("rtn_offerrecommendation", change.CreateRecommendations[0].Id)!["rtn_contactid"]);
        }
        Assert.Null(server.Row("contact", deleted));
        Assert.Null(server.Row("rtn_offerrecommendation", changes[7].CreateRecommendations[0].Id));
    }

    [Fact]
    public async Task Apply_EventForAContactDeletedBeforeTheWrite_FailsForRetry_AndTheOtherContactIsStillWritten()
    {
        var db = fixture.CopyOrg();
        var (store, server, _, provider) = Create(db);
        using var _ = provider;
        var ids = OrgSql.Column(db, "SELECT contactid FROM contact ORDER BY contactid LIMIT 2").Select(Guid.Parse).ToList();
        var offer = Guid.Parse(OrgSql.Column(db, "SELECT rtn_offerid FROM rtn_offer LIMIT 1")[0]);
        var changes = ScoreAndOfferChanges(ids, offer, 0.6);
        server.Delete("contact", ids[0]);

        var error = await Assert.ThrowsAsync<DataverseException>(() => store.ApplyAsync(changes, CancellationToken.None));

        Assert.Equal(HttpStatusCode.NotFound, error.Status);
        Assert.StartsWith("1 of 2 contacts' changes could not be written (the others were)", error.Message, StringComparison.Ordinal);
        Assert.Equal(0.6, Convert.ToDouble(server.Row("contact", ids[1])![Names.Contact.ChurnProbability], CultureInfo.InvariantCulture));
        Assert.NotNull(server.Row("rtn_offerrecommendation", changes[1].CreateRecommendations[0].Id));
        Assert.Null(server.Row("rtn_offerrecommendation", changes[0].CreateRecommendations[0].Id));
    }

    [Fact]
    public async Task Apply_OneContactsChangeRefused_WritesTheOthersAndSaysHowManyFailed()
    {
        var db = fixture.CopyOrg();
        var (store, server, _, provider) = Create(db);
        using var _ = provider;
        var ids = OrgSql.Column(db, "SELECT contactid FROM contact ORDER BY contactid LIMIT 25").Select(Guid.Parse).ToList();
        var changes = ids.Select(id => ScoreChange(id, 0.3)).ToList();
        changes[3].ContactColumns["rtn_nosuchcolumn"] = 1;

        var error = await Assert.ThrowsAsync<DataverseException>(() => store.ApplyAsync(changes, CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.StartsWith("1 of 25 contacts' changes could not be written (the others were)", error.Message, StringComparison.Ordinal);
        Assert.Null(server.Row("contact", ids[3])![Names.Contact.ChurnProbability]);
        Assert.All(ids.Where(id => id != ids[3]), id => Assert.Equal(0.3, Convert.ToDouble(server.Row("contact", id)![Names.Contact.ChurnProbability], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Apply_BulkRequestThrottledBeyondTheRetryBudget_SurfacesTheServiceProtectionError()
    {
        var db = fixture.CopyOrg();
        var (store, server, _, provider) = Create(db);
        using var _ = provider;
        server.ThrottleWritesNext(100, seconds: 300);
        var ids = OrgSql.Column(db, "SELECT contactid FROM contact ORDER BY contactid LIMIT 20").Select(Guid.Parse).ToList();

        var error = await Assert.ThrowsAsync<DataverseException>(() => store.ApplyAsync(ids.Select(id => ScoreChange(id, 0.1)).ToList(), CancellationToken.None));

        Assert.Equal(HttpStatusCode.TooManyRequests, error.Status);
        Assert.Equal("0x80072322", error.Code);
        Assert.All(ids, id => Assert.Null(server.Row("contact", id)![Names.Contact.ChurnProbability]));
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "Resource not found for the segment 'Microsoft.Dynamics.CRM.UpdateMultiple'.", true)]
    [InlineData(HttpStatusCode.BadRequest, "UpdateMultiple is not supported for entity 'rtn_retentionalert'.", true)]
    [InlineData(HttpStatusCode.BadRequest, "The property 'rtn_x' does not exist on type 'Microsoft.Dynamics.CRM.contact'.", false)]
    [InlineData(HttpStatusCode.NotFound, "contact With Id = 1 Does Not Exist", false)]
    public void IsNotSupported_TellsAMissingBulkMessageFromAnErrorInTheData(HttpStatusCode status, string message, bool expected) =>
        Assert.Equal(expected, BulkMessageSupport.IsNotSupported(status, message, "UpdateMultiple"));
}
