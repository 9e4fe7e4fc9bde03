using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Functions.Batch;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Endpoints;

/// <summary>One full rescore at a time: a second start while one runs is refused with the running batch's id.</summary>
[Collection(ServiceTests.Name)]
public sealed class RescoreSingleFlightTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Rescore_WhileABatchRuns_Is409NamingTheRunningBatchAndAcceptedAgainOnceItCompleted()
    {
        using var app = new TestApp(fixture, new() { ["Retention:ChunkSize"] = "100" });
        using var client = app.KeyedClient();

        var first = await client.PostAsync("/api/rescore", null);
        var second = await client.PostAsync("/api/rescore", null);
        var firstId = (await TestApp.ReadJsonAsync(first)).GetProperty("batchId").GetString()!;
        var coordinator = app.Services.GetRequiredService<BatchRescoreCoordinator>();
        for (var i = 0; i < 1200 && (await coordinator.StatusAsync(firstId, CancellationToken.None))!.Completed is false; i++)
            await Task.Delay(100);
        var third = await client.PostAsync("/api/rescore", null);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains(firstId, (await TestApp.ReadJsonAsync(second)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Accepted, third.StatusCode);
    }

    [Fact]
    public async Task Rescore_BodyWithAFieldItDoesNotTake_Is400NamingTheFieldAndStartsNoBatch()
    {
        using var app = new TestApp(fixture);
        using var client = app.KeyedClient();

        var refused = await client.PostAsync("/api/rescore", new StringContent("{\"asOf\": \"2026-10-01\", \"chunkSize\": 50}", System.Text.Encoding.UTF8, "application/json"));
        var started = await client.PostAsync("/api/rescore", new StringContent("{\"asOf\": \"2026-10-01\"}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("'chunkSize'", (await TestApp.ReadJsonAsync(refused)).GetProperty("detail").GetString());
        // Nothing was running after the refusal, so the correct request starts at once.
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var coordinator = app.Services.GetRequiredService<BatchRescoreCoordinator>();
        var id = (await TestApp.ReadJsonAsync(started)).GetProperty("batchId").GetString()!;
        for (var i = 0; i < 1200 && (await coordinator.StatusAsync(id, CancellationToken.None))!.Completed is false; i++)
            await Task.Delay(100);
    }

    [Fact]
    public async Task Start_ManyAtOnce_ExactlyOneBatchStarts()
    {
        using var app = new TestApp(fixture);
        var coordinator = app.Services.GetRequiredService<BatchRescoreCoordinator>();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            try
            {
                return (await coordinator.StartAsync(null, CancellationToken.None)).BatchId;
            }
            catch (BatchAlreadyRunningException)
            {
                return null;
            }
        })));

        Assert.Single(attempts, a => a is not null);
    }
}

