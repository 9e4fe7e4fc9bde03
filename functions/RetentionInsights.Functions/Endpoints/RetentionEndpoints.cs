using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Functions.Batch;
using RetentionInsights.Functions.Configuration;
using RetentionInsights.Functions.Events;
using RetentionInsights.Functions.Http;
using RetentionInsights.Functions.Models;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.Security;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Functions.Webhooks;

namespace RetentionInsights.Functions.Endpoints;

/// <summary>
/// The routes of DESIGN.md §7. Each endpoint name is the Azure Functions function name (the folder holding its
/// function.json); a test keeps both sides in step. Handlers only translate HTTP to a service call and back.
/// </summary>
public static class RetentionEndpoints
{
    public const int MaxTop = 1000;

    public static IEndpointRouteBuilder MapRetentionEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapPost("/dataverse/events", DataverseEvents).WithName("DataverseEvents");
        api.MapGet("/customers", CustomerList).WithName("CustomerList");
        api.MapGet("/customers/{id}/insights", CustomerInsights).WithName("CustomerInsights");
        api.MapPost("/customers/{id}/offers/{offerId}/response", OfferResponse).WithName("OfferResponse");
        api.MapPost("/rescore", Rescore).WithName("Rescore");
        api.MapGet("/rescore/{batchId}", RescoreStatus).WithName("RescoreStatus");
        api.MapPost("/models/train", ModelsTrain).WithName("ModelsTrain");
        api.MapGet("/models", ModelsList).WithName("ModelsList");
        api.MapGet("/health", Health).WithName("Health");

