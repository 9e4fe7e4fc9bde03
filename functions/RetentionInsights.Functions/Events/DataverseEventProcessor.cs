using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RetentionInsights.Functions.Configuration;
using RetentionInsights.Functions.Http;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Functions.Telemetry;
using RetentionInsights.Functions.Webhooks;

namespace RetentionInsights.Functions.Events;

/// <summary>What happened to one webhook event; returned to the caller as JSON (Dataverse only reads the status).</summary>
public sealed record EventOutcome(string Status, Guid? ContactId, int Writes, string Detail, string EventKey);

/// <summary>
/// POST /api/dataverse/events: parse → check origin → wait for a slot (<see cref="EventAdmission"/>) → claim in the ledger →
/// resolve the customer → rescore → record. A failure releases the claim and surfaces as 503, the one status Dataverse retries once.
/// </summary>
public sealed class DataverseEventProcessor(
    IRetentionStore store,
    CustomerRescorer rescorer,
    EventLedger ledger,
    EventAdmission admission,
    IOptions<ServiceOptions> options,
    ILogger<DataverseEventProcessor> logger)
{
    /// <summary>Retry-After when another instance holds the event's claim: long enough for a rescore to finish there.</summary>
    public const int ClaimRetryAfterSeconds = 5;

    /// <summary>Retry-After when no model can be loaded: Dataverse retries once, and a promotion is picked up within a minute.</summary>
    public const int NoModelRetryAfterSeconds = 60;

    public async Task<EventOutcome> ProcessAsync(JsonElement body, DataverseHeaders headers, CancellationToken cancellationToken)
    {
        DataverseEvent evt;
        try
        {
            evt = RemoteExecutionContextParser.Parse(body);
        }
        catch (WebhookFormatException e)
        {
            throw RequestProblemException.BadRequest($"The body is not a Dataverse RemoteExecutionContext: {e.Message}");
        }

        CheckOrigin(evt, headers);
        using var activity = ServiceTelemetry.Source.StartActivity(ServiceTelemetry.Stages.Event);
        activity?.SetTag("rtn.message", evt.MessageName);
        activity?.SetTag("rtn.entity", evt.PrimaryEntityName);
        activity?.SetTag("rtn.correlation", evt.CorrelationId);

        var key = evt.IdempotencyKey;
        if (!EventCustomerResolver.IsSupported(evt.PrimaryEntityName))
            return new EventOutcome("ignored", null, 0, $"{evt.PrimaryEntityName} events do not affect scores.", key);

        // In line from here to the recorded outcome: the ledger's commits and the rescore are this instance's CPU work.
        EventAdmission.Slot slot;
        using (ServiceTelemetry.Source.StartActivity(ServiceTelemetry.Stages.Admission))
            slot = await admission.EnterAsync(cancellationToken);
        using var admitted = slot;
        LedgerClaim claim;
        string? previous;
        using (ServiceTelemetry.Source.StartActivity(ServiceTelemetry.Stages.LedgerClaim))
            (claim, previous) = await ledger.TryBeginAsync(key, cancellationToken);
        if (claim == LedgerClaim.Duplicate)
        {
            logger.LogInformation("Event {EventKey} was already processed; nothing written", key);
            return new EventOutcome("duplicate", null, 0, previous ?? "already processed", key);
        }
        if (claim == LedgerClaim.InProgress)
            return new EventOutcome("in-progress", null, 0, "Another delivery of this event is being processed by this instance.", key);
        if (claim == LedgerClaim.HeldElsewhere)
            throw new RetryLaterException("Event held by another instance",
                "Another instance claimed this event and may still be processing it; retry shortly (a finished event answers 'duplicate').",
                ClaimRetryAfterSeconds);

        try
        {
            var customer = await EventCustomerResolver.ResolveAsync(evt, headers.SizeExceeded, store, cancellationToken);
            if (customer.ContactId is not { } contactId)
            {
                logger.LogInformation("Event {EventKey} on {Entity} skipped: {Reason}", key, evt.PrimaryEntityName, customer.Source);
                await ledger.CompleteAsync(key, "skipped: " + customer.Source, cancellationToken);
                return new EventOutcome("skipped", null, 0, customer.Source, key);
            }

            if (evt.PrimaryEntityName == "contact" && evt.MessageName == "Delete")
                return await EraseAsync(contactId, key, "The contact was deleted", cancellationToken);

            var result = await rescorer.RescoreAsync(contactId, cancellationToken);
            if (result.NoModel)
            {
                // Not the contact's fault: no model can be loaded. A retryable answer keeps the event alive for Dataverse
                // instead of a 200 that would drop it; health says why.
                await ledger.AbandonAsync(key, cancellationToken);
                var health = await rescorer.ScorerHealthAsync(cancellationToken);
                logger.LogWarning("Event {EventKey} not scored: no model can be loaded", key);
                throw new RetryLaterException("No model can score this event", health.Reason ?? "No champion model can be loaded.", NoModelRetryAfterSeconds);
            }
            var status = !result.Found ? "not-found" : !result.Scored ? "not-scored" : result.Writes > 0 ? "scored" : "unchanged";
            var detail = !result.Found ? "The contact does not exist (deleted or not yet visible)."
                : !result.Scored ? $"Not scored ({result.Outcome?.Status.ToString() ?? "the contact objected to profiling"}); stored scores were cleared where that applies."
                : $"Customer from {customer.Source}; {result.Writes} write(s).";
            if (result.Found && result.Outcome is null)
            {
                // An objection to profiling: the rescore removed the profiling output; the service's own entries go too.
                await ledger.ForgetContactAsync(contactId, cancellationToken);
                await ledger.RemoveAsync(key, cancellationToken);
                return new EventOutcome(status, contactId, result.Writes, detail, key);
            }
            using (ServiceTelemetry.Source.StartActivity(ServiceTelemetry.Stages.LedgerComplete))
                await ledger.CompleteAsync(key, $"{status}: {result.Writes} write(s)", cancellationToken, contactId);

            logger.LogInformation("Event {EventKey} {Message} {Entity} for contact {ContactId}: {Status} with {Writes} writes",
                key, evt.MessageName, evt.PrimaryEntityName, contactId, status, result.Writes);
            activity?.SetTag("rtn.status", status);
            return new EventOutcome(status, contactId, result.Writes, detail, key);
        }
        catch
        {
            await ledger.AbandonAsync(key, CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Removes everything derived from the person: offer and alert rows, scores (store), and the ledger's entries for the
    /// contact, this event's included. Under the contact's lock, so no rescore running beside it writes rows back.
    /// </summary>
    private async Task<EventOutcome> EraseAsync(Guid contactId, string key, string why, CancellationToken cancellationToken)
    {
        int writes;
        using (await rescorer.Locks.AcquireAsync([contactId], cancellationToken))
            writes = await store.EraseContactAsync(contactId, cancellationToken);
        var forgotten = await ledger.ForgetContactAsync(contactId, cancellationToken);
        await ledger.RemoveAsync(key, cancellationToken);
        logger.LogInformation("Event {EventKey}: erased data derived from contact {ContactId} ({Writes} writes, {Events} ledger entries)",
            key, contactId, writes, forgotten);
        return new EventOutcome("erased", contactId, writes, $"{why}: its scores, offers, alerts and event records were removed.", key);
    }

    private void CheckOrigin(DataverseEvent evt, DataverseHeaders headers)
    {
        if (headers.EntityName is { } entity && !string.Equals(entity, evt.PrimaryEntityName, StringComparison.OrdinalIgnoreCase))
            throw RequestProblemException.BadRequest(
                $"Header x-ms-dynamics-entity-name '{entity}' does not match PrimaryEntityName '{evt.PrimaryEntityName}' of the body.");
        var allowed = options.Value.AllowedOrganizations;
        if (allowed.Count > 0 && (headers.Organization is null || !allowed.Contains(headers.Organization, StringComparer.OrdinalIgnoreCase)))
            throw new RequestProblemException(403, "Organization not allowed",
                "The x-ms-dynamics-organization of this request is not in Retention:AllowedOrganizations.");
    }
}
