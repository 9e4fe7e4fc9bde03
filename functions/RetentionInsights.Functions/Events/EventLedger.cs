using System.Text.Json;
using RetentionInsights.Functions.State;

namespace RetentionInsights.Functions.Events;

public enum LedgerClaim
{
    /// <summary>First delivery (or a retry after a failed/expired attempt): process it.</summary>
    Begun,
    /// <summary>Already processed: write nothing.</summary>
    Duplicate,
    /// <summary>Another delivery is processing it right now.</summary>
    InProgress,
}

/// <summary>
/// Persisted record of processed webhook events, so a redelivered event (Dataverse retries 502/503/504, admins re-run
/// failed system jobs) writes nothing twice. A claim is a lease: a worker that dies mid-event does not block the event
/// forever; after the lease a redelivery may process it again.
/// </summary>
public sealed class EventLedger(IStateStore store, TimeProvider time)
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private const string Prefix = "events/";

    public async Task<(LedgerClaim Claim, string? Outcome)> TryBeginAsync(string eventKey, CancellationToken cancellationToken)
    {
        var key = Prefix + eventKey;
        var now = time.GetUtcNow().UtcDateTime;
        var claim = JsonSerializer.Serialize(new Entry("processing", now, null));
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await store.TryCreateAsync(key, claim, cancellationToken))
                return (LedgerClaim.Begun, null);
            var existing = await store.GetAsync(key, cancellationToken);
            if (existing is null)
                continue;
            var entry = JsonSerializer.Deserialize<Entry>(existing.Value)!;
            if (entry.State == "done")
                return (LedgerClaim.Duplicate, entry.Outcome);
            if (entry.State == "processing" && now - entry.At < Lease)
                return (LedgerClaim.InProgress, null);
            // Failed or abandoned: take it over, unless another delivery takes it over first.
            if (await store.TryReplaceAsync(key, claim, existing.Version, cancellationToken))
                return (LedgerClaim.Begun, null);
        }
        return (LedgerClaim.InProgress, null);
    }

    public Task CompleteAsync(string eventKey, string outcome, CancellationToken cancellationToken) =>
        SetAsync(eventKey, new Entry("done", time.GetUtcNow().UtcDateTime, outcome), cancellationToken);

    /// <summary>Releases the claim after a failure so the redelivery Dataverse makes can process the event.</summary>
    public Task AbandonAsync(string eventKey, CancellationToken cancellationToken) =>
        SetAsync(eventKey, new Entry("failed", time.GetUtcNow().UtcDateTime, null), cancellationToken);

    private async Task SetAsync(string eventKey, Entry entry, CancellationToken cancellationToken)
    {
        var key = Prefix + eventKey;
        var value = JsonSerializer.Serialize(entry);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var existing = await store.GetAsync(key, cancellationToken);
            if (existing is null ? await store.TryCreateAsync(key, value, cancellationToken)
                                 : await store.TryReplaceAsync(key, value, existing.Version, cancellationToken))
                return;
        }
        throw new InvalidOperationException($"Could not record the outcome of event {eventKey}; another worker keeps changing it.");
    }

    private sealed record Entry(string State, DateTime At, string? Outcome);
}
