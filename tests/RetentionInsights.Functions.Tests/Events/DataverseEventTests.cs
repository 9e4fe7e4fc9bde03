using System.Net;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Functions.Events;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace RetentionInsights.Functions.Tests.Events;

[Collection(ServiceTests.Name)]
public sealed class DataverseEventTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Post_IncidentUpdateWithPostImage_ChangesTheContactsScoresInTheLocalOrg()
    {
        using var app = new TestApp(fixture);
        var contact = DataProducer.ActiveContactWithCases(app.DbPath);
        using var client = app.KeyedClient();
        // Baseline: the contact as scored before the trouble started.
        (await client.GetAsync($"/api/customers/{contact}/insights")).EnsureSuccessStatusCode();
        var before = OrgSql.Scalar<double?>(app.DbPath, "SELECT rtn_churnprobability FROM contact WHERE contactid = $id", ("$id", contact.ToString("D")));
        Assert.NotNull(before);

        DataProducer.Escalation(app.DbPath, contact, ServiceFixture.AsOf);
        var incident = DataProducer.AnyIncidentOf(app.DbPath, contact);
        var body = Webhook.IncidentUpdate(incident, contact, Guid.NewGuid(), Guid.NewGuid(), "Klacht escalatie");
        var response = await client.SendAsync(Webhook.Request(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = await TestApp.ReadJsonAsync(response);
        Assert.Equal("scored", outcome.GetProperty("status").GetString());
        Assert.Equal(contact, outcome.GetProperty("contactId").GetGuid());
        var after = OrgSql.Scalar<double?>(app.DbPath, "SELECT rtn_churnprobability FROM contact WHERE contactid = $id", ("$id", contact.ToString("D")));
        var previous = OrgSql.Scalar<double?>(app.DbPath, "SELECT rtn_previouschurnprobability FROM contact WHERE contactid = $id", ("$id", contact.ToString("D")));
        Assert.NotNull(after);
        Assert.NotEqual(before.Value, after.Value, 4);
        Assert.Equal(before.Value, previous!.Value, 4);
        var level = OrgSql.Scalar<long?>(app.DbPath, "SELECT rtn_earlywarninglevel FROM contact WHERE contactid = $id", ("$id", contact.ToString("D")));
        Assert.True(level > Names.Choices.WarningNone, $"angry mails and repeated complaints should raise the early-warning level, got {level}");
        var openAlerts = OrgSql.Scalar<long>(app.DbPath, "SELECT COUNT(*) FROM rtn_retentionalert WHERE rtn_contactid = $id AND rtn_status = $open",
            ("$id", contact.ToString("D")), ("$open", Names.Choices.AlertOpen));
        Assert.Equal(1, openAlerts);
    }

    [Fact]
    public async Task Post_SameEventDelivered100Times_WritesOnlyOnce()
    {
        var counter = new WriteCounter();
        using var app = new TestApp(fixture, services: s => s.DecorateStore(store => new CountingStore(store, counter)));
        var contact = DataProducer.ActiveContactWithCases(app.DbPath);
        var incident = DataProducer.AnyIncidentOf(app.DbPath, contact);
        var body = Webhook.IncidentUpdate(incident, contact, Guid.NewGuid(), Guid.NewGuid(), "Storing");
        using var client = app.KeyedClient();

        var statuses = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            var response = await client.SendAsync(Webhook.Request(body));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            statuses.Add((await TestApp.ReadJsonAsync(response)).GetProperty("status").GetString()!);
        }

        Assert.Equal("scored", statuses[0]);
        Assert.All(statuses.Skip(1), s => Assert.Equal("duplicate", s));
        Assert.Equal(1, counter.ApplyCallsWithChanges);
        Assert.True(counter.Writes > 0);
        Assert.NotNull(OrgSql.Scalar<string?>(app.DbPath, "SELECT rtn_scoredon FROM contact WHERE contactid = $id", ("$id", contact.ToString("D"))));
    }

    [Fact]
    public async Task Post_RedeliveryOfAnEventWhoseProcessWasKilled_IsProcessedAtOnce()
    {
        using var app = new TestApp(fixture);
        var contact = DataProducer.ActiveContactWithCases(app.DbPath);
        var incident = DataProducer.AnyIncidentOf(app.DbPath, contact);
        var operation = Guid.NewGuid();
        // What kill -9 leaves: the claim of a process of this instance that no longer exists, seconds old.
        SeedClaim(app.DbPath, $"{operation:N}-{incident:N}-update-s40", $"{EventLedger.InstanceName}/99999-killed");
        using var client = app.KeyedClient();

        var response = await client.SendAsync(Webhook.Request(Webhook.IncidentUpdate(incident, contact, operation, Guid.NewGuid(), "Storing")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("scored", (await TestApp.ReadJsonAsync(response)).GetProperty("status").GetString());
        Assert.NotNull(OrgSql.Scalar<double?>(app.DbPath, "SELECT rtn_churnprobability FROM contact WHERE contactid = $id", ("$id", contact.ToString("D"))));
    }

    [Fact]
    public async Task Post_EventClaimedByAnotherInstance_Is503WithAShortRetryAfterNever200()
    {
        using var app = new TestApp(fixture);
        var contact = DataProducer.ActiveContactWithCases(app.DbPath);
        var incident = DataProducer.AnyIncidentOf(app.DbPath, contact);
        var operation = Guid.NewGuid();
        SeedClaim(app.DbPath, $"{operation:N}-{incident:N}-update-s40", "another-instance/42-live");
        using var client = app.KeyedClient();

        var response = await client.SendAsync(Webhook.Request(Webhook.IncidentUpdate(incident, contact, operation, Guid.NewGuid(), "Storing")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(DataverseEventProcessor.ClaimRetryAfterSeconds), response.Headers.RetryAfter?.Delta);
    }

    private static void SeedClaim(string db, string eventKey, string holder)
    {
        _ = new RetentionInsights.Functions.State.SqliteStateStore(db);
        var claim = System.Text.Json.JsonSerializer.Serialize(new { State = "processing", At = DateTime.UtcNow.AddSeconds(-3), Outcome = (string?)null, Holder = holder });
        OrgSql.Execute(db, "INSERT INTO rtn_service_state (key, value, version) VALUES ($k, $v, 1)", ("$k", "events/" + eventKey), ("$v", claim));
    }

    [Fact]
    public async Task Post_TruncatedBodyWithoutImages_ReReadsTheIncidentToFindTheCustomer()
    {
        using var app = new TestApp(fixture);
        var contact = DataProducer.ActiveContactWithCases(app.DbPath);
        var incident = DataProducer.AnyIncidentOf(app.DbPath, contact);
        // Over 256 KB Dataverse drops InputParameters and images and flags the request.
        var body = Webhook.IncidentUpdate(incident, contact, Guid.NewGuid(), Guid.NewGuid(), "Storing", includeImages: false);
        using var client = app.KeyedClient();

        var response = await client.SendAsync(Webhook.Request(body, truncated: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = await TestApp.ReadJsonAsync(response);
        Assert.Equal(contact, outcome.GetProperty("contactId").GetGuid());
        Assert.Contains("re-read", outcome.GetProperty("detail").GetString());
        Assert.NotNull(OrgSql.Scalar<double?>(app.DbPath, "SELECT rtn_churnprobability FROM contact WHERE contactid = $id", ("$id", contact.ToString("D"))));
    }

    [Fact]
    public async Task Post_TwoEventsForTheSameCustomer_AnalyseEachMessageOnlyOnce()
    {
        var analyzer = new CountingAnalyzer();
        using var app = new TestApp(fixture, services: s => s.AddSingleton<RetentionInsights.Scoring.Sentiment.ISentimentAnalyzer>(analyzer));
        var contact = DataProducer.ActiveContactWithCases(app.DbPath);
        DataProducer.InboundEmail(app.DbPath, contact, ServiceFixture.AsOf.AddDays(-2), "Vraag", "Ik ben ontevreden over de service.");
        var incident = DataProducer.AnyIncidentOf(app.DbPath, contact);
        using var client = app.KeyedClient();

        (await client.SendAsync(Webhook.Request(Webhook.IncidentUpdate(incident, contact, Guid.NewGuid(), Guid.NewGuid(), "a")))).EnsureSuccessStatusCode();
        var afterFirst = analyzer.Documents;
        (await client.SendAsync(Webhook.Request(Webhook.IncidentUpdate(incident, contact, Guid.NewGuid(), Guid.NewGuid(), "b")))).EnsureSuccessStatusCode();

        Assert.True(afterFirst > 0);
        Assert.Equal(afterFirst, analyzer.Documents);
    }

    private sealed class CountingAnalyzer : RetentionInsights.Scoring.Sentiment.ISentimentAnalyzer
    {
        private readonly RetentionInsights.Scoring.Sentiment.LexiconSentimentAnalyzer _inner = new();
        public int Documents;

        public ValueTask<IReadOnlyList<RetentionInsights.Scoring.Sentiment.SentimentResult>> AnalyzeAsync(
            IReadOnlyList<RetentionInsights.Scoring.Sentiment.SentimentDocument> documents, CancellationToken cancellationToken = default)
        {
            Interlocked.Add(ref Documents, documents.Count);
            return _inner.AnalyzeAsync(documents, cancellationToken);
        }
    }

    [Fact]
    public async Task Post_EmailCreatedAboutACase_ScoresTheCasesCustomer()
    {
        using var app = new TestApp(fixture);
        var contact = DataProducer.ActiveContactWithCases(app.DbPath);
        var incident = DataProducer.AnyIncidentOf(app.DbPath, contact);
        var email = Guid.NewGuid();
        var body = $$$"""
            {"MessageName":"Create","PrimaryEntityName":"email","PrimaryEntityId":"{{{email}}}","OperationId":"{{{Guid.NewGuid()}}}","Stage":40,"Mode":1,
             "InputParameters":[{"key":"Target","value":{"__type":"Entity:http:\/\/schemas.microsoft.com\/xrm\/2011\/Contracts","Attributes":[
               {"key":"subject","value":"Re: storing"},
               {"key":"regardingobjectid","value":{"__type":"EntityReference:http:\/\/schemas.microsoft.com\/xrm\/2011\/Contracts","Id":"{{{incident}}}","KeyAttributes":[],"LogicalName":"incident","Name":null,"RowVersion":null}}],
               "EntityState":null,"FormattedValues":[],"Id":"{{{email}}}","KeyAttributes":[],"LogicalName":"email","RelatedEntities":[],"RowVersion":null}}],
             "PostEntityImages":[],"PreEntityImages":[],"SharedVariables":[]}
            """;

        var outcome = await TestApp.ReadJsonAsync(await app.KeyedClient().SendAsync(Webhook.Request(body, entity: "email")));

        Assert.Equal(contact, outcome.GetProperty("contactId").GetGuid());
        Assert.Contains("incident.customerid", outcome.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Post_SharedVariableFromPlugin_WinsOverTheRecordsOwnLookup()
    {
        using var app = new TestApp(fixture);
        var contact = DataProducer.ActiveContactWithCases(app.DbPath);
        var other = Guid.Parse(OrgSql.Column(app.DbPath, $"SELECT contactid FROM contact WHERE statecode = 0 AND contactid <> '{contact:D}' ORDER BY contactid LIMIT 1")[0]);
        var incident = DataProducer.AnyIncidentOf(app.DbPath, contact);
        // The plug-in resolved "other" (e.g. the primary contact of an account customer) and said so in SharedVariables.
        var body = Webhook.IncidentUpdate(incident, other, Guid.NewGuid(), Guid.NewGuid(), "Storing", sharedContact: true);
        using var client = app.KeyedClient();

        var outcome = await TestApp.ReadJsonAsync(await client.SendAsync(Webhook.Request(body)));

        Assert.Equal(other, outcome.GetProperty("contactId").GetGuid());
        Assert.Contains("SharedVariables", outcome.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Post_NoChampionYet_IsRetryable503AndTheRedeliveryAfterTrainingScoresIt()
    {
        var models = fixture.EmptyModels();
        using var app = new TestApp(fixture, models: models);
        var contact = DataProducer.ActiveContactWithCases(app.DbPath);
        var incident = DataProducer.AnyIncidentOf(app.DbPath, contact);
        var body = Webhook.IncidentUpdate(incident, contact, Guid.NewGuid(), Guid.NewGuid(), "x");
        using var client = app.KeyedClient();

        var before = await client.SendAsync(Webhook.Request(body));
        // A champion appears (e.g. `rtn train` on the same model folder) and the scorer notices it.
        var source = new RetentionInsights.Functions.Models.LocalFolderModelStore(fixture.ModelsPath);
        var target = new RetentionInsights.Functions.Models.LocalFolderModelStore(models);
        var metadata = (await source.ListAsync()).Single(m => m.Version == fixture.ChampionVersion);
        await using (var zip = await source.OpenModelAsync(metadata.Version))
            await target.SaveCandidateAsync(metadata, zip);
        await target.PromoteAsync(metadata.Version);
        app.Services.GetRequiredService<RetentionInsights.Functions.Scoring.EngineScorer>().Invalidate();
        var after = await TestApp.ReadJsonAsync(await client.SendAsync(Webhook.Request(body)));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);
        Assert.NotNull(before.Headers.RetryAfter);
        Assert.Contains("No model is trained yet", (await TestApp.ReadJsonAsync(before)).GetProperty("detail").GetString());
        Assert.Equal("scored", after.GetProperty("status").GetString());
        Assert.NotNull(OrgSql.Scalar<double?>(app.DbPath, "SELECT rtn_churnprobability FROM contact WHERE contactid = $id", ("$id", contact.ToString("D"))));
    }

    [Fact]
    public async Task Post_ContactOptedOutOfProfiling_ClearsScoresAndWritesNoOffers()
    {
        using var app = new TestApp(fixture);
        var contact = DataProducer.ActiveContactWithCases(app.DbPath);
        using var client = app.KeyedClient();
        (await client.GetAsync($"/api/customers/{contact}/insights")).EnsureSuccessStatusCode();
        OrgSql.Execute(app.DbPath, "UPDATE contact SET rtn_profilingoptout = 1 WHERE contactid = $id", ("$id", contact.ToString("D")));
        var incident = DataProducer.AnyIncidentOf(app.DbPath, contact);

        var outcome = await TestApp.ReadJsonAsync(await client.SendAsync(Webhook.Request(Webhook.IncidentUpdate(incident, contact, Guid.NewGuid(), Guid.NewGuid(), "x"))));

        Assert.Equal("not-scored", outcome.GetProperty("status").GetString());
        Assert.Null(OrgSql.Scalar<double?>(app.DbPath, "SELECT rtn_churnprobability FROM contact WHERE contactid = $id", ("$id", contact.ToString("D"))));
        Assert.Equal(0, OrgSql.Scalar<long>(app.DbPath, "SELECT COUNT(*) FROM rtn_offerrecommendation WHERE rtn_contactid = $id AND rtn_status = $p",
            ("$id", contact.ToString("D")), ("$p", Names.Choices.RecommendationProposed)));
    }
}

/// <summary>Counts what reaches the store's write method, around the real store.</summary>
public sealed class WriteCounter
{
    public int ApplyCallsWithChanges;
    public int Writes;
}

public sealed class CountingStore(IRetentionStore inner, WriteCounter counter) : DelegatingStore(inner)
{
    public override async Task<int> ApplyAsync(IReadOnlyList<ChangeSet> changes, CancellationToken cancellationToken)
    {
        if (changes.Any(c => !c.IsEmpty))
            Interlocked.Increment(ref counter.ApplyCallsWithChanges);
        var writes = await base.ApplyAsync(changes, cancellationToken);
        Interlocked.Add(ref counter.Writes, writes);
        return writes;
    }
}
