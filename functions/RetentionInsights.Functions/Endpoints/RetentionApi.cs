using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Functions.Batch;
using RetentionInsights.Functions.Campaign;
using RetentionInsights.Functions.Configuration;
using RetentionInsights.Functions.Events;
using RetentionInsights.Functions.Http;
using RetentionInsights.Functions.Models;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Functions.Webhooks;

namespace RetentionInsights.Functions.Endpoints;

/// <summary>
/// The handlers behind the HTTP functions (routes in the service README). The [Function] classes (folder Functions/) and the local host
/// both call these, so Azure and <c>rtn serve</c> answer alike. Each handler turns HTTP into a service call and back; the
/// one exception rule is <see cref="HandlerGuard"/>.
/// </summary>
public sealed class RetentionApi(
    IRetentionStore store,
    CustomerRescorer rescorer,
    DataverseEventProcessor events,
    BatchRescoreCoordinator batches,
    ModelTrainingService training,
    IRescoreQueue queue,
    ICustomerScorer scorer,
    CampaignReportService campaign,
    IOptions<ServiceOptions> options,
    TimeProvider time,
    ILogger<RetentionApi> logger)
{
    public const int MaxTop = 1000;

    public Task<IActionResult> DataverseEventsAsync(HttpRequest request, CancellationToken ct) => Guard(request, async () =>
    {
        using var body = await BodyReader.ReadJsonAsync(request, options.Value.MaxEventBodyBytes, ct);
        var outcome = await events.ProcessAsync(body.RootElement, DataverseHeaders.From(request.Headers), ct);
        return JsonAnswer.Ok(outcome);
    });

    public Task<IActionResult> CustomerListAsync(HttpRequest request, CancellationToken ct) => Guard(request, async () =>
    {
        var top = 100;
        if (request.Query.TryGetValue("top", out var values))
        {
            if (!int.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out top) || top < 1 || top > MaxTop)
                throw RequestProblemException.BadRequest($"Query parameter 'top' must be a whole number from 1 to {MaxTop}; got '{values}'.");
        }
        var list = await store.ListCustomersAsync(top, ct);
        return JsonAnswer.Ok(new CustomerListResponse(list.Select(c => new CustomerListEntry(c.ContactId, c.FullName, c.ChurnProbability, c.RiskBand)).ToList()));
    });

    public Task<IActionResult> CustomerInsightsAsync(HttpRequest request, string id, CancellationToken ct) => Guard(request, async () =>
    {
        var contactId = ParseId(id, "id", "contact");
        // A live refresh (the Custom API's purpose): rescore first, unless the caller only wants what is stored.
        var refresh = !string.Equals(request.Query["refresh"], "false", StringComparison.OrdinalIgnoreCase);
        if (refresh)
            await rescorer.RescoreAsync(contactId, ct);
        var state = await store.ReadContactStateAsync(contactId, ct)
            ?? throw RequestProblemException.NotFound($"No contact with id {contactId}.");
        return JsonAnswer.Ok(InsightsView.From(state, time.GetUtcNow().UtcDateTime));
    });

    public Task<IActionResult> OfferResponseAsync(HttpRequest request, string id, string offerId, CancellationToken ct) => Guard(request, async () =>
    {
        var contactId = ParseId(id, "id", "contact");
        var offer = ParseId(offerId, "offerId", "offer");
        using var body = await BodyReader.ReadJsonAsync(request, options.Value.MaxJsonBodyBytes, ct);
        var (status, channel, correction) = OfferResponses.ParseAnswer(body.RootElement);

        // The answer and the rescore it causes are one step for this contact: no event or refresh reads in between.
        using var held = await rescorer.Locks.AcquireAsync([contactId], ct);
        var state = await store.ReadContactStateAsync(contactId, ct)
            ?? throw RequestProblemException.NotFound($"No contact with id {contactId}.");
        var recommendation = OfferResponses.Find(state, offer)
            ?? throw (await store.FindRecommendationAsync(contactId, offer, ct) is { Status: Names.Choices.RecommendationExpired }
                ? OfferResponses.Expired()
                : RequestProblemException.NotFound($"Contact {contactId} has no recommendation of offer {offer}."));
        if (OfferResponses.Refusal(recommendation, status, correction, time.GetUtcNow().UtcDateTime) is { } refusal)
            throw refusal;
        if (recommendation.Status != status)
        {
            await store.ApplyResponseAsync(new ResponseUpdate(recommendation.Id, status, channel, time.GetUtcNow().UtcDateTime), ct);
            // A decline starts the cooldown and an acceptance changes eligibility: refresh the top 3 now. Once the answer is stored
            // the refresh is finished even if the caller has gone, so the contact never shows an answer without its new top 3.
            await rescorer.RescoreLockedAsync([contactId], null, CancellationToken.None);
        }
        return JsonAnswer.Ok(new OfferResponseResult(recommendation.Id, status));
    });

    public Task<IActionResult> RescoreAsync(HttpRequest request, CancellationToken ct) => Guard(request, async () =>
    {
        var asOf = await RescoreRequest.ReadAsOfAsync(request, options.Value.MaxJsonBodyBytes, rescorer.AsOf, ct);
        var scoring = await rescorer.ScorerHealthAsync(ct);
        // Before the model's first training date it knows nothing (before the org's first customer a replay would even clear
        // every live score), so such a replay is refused and nothing is written.
        if (asOf is { } replay && scoring.LearnedFrom is { } earliest && replay < earliest.Date)
            throw RequestProblemException.BadRequest($"Field 'asOf' ({replay:yyyy-MM-dd}) is before the first date the scoring model learned from ({earliest:yyyy-MM-dd}); rescore as of that date or a later one.");
        // A batch that no model can score would report every contact done and score none of them.
        if (scoring is { Healthy: false, Loaded: null })
            throw new RetryLaterException("No model can score", $"{scoring.Reason} No batch was started.", DegradedRetryAfterSeconds);
        try
        {
            return JsonAnswer.Accepted(await batches.StartAsync(asOf, ct));
        }
        catch (BatchAlreadyRunningException e)
        {
            return new ProblemAnswer(StatusCodes.Status409Conflict, "Rescore already running",
                $"Batch {e.BatchId} is still running; follow it with GET /api/rescore/{e.BatchId} and start another when it has completed.");
        }
    });

    public Task<IActionResult> RescoreStatusAsync(HttpRequest request, string batchId, CancellationToken ct) => Guard(request, async () =>
    {
        if (batchId.Length > 64 || batchId.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-'))
            throw RequestProblemException.BadRequest("Route value 'batchId' must be the id returned by POST /api/rescore (letters, digits and '-').");
        var status = await batches.StatusAsync(batchId, ct)
            ?? throw RequestProblemException.NotFound($"No rescoring batch '{batchId}'.");
        return JsonAnswer.Ok(new { status.BatchId, status.Contacts, status.Chunks, status.CompletedChunks, status.ScoredContacts, status.Writes, status.Completed, status.AsOf });
    });

    public Task<IActionResult> ModelsTrainAsync(HttpRequest request) => Guard(request, async () =>
    {
        await TrainRequest.RequireNoParametersAsync(request, options.Value.MaxJsonBodyBytes, request.HttpContext.RequestAborted);
        var job = training.Start();
        return job.Started
            ? JsonAnswer.Accepted(job.Status)
            : new ProblemAnswer(StatusCodes.Status409Conflict, "Training already running", "A training run is in progress; GET /api/models shows its state.");
    });

    public Task<IActionResult> ModelsListAsync(HttpRequest request, CancellationToken ct) => Guard(request, async () =>
        JsonAnswer.Ok(await training.DescribeAsync(ct)));

    /// <summary>Seconds a monitor or load balancer waits before asking a degraded service again.</summary>
    public const int DegradedRetryAfterSeconds = 60;

    public Task<IActionResult> CampaignReportAsync(HttpRequest request, CancellationToken ct) => Guard(request, async () =>
        JsonAnswer.Ok(await campaign.BuildAsync(QueryDate(request, "from"), QueryDate(request, "to"), ct)));

    public Task<IActionResult> HealthAsync(HttpRequest request, CancellationToken ct) => Guard(request, async () =>
    {
        // 503 while no champion scores (nothing loadable, or a fallback): a monitor sees the outage instead of "ok".
        var scoring = await rescorer.ScorerHealthAsync(ct);
        var body = new
        {
            status = scoring.Healthy ? "ok" : "degraded",
            reason = scoring.Reason,
            store = store.Kind,
            queue = queue.Kind,
            championModel = scoring.Loaded ?? scoring.Champion ?? await scorer.GetChampionVersionAsync(ct),
            loadedModel = scoring.Loaded,
            version = typeof(RetentionApi).Assembly.GetName().Version?.ToString(),
        };
        if (scoring.Healthy)
            return JsonAnswer.Ok(body);
        return new JsonAnswer(StatusCodes.Status503ServiceUnavailable, body)
        {
            Headers = { ["Retry-After"] = DegradedRetryAfterSeconds.ToString(CultureInfo.InvariantCulture) },
        };
    });

    private Task<IActionResult> Guard(HttpRequest request, Func<Task<IActionResult>> handler) => HandlerGuard.RunAsync(request, logger, handler);

    private static Guid ParseId(string text, string name, string what) =>
        Guid.TryParse(text, out var id) && id != Guid.Empty
            ? id
            : throw RequestProblemException.BadRequest($"Route value '{name}' must be the {what}'s GUID (e.g. 3f2504e0-4f89-11d3-9a0c-0305e82c3301); got '{Shorten(text)}'.");

    private static DateTime? QueryDate(HttpRequest request, string name)
    {
        if (!request.Query.TryGetValue(name, out var values))
            return null;
        return DateTime.TryParseExact(values.ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date)
            && date.Year is >= 2000 and <= 2100
            ? date
            : throw RequestProblemException.BadRequest($"Query parameter '{name}' must be a date written yyyy-MM-dd (e.g. 2026-07-01); got '{Shorten(values.ToString())}'.");
    }

    internal static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}

