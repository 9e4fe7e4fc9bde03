using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Functions.Endpoints;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Endpoints;

[Collection(ServiceTests.Name)]
public sealed class RouteTests(ServiceFixture fixture)
{
    public static TheoryData<string, string> EveryRoute() => new()
    {
        { "POST", "/api/dataverse/events" },
        { "GET", "/api/customers?top=5" },
        { "GET", $"/api/customers/{Guid.NewGuid()}/insights" },
        { "POST", $"/api/customers/{Guid.NewGuid()}/offers/{Guid.NewGuid()}/response" },
        { "POST", "/api/rescore" },
        { "GET", "/api/rescore/20261101T020000-abc" },
        { "POST", "/api/models/train" },
        { "GET", "/api/models" },
        { "GET", "/api/campaign" },
        { "GET", "/api/health" },
    };

    [Theory]
    [MemberData(nameof(EveryRoute))]
    public async Task AnyRoute_WithoutKey_Returns401ProblemDetails(string method, string path)
    {
        using var app = new TestApp(fixture);
        using var client = app.CreateClient();

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await TestApp.ReadJsonAsync(response);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Contains("x-functions-key", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [MemberData(nameof(EveryRoute))]
    public async Task AnyRoute_WithWrongKey_Returns401(string method, string path)
    {
        using var app = new TestApp(fixture);
        using var client = app.CreateClient();
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) };
        request.Headers.Add("x-functions-key", TestApp.Key + "x");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("not accepted", (await TestApp.ReadJsonAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Health_WithKeyInCodeQuery_ReportsStoreAndChampion()
    {
        using var app = new TestApp(fixture);
        using var client = app.CreateClient();

        var health = await TestApp.ReadJsonAsync(await client.GetAsync("/api/health?code=" + TestApp.Key));

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal("local-org", health.GetProperty("store").GetString());
        Assert.Equal("in-process", health.GetProperty("queue").GetString());
        Assert.Equal(fixture.ChampionVersion, health.GetProperty("championModel").GetString());
    }

    [Fact]
    public async Task Customers_Top5AfterScoring_ListsHighestRiskFirstInThePreviewShape()
    {
        using var app = new TestApp(fixture);
        using var client = app.KeyedClient();
        var ids = OrgSql.Column(app.DbPath, "SELECT contactid FROM contact WHERE statecode = 0 ORDER BY contactid LIMIT 8");
        foreach (var id in ids)
            (await client.GetAsync($"/api/customers/{id}/insights")).EnsureSuccessStatusCode();

        var body = await TestApp.ReadJsonAsync(await client.GetAsync("/api/customers?top=5"));

        var customers = body.GetProperty("customers").EnumerateArray().ToList();
        Assert.Equal(5, customers.Count);
        var probabilities = customers.Select(c => c.GetProperty("churnProbability").GetDouble()).ToList();
        Assert.Equal(probabilities.OrderByDescending(p => p), probabilities);
        Assert.All(customers, c =>
        {
            Assert.True(c.GetProperty("contactId").TryGetGuid(out _));
            Assert.False(string.IsNullOrEmpty(c.GetProperty("fullName").GetString()));
            Assert.InRange(c.GetProperty("riskBand").GetInt32(), Names.Choices.RiskLow, Names.Choices.RiskCritical);
        });
    }

    [Theory]
    [InlineData("0")]
    [InlineData("5000")]
    [InlineData("ten")]
    public async Task Customers_TopOutOfRange_Returns400NamingTheParameter(string top)
    {
        using var app = new TestApp(fixture);
        var response = await app.KeyedClient().GetAsync("/api/customers?top=" + top);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'top'", (await TestApp.ReadJsonAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Insights_ActiveContact_ReturnsScoresReasonsAndOffersInTheContractShape()
    {
        using var app = new TestApp(fixture);
        var contact = DataProducer.ActiveContactWithCases(app.DbPath);

        var insights = await TestApp.ReadJsonAsync(await app.KeyedClient().GetAsync($"/api/customers/{contact}/insights"));

        Assert.Equal(contact, insights.GetProperty("contactId").GetGuid());
        Assert.True(insights.GetProperty("scored").GetBoolean());
        Assert.False(insights.GetProperty("profilingOptOut").GetBoolean());
        Assert.InRange(insights.GetProperty("churnProbability").GetDouble(), 0, 1);
        Assert.InRange(insights.GetProperty("riskBand").GetInt32(), Names.Choices.RiskLow, Names.Choices.RiskCritical);
        Assert.Equal("EUR", insights.GetProperty("currency").GetString());
        Assert.NotEmpty(insights.GetProperty("reasons").EnumerateArray());
        Assert.Equal(fixture.ChampionVersion, insights.GetProperty("modelVersion").GetString());
        Assert.EndsWith("Z", insights.GetProperty("scoredOn").GetString());
        foreach (var name in new[] { "previousChurnProbability", "clv12m", "clv36m", "pAlive", "valueSegment", "earlyWarningLevel", "alert" })
            Assert.True(insights.TryGetProperty(name, out _), $"insights lacks '{name}'");
        var offers = insights.GetProperty("offers").EnumerateArray().ToList();
        Assert.InRange(offers.Count, 0, 3);
        Assert.Equal(offers.Select(o => o.GetProperty("rank").GetInt32()).Order(), offers.Select(o => o.GetProperty("rank").GetInt32()));
        Assert.All(offers, o => Assert.Equal(Names.Choices.RecommendationProposed, o.GetProperty("status").GetInt32()));
    }

    [Fact]
    public async Task Insights_UnknownContact_Returns404ProblemDetails()
    {
        using var app = new TestApp(fixture);
        var response = await app.KeyedClient().GetAsync($"/api/customers/{Guid.NewGuid()}/insights");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Insights_IdNotAGuid_Returns400SayingWhatIsExpected()
    {
        using var app = new TestApp(fixture);
        var response = await app.KeyedClient().GetAsync("/api/customers/12345/insights");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("GUID", (await TestApp.ReadJsonAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task OfferResponse_DeclineOfAProposedOffer_StoresTheResponseForTraining()
    {
        using var app = new TestApp(fixture);
        using var client = app.KeyedClient();
        var (contact, offer) = await ContactWithOfferAsync(app, client);

        var response = await client.PostAsJsonAsync($"/api/customers/{contact}/offers/{offer.GetProperty("offerId").GetGuid()}/response",
            new { response = "declined", channel = "phone" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await TestApp.ReadJsonAsync(response);
        var recommendation = offer.GetProperty("recommendationId").GetGuid();
        Assert.Equal(recommendation, result.GetProperty("recommendationId").GetGuid());
        Assert.Equal(Names.Choices.RecommendationDeclined, result.GetProperty("status").GetInt32());
        Assert.Equal(Names.Choices.RecommendationDeclined, OrgSql.Scalar<long>(app.DbPath,
            "SELECT rtn_status FROM rtn_offerrecommendation WHERE rtn_offerrecommendationid = $id", ("$id", recommendation.ToString("D"))));
        Assert.NotNull(OrgSql.Scalar<string?>(app.DbPath, "SELECT rtn_respondedon FROM rtn_offerrecommendation WHERE rtn_offerrecommendationid = $id", ("$id", recommendation.ToString("D"))));
        Assert.Equal(Names.Choices.ChannelPhone, OrgSql.Scalar<long>(app.DbPath, "SELECT rtn_channel FROM rtn_offerrecommendation WHERE rtn_offerrecommendationid = $id", ("$id", recommendation.ToString("D"))));
    }

    [Theory]
    [InlineData("{\"response\":\"maybe\"}", "'response'")]
    [InlineData("{\"response\":1}", "must be a string")]
    [InlineData("{\"response\":\"accepted\",\"channel\":\"fax\"}", "'channel'")]
    [InlineData("{\"response\":", "not valid JSON")]
    [InlineData("[]", "JSON object")]
    public async Task OfferResponse_BadBody_Returns400WithAnActionableMessage(string body, string expected)
    {
        using var app = new TestApp(fixture);
        var contact = DataProducer.ActiveContactWithCases(app.DbPath);
        var content = new StringContent(body, Encoding.UTF8, "application/json");

        var response = await app.KeyedClient().PostAsync($"/api/customers/{contact}/offers/{Guid.NewGuid()}/response", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (await TestApp.ReadJsonAsync(response)).GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("{\"response\":\"\\ud800\"}")]
    [InlineData("{\"response\":\"accepted\",\"channel\":\"\\udc00x\"}")]
    [InlineData("{\"response\":\"\xFF\xFE\"}")]
    [InlineData("{\"\xC0\xAF\":1}")]
    public async Task OfferResponseAndRescore_TextThatIsNotUnicode_Return400NotA500(string latin1Body)
    {
        // Raw bytes as sent: a lone surrogate escape, or bytes that are not UTF-8 (0xFF, an overlong 0xC0 0xAF).
        var bytes = Encoding.Latin1.GetBytes(latin1Body);
        using var app = new TestApp(fixture);
        using var client = app.KeyedClient();
        var contact = DataProducer.ActiveContactWithCases(app.DbPath);
        HttpContent Body()
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            return content;
        }

        foreach (var response in new[]
        {
            await client.PostAsync($"/api/customers/{contact}/offers/{Guid.NewGuid()}/response", Body()),
            await client.PostAsync("/api/rescore", Body()),
        })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("not valid Unicode", (await TestApp.ReadJsonAsync(response)).GetProperty("detail").GetString());
        }
    }

    [Theory]
    [InlineData("2100-12-31")]
    [InlineData("9999-12-31")]
    public async Task Rescore_AsOfAfterTheServicesToday_Is400AndWritesNothing(string asOf)
    {
        using var app = new TestApp(fixture);
        var before = OrgSql.Scalar<long>(app.DbPath, "SELECT COUNT(*) FROM contact WHERE rtn_churnprobability IS NOT NULL");

        var response = await app.KeyedClient().PostAsync("/api/rescore", new StringContent($"{{\"asOf\": \"{asOf}\"}}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("after the service's scoring date (2026-11-01)", (await TestApp.ReadJsonAsync(response)).GetProperty("detail").GetString());
        Assert.Equal(before, OrgSql.Scalar<long>(app.DbPath, "SELECT COUNT(*) FROM contact WHERE rtn_churnprobability IS NOT NULL"));
    }

    [Theory]
    [InlineData("2000-01-01")]
    [InlineData("2020-06-30")]
    public async Task Rescore_AsOfBeforeTheModelLearnedAnything_Is400AndLeavesEveryScore(string asOf)
    {
        using var app = new TestApp(fixture);
        var ids = await app.Services.GetRequiredService<IRetentionStore>().ListContactIdsAsync(activeOnly: true, CancellationToken.None);
        await app.Services.GetRequiredService<CustomerRescorer>().RescoreManyAsync(ids.Take(40).ToList(), null, CancellationToken.None);
        var before = OrgSql.Scalar<long>(app.DbPath, "SELECT COUNT(*) FROM contact WHERE rtn_churnprobability IS NOT NULL");
        Assert.True(before >= 30, $"only {before} contacts have scores");

        var response = await app.KeyedClient().PostAsync("/api/rescore", new StringContent($"{{\"asOf\": \"{asOf}\"}}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"({asOf}) is before the first date the scoring model learned from", (await TestApp.ReadJsonAsync(response)).GetProperty("detail").GetString());
        Assert.Equal(before, OrgSql.Scalar<long>(app.DbPath, "SELECT COUNT(*) FROM contact WHERE rtn_churnprobability IS NOT NULL"));
    }

    [Fact]
    public async Task Rescore_NoModelCanScore_Is503WithRetryAfterAndStartsNoBatch()
    {
        using var app = new TestApp(fixture, models: fixture.EmptyModels());
        using var client = app.KeyedClient();

        var response = await client.PostAsync("/api/rescore", null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(RetentionApi.DegradedRetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        var detail = (await TestApp.ReadJsonAsync(response)).GetProperty("detail").GetString();
        Assert.Contains("No model is trained yet", detail);
        Assert.Contains("No batch was started", detail);
        // Nothing is running: once a model exists the next request would start at once (here: refused the same way, not 409).
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.PostAsync("/api/rescore", null)).StatusCode);
    }

    [Fact]
    public async Task OfferResponse_UnknownOffer_Returns404()
    {
        using var app = new TestApp(fixture);
        var contact = DataProducer.ActiveContactWithCases(app.DbPath);

        var response = await app.KeyedClient().PostAsJsonAsync($"/api/customers/{contact}/offers/{Guid.NewGuid()}/response", new { response = "accepted" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no recommendation", (await TestApp.ReadJsonAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Events_BodyOverTheLimit_Returns413()
    {
        using var app = new TestApp(fixture, new() { ["Retention:MaxEventBodyBytes"] = null });
        var huge = "{\"MessageName\":\"" + new string('x', 600 * 1024) + "\"}";

        var response = await app.KeyedClient().SendAsync(Webhook.Request(huge));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("{\"MessageName\":\"Update\",\"PrimaryEntityName\":\"incident\"}", "PrimaryEntityId")]
    [InlineData("{\"MessageName\":\"Update\",\"PrimaryEntityName\":\"incident\",\"PrimaryEntityId\":\"nope\"}", "not a GUID")]
    [InlineData("{\"MessageName\":\"Update\",\"PrimaryEntityName\":\"incident\",\"PrimaryEntityId\":\"c3a1e5f0-7d2b-ef11-a670-000d3a1c2b11\",\"InputParameters\":{}}", "InputParameters")]
    public async Task Events_MalformedBody_Returns400NamingTheProblem(string body, string expected)
    {
        using var app = new TestApp(fixture);

        var response = await app.KeyedClient().SendAsync(Webhook.Request(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (await TestApp.ReadJsonAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Events_EntityHeaderDisagreesWithBody_Returns400()
    {
        using var app = new TestApp(fixture);
        var body = Webhook.IncidentUpdate(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "x");

        var response = await app.KeyedClient().SendAsync(Webhook.Request(body, entity: "contact"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("x-ms-dynamics-entity-name", (await TestApp.ReadJsonAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Events_OrganizationNotAllowed_Returns403()
    {
        using var app = new TestApp(fixture, new() { ["Retention:AllowedOrganizations"] = "fabrikam.crm.dynamics.com" });
        var body = Webhook.IncidentUpdate(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "x");

        var response = await app.KeyedClient().SendAsync(Webhook.Request(body));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Events_WrongContentType_Returns415()
    {
        using var app = new TestApp(fixture);
        var response = await app.KeyedClient().PostAsync("/api/dataverse/events", new StringContent("<xml/>", Encoding.UTF8, "application/xml"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Rescore_StartsABatchThatScoresEveryActiveContact()
    {
        using var app = new TestApp(fixture, new() { ["Retention:ChunkSize"] = "400" });
        using var client = app.KeyedClient();

        var response = await client.PostAsync("/api/rescore", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var started = await TestApp.ReadJsonAsync(response);
        var active = OrgSql.Scalar<long>(app.DbPath, "SELECT COUNT(*) FROM contact WHERE statecode = 0 AND rtn_profilingoptout = 0");
        Assert.Equal(OrgSql.Scalar<long>(app.DbPath, "SELECT COUNT(*) FROM contact WHERE statecode = 0"), started.GetProperty("contacts").GetInt32());
        Assert.Equal((int)Math.Ceiling(started.GetProperty("contacts").GetInt32() / 400.0), started.GetProperty("chunks").GetInt32());
        // The in-process queue worker scores in the background; wait for it to drain (bounded, not a timing assertion).
        for (var i = 0; i < 600 && OrgSql.Scalar<long>(app.DbPath, "SELECT COUNT(*) FROM contact WHERE statecode = 0 AND rtn_churnprobability IS NOT NULL") < active; i++)
            await Task.Delay(100);
        Assert.Equal(active, OrgSql.Scalar<long>(app.DbPath, "SELECT COUNT(*) FROM contact WHERE statecode = 0 AND rtn_churnprobability IS NOT NULL"));
        var batch = started.GetProperty("batchId").GetString();
        var status = await TestApp.ReadJsonAsync(await client.GetAsync($"/api/rescore/{batch}"));
        for (var i = 0; i < 100 && !status.GetProperty("completed").GetBoolean(); i++)
        {
            await Task.Delay(100);
            status = await TestApp.ReadJsonAsync(await client.GetAsync($"/api/rescore/{batch}"));
        }
        Assert.True(status.GetProperty("completed").GetBoolean());
        Assert.Equal(started.GetProperty("chunks").GetInt32(), status.GetProperty("completedChunks").GetInt32());
        Assert.Equal(started.GetProperty("contacts").GetInt32(), status.GetProperty("scoredContacts").GetInt32());
    }

    [Theory]
    [InlineData("no-such-batch", HttpStatusCode.NotFound)]
    [InlineData("bad%20id!", HttpStatusCode.BadRequest)]
    public async Task RescoreStatus_UnknownOrMalformedBatch_Returns4xx(string batch, HttpStatusCode expected)
    {
        using var app = new TestApp(fixture);

        var response = await app.KeyedClient().GetAsync($"/api/rescore/{batch}");

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>A process that has no model yet: it can start a batch (which records no version) but scores nobody.</summary>
    private sealed class UntrainedScorer : RetentionInsights.Functions.Scoring.ICustomerScorer
    {
        public Task<string?> GetChampionVersionAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

        public Task<IReadOnlyList<RetentionInsights.Functions.Scoring.ScoringOutcome?>> ScoreAsync(IReadOnlyList<RetentionInsights.Data.Records.CustomerHistory> histories,
            IReadOnlyList<RetentionInsights.Data.Records.OfferRecord> catalogue, DateTime asOf, DateTime answersKnownAt, CancellationToken cancellationToken, string? modelVersion = null) =>
            Task.FromResult<IReadOnlyList<RetentionInsights.Functions.Scoring.ScoringOutcome?>>(histories.Select(_ => (RetentionInsights.Functions.Scoring.ScoringOutcome?)null).ToList());
    }

    [Fact]
    public async Task Start_AfterAProcessLostItsInProcessQueue_ResumesTheUnfinishedBatchFromItsCheckpoints()
    {
        var db = fixture.CopyOrg();
        // A previous run announced a batch and died before any chunk was processed: its queue (in memory) is gone.
        var options = Microsoft.Extensions.Options.Options.Create(new RetentionInsights.Functions.Configuration.ServiceOptions { ChunkSize = 500 });
        using (var store = new RetentionInsights.Functions.Stores.LocalOrg.LocalOrgStore(db))
        {
            var rescorer = new RetentionInsights.Functions.Scoring.CustomerRescorer(store, new UntrainedScorer(), options, TimeProvider.System,
                Microsoft.Extensions.Logging.Abstractions.NullLogger<RetentionInsights.Functions.Scoring.CustomerRescorer>.Instance);
            var lost = new RetentionInsights.Functions.Batch.BatchRescoreCoordinator(store, rescorer, new RetentionInsights.Functions.State.SqliteStateStore(db),
                new RetentionInsights.Functions.Batch.InProcessRescoreQueue(), options, TimeProvider.System,
                Microsoft.Extensions.Logging.Abstractions.NullLogger<RetentionInsights.Functions.Batch.BatchRescoreCoordinator>.Instance);
            await lost.StartAsync(null, CancellationToken.None);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var active = OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM contact WHERE statecode = 0 AND rtn_profilingoptout = 0");

        using var app = new TestApp(fixture, new() { ["Retention:LocalOrgPath"] = db });
        using var client = app.KeyedClient();
        (await client.GetAsync("/api/health")).EnsureSuccessStatusCode(); // starts the host and its queue worker
        for (var i = 0; i < 600 && OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM contact WHERE statecode = 0 AND rtn_churnprobability IS NOT NULL") < active; i++)
            await Task.Delay(100);

        Assert.Equal(active, OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM contact WHERE statecode = 0 AND rtn_churnprobability IS NOT NULL"));
    }

    [Fact]
    public async Task Campaign_DefaultWindow_ReportsBothGroupsTheEffectWithIntervalRoiAndQini()
    {
        using var app = new TestApp(fixture);

        var report = await TestApp.ReadJsonAsync(await app.KeyedClient().GetAsync("/api/campaign"));

        // The service scores as of 2026-11-01: the last complete control-group period is the third quarter.
        Assert.Equal("2026-07-01", report.GetProperty("from").GetString());
        Assert.Equal("2026-10-01", report.GetProperty("to").GetString());
        var treatment = report.GetProperty("treatment");
        var control = report.GetProperty("control");
        Assert.True(treatment.GetProperty("contacts").GetInt32() > 5 * control.GetProperty("contacts").GetInt32());
        Assert.True(control.GetProperty("contacts").GetInt32() > 0);
        Assert.InRange(treatment.GetProperty("churnRate").GetDouble(), 0, 0.5);
        Assert.InRange(control.GetProperty("churnRate").GetDouble(), 0, 0.5);
        Assert.Equal(0, control.GetProperty("offersMade").GetInt32());
        var effect = report.GetProperty("effect");
        var ci = effect.GetProperty("ci95").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(2, ci.Length);
        Assert.InRange(effect.GetProperty("churnRateDifference").GetDouble(), ci[0], ci[1]);
        Assert.Equal(JsonValueKind.Number, report.GetProperty("roi").ValueKind);
        Assert.True(report.TryGetProperty("qini", out _));
    }

    [Theory]
    [InlineData("?from=July", "'from'")]
    [InlineData("?from=2026-07-01&to=2026-06-01", "'to'")]
    [InlineData("?from=2001-01-01", "'from'")]
    public async Task Campaign_BadWindow_Returns400NamingTheParameter(string query, string expected)
    {
        using var app = new TestApp(fixture);
        var response = await app.KeyedClient().GetAsync("/api/campaign" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (await TestApp.ReadJsonAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Models_List_ShowsTheChampionWithItsHoldoutMetrics()
    {
        using var app = new TestApp(fixture);

        var models = await TestApp.ReadJsonAsync(await app.KeyedClient().GetAsync("/api/models"));

        Assert.Equal(fixture.ChampionVersion, models.GetProperty("champion").GetString());
        var champion = models.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("isChampion").GetBoolean());
        Assert.InRange(champion.GetProperty("metrics").GetProperty("holdout.auc").GetDouble(), 0.5, 1.0);
        Assert.Equal("idle", models.GetProperty("training").GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("{\"asOf\": \"2026-01-01\"}")]
    [InlineData("[]")]
    [InlineData("{")]
    public async Task ModelsTrain_WithParameters_Is400AndStartsNoRun(string body)
    {
        using var app = new TestApp(fixture, models: fixture.EmptyModels());
        using var client = app.KeyedClient();

        var answer = await client.PostAsync("/api/models/train", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        var models = await TestApp.ReadJsonAsync(await client.GetAsync("/api/models"));
        Assert.Equal("idle", models.GetProperty("training").GetProperty("state").GetString());
    }

    [Fact]
    public async Task ModelsTrain_TwiceInARow_AcceptsTheFirstAndRefusesTheSecondWhileRunning()
    {
        using var app = new TestApp(fixture, models: fixture.EmptyModels());
        using var client = app.KeyedClient();

        var first = await client.PostAsync("/api/models/train", null);
        var second = await client.PostAsync("/api/models/train", null);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal("running", (await TestApp.ReadJsonAsync(first)).GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        // Let the background run finish so it does not outlive the test's files.
        for (var i = 0; i < 1200; i++)
        {
            var listing = await client.GetAsync("/api/models");
            Assert.True(listing.IsSuccessStatusCode, await listing.Content.ReadAsStringAsync());
            var state = (await TestApp.ReadJsonAsync(listing)).GetProperty("training").GetProperty("state").GetString();
            if (state != "running")
            {
                Assert.Equal("completed", state);
                break;
            }
            await Task.Delay(100);
        }
        var models = await TestApp.ReadJsonAsync(await client.GetAsync("/api/models"));
        Assert.False(string.IsNullOrEmpty(models.GetProperty("champion").GetString()));
    }

    [Fact]
    public async Task WeeklyTrainFunction_WithoutChampion_TrainsAndPromotes()
    {
        using var app = new TestApp(fixture, models: fixture.EmptyModels());
        var function = ActivatorUtilities.CreateInstance<RetentionInsights.Functions.Functions.WeeklyTrain>(app.Services);

        await function.Run(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);

        var models = await TestApp.ReadJsonAsync(await app.KeyedClient().GetAsync("/api/models"));
        Assert.Equal("completed", models.GetProperty("training").GetProperty("state").GetString());
        Assert.False(string.IsNullOrEmpty(models.GetProperty("champion").GetString()));
    }

    [Fact]
    public async Task RescoreChunkFunction_MessageNotAChunk_IsDroppedWithoutRetry()
    {
        using var app = new TestApp(fixture);
        var coordinator = app.Services.GetRequiredService<RetentionInsights.Functions.Batch.BatchRescoreCoordinator>();

        // A poison message can never succeed: it is dropped (no exception, so the queue does not redeliver it five times).
        Assert.Null(await coordinator.HandleMessageAsync("hello", CancellationToken.None));
        Assert.Null(await coordinator.HandleMessageAsync("{\"batchId\":\"nope\",\"chunk\":0}", CancellationToken.None));
    }

    [Fact]
    public async Task NightlyRescoreFunction_QueuesTheWholeOrgAndScoresIt()
    {
        var db = fixture.CopyOrg();
        using var app = new TestApp(fixture, new() { ["Retention:LocalOrgPath"] = db });
        var coordinator = app.Services.GetRequiredService<RetentionInsights.Functions.Batch.BatchRescoreCoordinator>();

        var started = Assert.IsType<RetentionInsights.Functions.Batch.BatchStarted>(await coordinator.RunNightlyAsync(CancellationToken.None));

        Assert.True(started.Contacts > 0);
        for (var i = 0; i < 600 && (await coordinator.StatusAsync(started.BatchId, CancellationToken.None))!.Completed is false; i++)
            await Task.Delay(100);
        Assert.True((await coordinator.StatusAsync(started.BatchId, CancellationToken.None))!.Completed);
        Assert.True(OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM contact WHERE rtn_churnprobability IS NOT NULL") > 0);
    }

    [Fact]
    public async Task UnknownRoute_Returns404ProblemDetails()
    {
        using var app = new TestApp(fixture);
        var response = await app.KeyedClient().GetAsync("/api/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void Start_WithoutApiKey_RefusesToStartAndSaysHowToFixIt()
    {
        using var app = new TestApp(fixture, new() { ["RTN_API_KEY"] = null });

        var error = Assert.ThrowsAny<InvalidOperationException>(() => app.CreateClient());

        Assert.Contains("RTN_API_KEY", error.Message);
    }

    [Fact]
    public void Start_WithShortApiKey_RefusesToStart()
    {
        using var app = new TestApp(fixture, new() { ["RTN_API_KEY"] = "short" });

        var error = Assert.ThrowsAny<InvalidOperationException>(() => app.CreateClient());

        Assert.Contains("16 characters", error.Message);
    }

    /// <summary>A contact that the engine offers something, and its first offer (from the live insights).</summary>
    internal static async Task<(Guid Contact, System.Text.Json.JsonElement Offer)> ContactWithOfferAsync(TestApp app, HttpClient client)
    {
        foreach (var id in OrgSql.Column(app.DbPath, "SELECT contactid FROM contact WHERE statecode = 0 AND rtn_profilingoptout = 0 ORDER BY contactid LIMIT 200"))
        {
            var insights = await TestApp.ReadJsonAsync(await client.GetAsync($"/api/customers/{id}/insights"));
            var offers = insights.GetProperty("offers").EnumerateArray().ToList();
            if (offers.Count > 0)
                return (Guid.Parse(id), offers[0]);
        }
        throw new InvalidOperationException("None of the first 200 active contacts got an offer; the engine's offer selection proposes nothing on the fixture org.");
    }
}