/// <summary>An offer takes one answer; a change is an explicit correction within the window; an expired offer is 409.</summary>
[Collection(ServiceTests.Name)]
public sealed class OfferResponseStateTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Respond_FlipWithoutCorrection_Is409AndWithCorrectionIsApplied()
    {
        using var app = new TestApp(fixture);
        using var client = app.KeyedClient();
        var (contact, offer) = await ProposedOfferAsync(app, client);
        // Addressed by the recommendation's id (by the offer's id works the same: see the next test).
        var recommendation = OrgSql.Scalar<string>(app.DbPath, "SELECT rtn_offerrecommendationid FROM rtn_offerrecommendation WHERE rtn_contactid = $c AND rtn_offerid = $o AND rtn_status = $p",
            ("$c", contact.ToString("D")), ("$o", offer.ToString("D")), ("$p", RetentionInsights.Data.Metadata.Names.Choices.RecommendationProposed));
        var url = $"/api/customers/{contact}/offers/{recommendation}/response";

        var accepted = await client.PostAsync(url, Json("{\"response\":\"accepted\"}"));
        var again = await client.PostAsync(url, Json("{\"response\":\"accepted\"}"));
        var flipped = await client.PostAsync(url, Json("{\"response\":\"declined\"}"));
        var corrected = await client.PostAsync(url, Json("{\"response\":\"declined\",\"correction\":true}"));

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, flipped.StatusCode);
        Assert.Contains("correction", (await TestApp.ReadJsonAsync(flipped)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        Assert.Equal(RetentionInsights.Data.Metadata.Names.Choices.RecommendationDeclined, OrgSql.Scalar<long>(app.DbPath,
            "SELECT rtn_status FROM rtn_offerrecommendation WHERE rtn_offerrecommendationid = $id", ("$id", recommendation)));
    }

    [Fact]
    public async Task Respond_SameAnswerTwiceByOfferId_RecordsOneAnswerAndTheOfferIsNotProposedAgain()
    {
        // The service scores its org as of a fixed date (2026-11-01) while agents answer now: the answer must still count.
        using var app = new TestApp(fixture);
        using var client = app.KeyedClient();
        var (contact, offer) = await ProposedOfferAsync(app, client);
        var url = $"/api/customers/{contact}/offers/{offer}/response";

        var first = await client.PostAsync(url, Json("{\"response\":\"accepted\"}"));
        var again = await client.PostAsync(url, Json("{\"response\":\"accepted\"}"));
        var flipped = await client.PostAsync(url, Json("{\"response\":\"declined\"}"));
        (await client.GetAsync($"/api/customers/{contact}/insights")).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((await TestApp.ReadJsonAsync(first)).GetProperty("recommendationId").GetString(),
            (await TestApp.ReadJsonAsync(again)).GetProperty("recommendationId").GetString());
        Assert.Equal(HttpStatusCode.Conflict, flipped.StatusCode);
        Assert.Equal(1L, CountOf(app, contact, offer, RetentionInsights.Data.Metadata.Names.Choices.RecommendationAccepted));
        Assert.Equal(0L, CountOf(app, contact, offer, RetentionInsights.Data.Metadata.Names.Choices.RecommendationDeclined));
        Assert.Equal(0L, CountOf(app, contact, offer, RetentionInsights.Data.Metadata.Names.Choices.RecommendationProposed));
    }

    [Fact]
    public async Task Respond_TwentyIdenticalAnswersAtOnce_RecordOneAnswer()
    {
        using var app = new TestApp(fixture);
        using var client = app.KeyedClient();
        var (contact, offer) = await ProposedOfferAsync(app, client);
        var url = $"/api/customers/{contact}/offers/{offer}/response";

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.PostAsync(url, Json("{\"response\":\"declined\"}"))));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(1L, CountOf(app, contact, offer, RetentionInsights.Data.Metadata.Names.Choices.RecommendationDeclined));
        Assert.Equal(0L, CountOf(app, contact, offer, RetentionInsights.Data.Metadata.Names.Choices.RecommendationProposed));
    }

    [Fact]
    public async Task Respond_CallerGoneRightAfterTheAnswerIsStored_TheContactIsStillRescored()
    {
        using var gone = new CancellationTokenSource();
        var store = (CallerGoneAfterAnswer?)null;
        using var app = new TestApp(fixture, services: s => s.DecorateStore(inner => store = new CallerGoneAfterAnswer(inner, gone)));
        using var client = app.KeyedClient();
        var (contact, offer) = await ProposedOfferAsync(app, client);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            client.PostAsync($"/api/customers/{contact}/offers/{offer}/response", Json("{\"response\":\"declined\"}"), gone.Token));

        // The handler goes on without its caller: wait until the rescore after the answer has written (or given up).
        for (var i = 0; i < 200 && Volatile.Read(ref store!.WritesAfterAnswer) == 0; i++)
            await Task.Delay(50);
        Assert.Equal(1L, CountOf(app, contact, offer, RetentionInsights.Data.Metadata.Names.Choices.RecommendationDeclined));
        Assert.Equal(1, store!.WritesAfterAnswer);
    }

    /// <summary>The real store; the caller of an answer goes away the moment the answer is stored.</summary>
    private sealed class CallerGoneAfterAnswer(IRetentionStore inner, CancellationTokenSource gone) : DelegatingStore(inner)
    {
        public int WritesAfterAnswer;
        private volatile bool _answered;

        public override async Task<int> ApplyResponseAsync(ResponseUpdate response, CancellationToken cancellationToken)
        {
            var applied = await base.ApplyResponseAsync(response, cancellationToken);
            _answered = true;
            await gone.CancelAsync();
            return applied;
        }

        public override Task<int> ApplyAsync(IReadOnlyList<ChangeSet> changes, CancellationToken cancellationToken)
        {
            if (_answered)
                Interlocked.Increment(ref WritesAfterAnswer);
            return base.ApplyAsync(changes, cancellationToken);
        }
    }

    private static long CountOf(TestApp app, Guid contact, Guid offer, int status) => OrgSql.Scalar<long>(app.DbPath,
        "SELECT COUNT(*) FROM rtn_offerrecommendation WHERE rtn_contactid = $c AND rtn_offerid = $o AND rtn_status = $s",
        ("$c", contact.ToString("D")), ("$o", offer.ToString("D")), ("$s", status));

    [Fact]
    public async Task Respond_ToAnExpiredOffer_Is409Not404()
    {
        using var app = new TestApp(fixture);
        using var client = app.KeyedClient();
        var (contact, offer) = await ProposedOfferAsync(app, client);
        OrgSql.Execute(app.DbPath, "UPDATE rtn_offerrecommendation SET rtn_status = $expired WHERE rtn_contactid = $c AND rtn_offerid = $o",
            ("$expired", RetentionInsights.Data.Metadata.Names.Choices.RecommendationExpired), ("$c", contact.ToString("D")), ("$o", offer.ToString("D")));

        var response = await client.PostAsync($"/api/customers/{contact}/offers/{offer}/response", Json("{\"response\":\"accepted\"}"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("expired", (await TestApp.ReadJsonAsync(response)).GetProperty("detail").GetString());
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    private static async Task<(Guid Contact, Guid Offer)> ProposedOfferAsync(TestApp app, HttpClient client)
    {
        foreach (var contact in DataProducer.ActiveContactsWithCases(app.DbPath, 20))
        {
            (await client.GetAsync($"/api/customers/{contact}/insights")).EnsureSuccessStatusCode();
            if (OrgSql.Scalar<string?>(app.DbPath, "SELECT rtn_offerid FROM rtn_offerrecommendation WHERE rtn_contactid = $c AND rtn_status = $p LIMIT 1",
                    ("$c", contact.ToString("D")), ("$p", RetentionInsights.Data.Metadata.Names.Choices.RecommendationProposed)) is { } offer)
                return (contact, Guid.Parse(offer));
        }
        throw new InvalidOperationException("No contact got an offer.");
    }
}
