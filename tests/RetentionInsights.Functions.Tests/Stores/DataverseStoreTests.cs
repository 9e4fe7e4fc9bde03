using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Functions.Stores.Dataverse;
using RetentionInsights.Functions.Stores.LocalOrg;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Stores;

[Collection(ServiceTests.Name)]
public sealed class DataverseStoreTests(ServiceFixture fixture)
{
    private sealed class FixedToken : TokenCredential
    {
        public int Calls;
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("token", DateTimeOffset.UtcNow.AddHours(1));
        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            Assert.Equal([ODataTestServer.Host + "/.default"], requestContext.Scopes);
            return ValueTask.FromResult(GetToken(requestContext, cancellationToken));
        }
    }

    /// <summary>Records the waits the client asks for instead of waiting (a Retry-After can be minutes).</summary>
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

    private static (DataverseStore Store, ODataTestServer Server, RecordedDelay Delay, ServiceProvider Provider, FixedToken Token) Create(string db)
    {
        var server = new ODataTestServer(db);
        var delay = new RecordedDelay();
        var token = new FixedToken();
        var services = new ServiceCollection();
        services.AddSingleton<IRetryDelay>(delay);
        services.AddDataverseWebApi(new Uri(ODataTestServer.Host), token, _ => server);
        var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<DataverseStore>(), server, delay, provider, token);
    }

    [Fact]
    public async Task LoadCustomers_FromTheWebApi_EqualsTheSameCustomersReadFromTheLocalOrg()
    {
        var db = fixture.CopyOrg();
        var (store, server, _, provider, token) = Create(db);
        using var _ = provider;
        using var local = new LocalOrgStore(db);
        var ids = (await local.ListContactIdsAsync(activeOnly: false, CancellationToken.None)).Take(60).ToList();

        var remote = (await store.LoadCustomersAsync(ids, CancellationToken.None)).OrderBy(h => h.Contact.Id).ToList();
        var expected = (await local.LoadCustomersAsync(ids, CancellationToken.None)).OrderBy(h => h.Contact.Id).ToList();

        Assert.Equal(expected.Count, remote.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Contact, remote[i].Contact);
            Assert.Equal(expected[i].Orders, remote[i].Orders);
            Assert.Equal(expected[i].OrderLines.OrderBy(l => l.Id), remote[i].OrderLines.OrderBy(l => l.Id));
            Assert.Equal(expected[i].Invoices, remote[i].Invoices);
            Assert.Equal(expected[i].Cases, remote[i].Cases);
            Assert.Equal(expected[i].Activities.OrderBy(a => a.On).ThenBy(a => a.Id), remote[i].Activities.OrderBy(a => a.On).ThenBy(a => a.Id));
            Assert.Equal(expected[i].Usage, remote[i].Usage);
            Assert.Equal(expected[i].Recommendations, remote[i].Recommendations);
        }
        // One query per table per slice of contacts, never one per contact.
        Assert.True(server.Requests.Count < ids.Count, $"{server.Requests.Count} requests for {ids.Count} contacts");
        Assert.All(server.Requests, r => Assert.Contains("$select=", r));
        Assert.Contains(server.PreferHeaders, p => p.Contains("odata.include-annotations", StringComparison.Ordinal));
        Assert.Equal(1, token.Calls);
    }

    [Fact]
    public async Task LoadCustomers_MessageRegardingACase_IsReadForTheCasesCustomerByBothStores()
    {
        var db = fixture.CopyOrg();
        var caseId = OrgSql.Scalar<string>(db, "SELECT incidentid FROM incident WHERE customeridtype = 'contact' ORDER BY incidentid LIMIT 1")!;
        var contactId = Guid.Parse(OrgSql.Scalar<string>(db, "SELECT customerid FROM incident WHERE incidentid = $id", ("$id", caseId))!);
        var emailId = Guid.NewGuid();
        // An e-mail filed against the customer's case, not against the contact: what a ticketing system usually does.
        OrgSql.Execute(db, """
            INSERT INTO email (activityid, regardingobjectid, regardingobjectidtype, directioncode, subject, description, actualend, createdon, statecode)
            VALUES ($id, $case, 'incident', 0, 'Still no answer', 'I am still waiting for the refund.', '2026-10-20T09:00:00Z', '2026-10-20T09:00:00Z', 1)
            """, ("$id", emailId.ToString("D")), ("$case", caseId));
        var (store, _, _, provider, _) = Create(db);
        using var _ = provider;
        using var local = new LocalOrgStore(db);

        var fromLocal = await local.LoadCustomerAsync(contactId, CancellationToken.None);
        var fromDataverse = await store.LoadCustomerAsync(contactId, CancellationToken.None);

        Assert.Contains(fromLocal!.Activities, a => a.Id == emailId && a.ContactId == contactId);
        Assert.Contains(fromDataverse!.Activities, a => a.Id == emailId && a.ContactId == contactId);
    }

    [Fact]
    public async Task LoadCustomers_ManyContacts_PagesWholeTablesInsteadOfSlicesAndStillMatchesTheLocalOrg()
    {
        var db = fixture.CopyOrg();
        var (store, server, _, provider, _) = Create(db);
        using var _ = provider;
        using var local = new LocalOrgStore(db);
        var ids = await local.ListContactIdsAsync(activeOnly: false, CancellationToken.None);
        var scanning = new DataverseStore(store.Client) { FullScanThreshold = 500 };

        var remote = (await scanning.LoadCustomersAsync(ids, CancellationToken.None)).OrderBy(h => h.Contact.Id).ToList();
        var expected = (await local.LoadCustomersAsync(ids, CancellationToken.None)).OrderBy(h => h.Contact.Id).ToList();

        Assert.Equal(expected.Count, remote.Count);
        Assert.Equal(expected.Sum(h => h.Invoices.Count + h.Cases.Count + h.Activities.Count + h.OrderLines.Count),
            remote.Sum(h => h.Invoices.Count + h.Cases.Count + h.Activities.Count + h.OrderLines.Count));
        Assert.Equal(expected.Select(h => h.Cases.Count), remote.Select(h => h.Cases.Count));
        Assert.DoesNotContain(server.Requests, r => r.Contains("$filter=", StringComparison.Ordinal));
        Assert.True(server.Requests.Count < 60, $"{server.Requests.Count} requests for {ids.Count} contacts");
    }

    [Fact]
    public async Task Query_PageSizeSmallerThanResult_FollowsNextLinkUntilEveryRowIsRead()
    {
        var db = fixture.CopyOrg();
        var (store, server, _, provider, _) = Create(db);
        using var _ = provider;
        var expected = OrgSql.Column(db, "SELECT contactid FROM contact ORDER BY contactid");

        var rows = new List<string>();
        await foreach (var row in store.Client.QueryAsync("contacts?$select=contactid&$orderby=contactid", pageSize: 100))
            rows.Add(row.GetProperty("contactid").GetString()!);

        Assert.Equal(expected, rows);
        Assert.Equal((int)Math.Ceiling(expected.Count / 100.0), server.Requests.Count);
        Assert.Equal(server.Requests.Count - 1, server.Requests.Count(r => r.Contains("$skiptoken=", StringComparison.Ordinal)));
        Assert.Contains("odata.maxpagesize=100", server.PreferHeaders);
    }

    [Fact]
    public async Task Query_ThrottledWith429_WaitsExactlyTheRetryAfterAndThenSucceeds()
    {
        var db = fixture.CopyOrg();
        var (store, server, delay, provider, _) = Create(db);
        using var _ = provider;
        server.ThrottleNext(2, seconds: 7);

        var offers = await store.LoadOfferCatalogueAsync(CancellationToken.None);

        Assert.Equal(OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM rtn_offer"), offers.Count);
        Assert.Equal([TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(7)], delay.Waits);
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(2, provider.GetRequiredService<ServiceProtectionGate>().ThrottledResponses);
    }

    [Fact]
    public async Task Query_TransientServerError_IsRetriedByTheResiliencePipeline()
    {
        var db = fixture.CopyOrg();
        var (store, server, delay, provider, _) = Create(db);
        using var _ = provider;
        server.FailNext(1, System.Net.HttpStatusCode.ServiceUnavailable);

        var offers = await store.LoadOfferCatalogueAsync(CancellationToken.None);

        Assert.NotEmpty(offers);
        Assert.Equal(2, server.Requests.Count);
        Assert.Empty(delay.Waits); // back-off, not a service-protection pause
    }

    [Fact]
    public async Task Query_BadRequest_IsNotRetriedAndCarriesTheDataverseMessage()
    {
        var db = fixture.CopyOrg();
        var (store, server, _, provider, _) = Create(db);
        using var _ = provider;

        var error = await Assert.ThrowsAsync<DataverseException>(() => store.Client.QueryAsync("nosuchset?$select=x").ToListAsync().AsTask());

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.Status);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Query_ThrottledBeyondTheRetryBudget_SurfacesTheServiceProtectionError()
    {
        var db = fixture.CopyOrg();
        var (store, server, _, provider, _) = Create(db);
        using var _ = provider;
        server.ThrottleNext(100, seconds: 300);

        var error = await Assert.ThrowsAsync<DataverseException>(() => store.LoadOfferCatalogueAsync(CancellationToken.None));

        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, error.Status);
        Assert.Equal("0x80072322", error.Code);
    }

    [Fact]
    public async Task Apply_ScoresAndOffersOfTwoContacts_WritesThemInOneBatchRequestWithBoundLookups()
    {
        var db = fixture.CopyOrg();
        var (store, server, _, provider, _) = Create(db);
        using var _ = provider;
        var ids = OrgSql.Column(db, "SELECT contactid FROM contact WHERE statecode = 0 ORDER BY contactid LIMIT 2").Select(Guid.Parse).ToList();
        var offer = Guid.Parse(OrgSql.Column(db, "SELECT rtn_offerid FROM rtn_offer LIMIT 1")[0]);
        var changes = ids.Select(id =>
        {
            var change = new ChangeSet(id);
            change.ContactColumns[Names.Contact.ChurnProbability] = 0.4321;
            change.ContactColumns[Names.Contact.ChurnRiskBand] = Names.Choices.RiskCritical;
            change.ContactColumns[Names.Contact.ScoredOn] = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
            change.CreateRecommendations.Add(new RecommendationRecord(Guid.NewGuid(), id, offer, 1, 0.31, 120.5m, "Because", Names.Choices.RecommendationProposed,
                new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), null, Names.Choices.ChannelPhone, "v1"));
            return change;
        }).ToList();

        var written = await store.ApplyAsync(changes, CancellationToken.None);

        Assert.Equal(4, written);
        Assert.Equal(1, server.BatchRequests);
        Assert.Equal(4, server.BatchOperations);
        foreach (var id in ids)
        {
            var contact = server.Row("contact", id)!;
            Assert.Equal(0.4321, Convert.ToDouble(contact[Names.Contact.ChurnProbability], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal("2026-11-01T00:00:00Z", contact[Names.Contact.ScoredOn]);
            var created = server.Tables["rtn_offerrecommendation"].Single(r => (string?)r["rtn_contactid"] == id.ToString("D") && (string?)r["rtn_modelversion"] == "v1");
            Assert.Equal(offer.ToString("D"), created["rtn_offerid"]);
        }
    }

    [Fact]
    public async Task Apply_MoreChangesThanOneBatchHolds_SplitsIntoBatchesOfAtMost100OperationsAndWritesAll()
    {
        var db = fixture.CopyOrg();
        var (bulk, server, _, provider, _) = Create(db);
        using var _ = provider;
        var store = new DataverseStore(bulk.Client) { BulkFrom = int.MaxValue }; // $batch only, as for tables without bulk messages
        var ids = OrgSql.Column(db, "SELECT contactid FROM contact ORDER BY contactid LIMIT 250").Select(Guid.Parse).ToList();
        var changes = ids.Select(id =>
        {
            var change = new ChangeSet(id);
            change.ContactColumns[Names.Contact.ChurnProbability] = 0.5;
            return change;
        }).ToList();

        await store.ApplyAsync(changes, CancellationToken.None);

        Assert.Equal(3, server.BatchRequests);
        Assert.Equal(250, server.BatchOperations);
        Assert.All(ids, id => Assert.NotNull(server.Row("contact", id)![Names.Contact.ChurnProbability]));
    }

    [Fact]
    public async Task Apply_NothingChanged_SendsNoRequestAtAll()
    {
        var db = fixture.CopyOrg();
        var (store, server, _, provider, _) = Create(db);
        using var _ = provider;

        var written = await store.ApplyAsync([new ChangeSet(Guid.NewGuid()), new ChangeSet(Guid.NewGuid())], CancellationToken.None);

        Assert.Equal(0, written);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Apply_OneOperationFails_ReportsTheDataverseErrorAndRollsBackThatContact()
    {
        var db = fixture.CopyOrg();
        var (store, server, _, provider, _) = Create(db);
        using var _ = provider;
        var id = Guid.Parse(OrgSql.Column(db, "SELECT contactid FROM contact WHERE statecode = 0 ORDER BY contactid LIMIT 1")[0]);
        var change = new ChangeSet(id);
        change.ContactColumns[Names.Contact.ChurnProbability] = 0.9;
        change.ExpireRecommendations.Add(Guid.NewGuid()); // a recommendation that does not exist

        var error = await Assert.ThrowsAsync<DataverseException>(() => store.ApplyAsync([change], CancellationToken.None));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, error.Status);
        Assert.Null(server.Row("contact", id)![Names.Contact.ChurnProbability]);
    }

    [Fact]
    public async Task ReadCustomerOfRecord_Incident_ReturnsTheContactFromTheLookupAnnotation()
    {
        var db = fixture.CopyOrg();
        var (store, _, _, provider, _) = Create(db);
        using var _ = provider;
        var contact = DataProducer.ActiveContactWithCases(db);
        var incident = DataProducer.AnyIncidentOf(db, contact);

        var link = await store.ReadCustomerOfRecordAsync("incident", incident, CancellationToken.None);
        var missing = await store.ReadCustomerOfRecordAsync("incident", Guid.NewGuid(), CancellationToken.None);

        Assert.Equal(new CustomerLink("contact", contact), link);
        Assert.Null(missing);
    }
}