        // Custom-handler invocations of the non-HTTP functions: the host POSTs {"Data":…,"Metadata":…} to /<FunctionName>.
        app.MapPost("/NightlyRescore", NightlyRescore).WithName("NightlyRescore").WithMetadata(new HostInvocationMetadata());
        app.MapPost("/WeeklyTrain", WeeklyTrain).WithName("WeeklyTrain").WithMetadata(new HostInvocationMetadata());
        app.MapPost("/RescoreChunk", RescoreChunk).WithName("RescoreChunk").WithMetadata(new HostInvocationMetadata());
        return app;
    }

    private static async Task<IResult> DataverseEvents(HttpRequest request, DataverseEventProcessor processor, IOptions<ServiceOptions> options, CancellationToken ct)
    {
        using var body = await BodyReader.ReadJsonAsync(request, options.Value.MaxEventBodyBytes, ct);
        var outcome = await processor.ProcessAsync(body.RootElement, DataverseHeaders.From(request.Headers), ct);
        return Results.Ok(outcome);
    }

    private static async Task<IResult> CustomerList(HttpRequest request, IRetentionStore store, CancellationToken ct)
    {
        var top = 100;
        if (request.Query.TryGetValue("top", out var values))
        {
            if (!int.TryParse(values.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out top) || top < 1 || top > MaxTop)
                throw RequestProblemException.BadRequest($"Query parameter 'top' must be a whole number from 1 to {MaxTop}; got '{values}'.");
        }
        var list = await store.ListCustomersAsync(top, ct);
        return Results.Ok(new CustomerListResponse(list.Select(c => new CustomerListEntry(c.ContactId, c.FullName, c.ChurnProbability, c.RiskBand)).ToList()));
    }

    private static async Task<IResult> CustomerInsights(string id, HttpRequest request, IRetentionStore store, CustomerRescorer rescorer, TimeProvider time, CancellationToken ct)
    {
        var contactId = ParseId(id, "id", "contact");
        // A live refresh (the Custom API's purpose): rescore first, unless the caller only wants what is stored.
        var refresh = !string.Equals(request.Query["refresh"], "false", StringComparison.OrdinalIgnoreCase);
        if (refresh)
            await rescorer.RescoreAsync(contactId, ct);
        var state = await store.ReadContactStateAsync(contactId, ct)
            ?? throw RequestProblemException.NotFound($"No contact with id {contactId}.");
        return Results.Ok(InsightsView.From(state, time.GetUtcNow().UtcDateTime));
    }

    private static async Task<IResult> OfferResponse(string id, string offerId, HttpRequest request, IRetentionStore store, CustomerRescorer rescorer,
        IOptions<ServiceOptions> options, TimeProvider time, CancellationToken ct)
    {
        var contactId = ParseId(id, "id", "contact");
        var offer = ParseId(offerId, "offerId", "offer");
        using var body = await BodyReader.ReadJsonAsync(request, options.Value.MaxJsonBodyBytes, ct);
        var (status, channel) = OfferResponses.Parse(body.RootElement);

        var state = await store.ReadContactStateAsync(contactId, ct)
            ?? throw RequestProblemException.NotFound($"No contact with id {contactId}.");
        var recommendation = OfferResponses.Find(state, offer)
            ?? throw RequestProblemException.NotFound($"Contact {contactId} has no recommendation of offer {offer}.");
        if (recommendation.Status == Names.Choices.RecommendationExpired)
            throw new RequestProblemException(StatusCodes.Status409Conflict, "Offer no longer proposed",
                "This recommendation expired (a newer score replaced it). Reload the insights and respond to a current offer.");
        if (recommendation.Status != status)
        {
            await store.ApplyResponseAsync(new ResponseUpdate(recommendation.Id, status, channel, time.GetUtcNow().UtcDateTime), ct);
            // A decline starts the cooldown and an acceptance changes eligibility: refresh the top 3 now.
            await rescorer.RescoreAsync(contactId, ct);
        }
        return Results.Ok(new OfferResponseResult(recommendation.Id, status));
    }

    private static async Task<IResult> Rescore(BatchRescoreCoordinator coordinator, CancellationToken ct)
    {
        var started = await coordinator.StartAsync(ct);
        return Results.Accepted(value: started);
    }

    private static async Task<IResult> RescoreStatus(string batchId, BatchRescoreCoordinator coordinator, CancellationToken ct)
    {
        if (batchId.Length > 64 || batchId.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-'))
            throw RequestProblemException.BadRequest("Route value 'batchId' must be the id returned by POST /api/rescore (letters, digits and '-').");
        var status = await coordinator.StatusAsync(batchId, ct)
            ?? throw RequestProblemException.NotFound($"No rescoring batch '{batchId}'.");
        return Results.Ok(new { status.BatchId, status.Contacts, status.Chunks, status.CompletedChunks, status.ScoredContacts, status.Writes, status.Completed });
    }

    private static IResult ModelsTrain(ModelTrainingService training)
    {
        var job = training.Start();
        return job.Started
            ? Results.Accepted(value: job.Status)
            : Problems.Result(StatusCodes.Status409Conflict, "Training already running", "A training run is in progress; GET /api/models shows its state.");
    }

    private static async Task<IResult> ModelsList(ModelTrainingService training, CancellationToken ct) =>
        Results.Ok(await training.DescribeAsync(ct));

    private static async Task<IResult> Health(IRetentionStore store, IRescoreQueue queue, ICustomerScorer scorer, CancellationToken ct) =>
        Results.Ok(new
        {
            status = "ok",
            store = store.Kind,
            queue = queue.Kind,
            championModel = await scorer.GetChampionVersionAsync(ct),
            version = typeof(RetentionEndpoints).Assembly.GetName().Version?.ToString(),
        });

    private static async Task<IResult> NightlyRescore(HttpRequest request, BatchRescoreCoordinator coordinator, IOptions<ServiceOptions> options, CancellationToken ct)
    {
        using var _ = await InvocationPayload.ReadAsync(request, options.Value.MaxJsonBodyBytes, ct);
        var logs = new List<string>();
        foreach (var unfinished in await coordinator.UnfinishedBatchesAsync(ct))
            logs.Add($"resumed batch {unfinished}: {await coordinator.ResumeAsync(unfinished, ct)} chunk(s) re-queued");
        var started = await coordinator.StartAsync(ct);
        logs.Add($"started batch {started.BatchId}: {started.Contacts} contacts in {started.Chunks} chunks");
        return Results.Ok(InvocationPayload.Response(logs, started));
    }

    private static async Task<IResult> WeeklyTrain(HttpRequest request, ModelTrainingService training, IOptions<ServiceOptions> options, CancellationToken ct)
    {
        using var _ = await InvocationPayload.ReadAsync(request, options.Value.MaxJsonBodyBytes, ct);
        var status = await training.RunAsync(ct);
        return Results.Ok(InvocationPayload.Response([$"training {status.State}: {status.Detail}"], status));
    }

    private static async Task<IResult> RescoreChunk(HttpRequest request, BatchRescoreCoordinator coordinator, IOptions<ServiceOptions> options, CancellationToken ct)
    {
        using var payload = await InvocationPayload.ReadAsync(request, options.Value.MaxJsonBodyBytes, ct);
        var message = InvocationPayload.QueueMessage(payload.RootElement, "chunk");
        ChunkMessage chunk;
        try
        {
            chunk = ChunkMessage.Parse(message);
        }
        catch (FormatException e)
        {
            throw RequestProblemException.BadRequest(e.Message);
        }
        ChunkResult result;
        try
        {
            result = await coordinator.ProcessChunkAsync(chunk, ct);
        }
        catch (InvalidDataException e)
        {
            throw new RequestProblemException(StatusCodes.Status422UnprocessableEntity, "Unknown chunk", e.Message);
        }
        return Results.Ok(InvocationPayload.Response([$"chunk {result.Chunk} of {result.BatchId}: {result.Rescored} rescored, {result.Writes} writes"], result));
    }

    private static Guid ParseId(string text, string name, string what) =>
        Guid.TryParse(text, out var id) && id != Guid.Empty
            ? id
            : throw RequestProblemException.BadRequest($"Route value '{name}' must be the {what}'s GUID (e.g. 3f2504e0-4f89-11d3-9a0c-0305e82c3301); got '{Shorten(text)}'.");

    internal static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