/// <summary>The optional body of POST /api/rescore: {"asOf": "yyyy-MM-dd"} rescoring as of a past date (backfills, replays).</summary>
public static class RescoreRequest
{
    public static async Task<DateTime?> ReadAsOfAsync(HttpRequest request, int limit, DateTime today, CancellationToken ct)
    {
        BodyReader.RequireJson(request);
        var bytes = await BodyReader.ReadBoundedAsync(request, limit, ct);
        if (bytes.Length == 0)
            return null;
        using (var document = BodyReader.Parse(bytes))
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw RequestProblemException.BadRequest("The body must be empty or a JSON object like {\"asOf\": \"2026-11-01\"}.");
            // A member this route does not know is refused, not ignored: a caller who sends {"chunkSize": 50} would otherwise
            // believe it was applied.
            foreach (var member in root.EnumerateObject())
            {
                if (member.Name != "asOf")
                    throw RequestProblemException.BadRequest($"Unknown field '{RetentionApi.Shorten(member.Name)}': the body takes only 'asOf' (e.g. {{\"asOf\": \"2026-11-01\"}}).");
            }
            if (!root.TryGetProperty("asOf", out var value) || value.ValueKind == JsonValueKind.Null)
                return null;
            if (value.ValueKind == JsonValueKind.String
                && DateTime.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var asOf))
            {
                // Scores are written to the live contacts: a date after the service's own today would score a future nobody has
                // seen yet (every customer looks the same), so it is refused rather than written.
                if (asOf > today.Date)
                    throw RequestProblemException.BadRequest($"Field 'asOf' ({asOf:yyyy-MM-dd}) is after the service's scoring date ({today:yyyy-MM-dd}); rescore as of that date or an earlier one.");
                if (asOf.Year < 2000)
                    throw RequestProblemException.BadRequest($"Field 'asOf' ({asOf:yyyy-MM-dd}) is before 2000; rescore as of a date in the org's history.");
                return asOf;
            }
            throw RequestProblemException.BadRequest("Field 'asOf' must be a date written yyyy-MM-dd (e.g. \"2026-11-01\").");
        }
    }
}

/// <summary>POST /api/models/train takes no parameters: a body other than nothing or {} is refused rather than ignored.</summary>
public static class TrainRequest
{
    public static async Task RequireNoParametersAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        BodyReader.RequireJson(request);
        var bytes = await BodyReader.ReadBoundedAsync(request, limit, ct);
        if (bytes.Length == 0)
            return;
        using var document = BodyReader.Parse(bytes);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || root.EnumerateObject().Any())
            throw RequestProblemException.BadRequest("Training takes no parameters: send no body (or {}). GET /api/models shows the run and the model versions.");
    }
}
