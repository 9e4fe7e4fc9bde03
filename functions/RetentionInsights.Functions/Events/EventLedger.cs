using System.Text.Json;
using RetentionInsights.Functions.State;

namespace RetentionInsights.Functions.Events;

public enum LedgerClaim
{
    /// <summary>First delivery (or a retry after a failed/expired attempt): process it.</summary>
    Begun,
    /// <summary>Already processed: write nothing.</summary>
    Duplicate,
    /// <summary>Another delivery in this process is processing it right now (it records the outcome or releases the claim).</summary>
    InProgress,
    /// <summary>
    /// Claimed by another instance that may still be working on it, or by a holder we cannot identify: not processed now,
    /// and answered as retryable so the redelivery either finds it done or takes it over.
    /// </summary>
    HeldElsewhere,
}

/// <summary>
/// Persisted record of processed webhook events, so a redelivered event (Dataverse retries 502/503/504, admins re-run
/// failed system jobs) writes nothing twice. A claim names its holder (instance and process): a claim whose holder is
/// gone — a process of this instance that was killed, or one of this process that is no longer running — is taken over at
/// once, so the immediate redelivery after a crash is processed instead of waiting for the lease. A claim of another
/// instance is a lease: until it runs out the redelivery is told to retry (it may still be running there).
/// </summary>
public sealed class EventLedger(IStateStore store, TimeProvider time, string? holder = null)
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private const string Prefix = "events/";

    /// <summary>This process: a fresh token per start, so a restarted process never mistakes its predecessor's claims for its own.</summary>
    private static readonly string ProcessToken = $"{Environment.ProcessId}-{Guid.NewGuid():N}"[..24];

    /// <summary>Who holds the claims of this ledger: "instance/process". The instance is the Azure instance id or the machine.</summary>
    public string Holder { get; } = holder ?? $"{InstanceName}/{ProcessToken}";

    public static string InstanceName => Environment.GetEnvironmentVariable("WEBSITE_INSTANCE_ID") is { Length: > 0 } instance ? instance : Environment.MachineName;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _running = new(StringComparer.Ordinal);

    public async Task<(LedgerClaim Claim, string? Outcome)> TryBeginAsync(string eventKey, CancellationToken cancellationToken)
    {
        var key = Prefix + eventKey;
        var now = time.GetUtcNow().UtcDateTime;
        var claim = JsonSerializer.Serialize(new Entry("processing", now, null, Holder));
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await store.TryCreateAsync(key, claim, cancellationToken))
                return Begun(eventKey);
            var existing = await store.GetAsync(key, cancellationToken);
            if (existing is null)
                continue;
            var entry = JsonSerializer.Deserialize<Entry>(existing.Value)!;
            if (entry.State == "done")
                return (LedgerClaim.Duplicate, entry.Outcome);
            if (entry.State == "processing" && now - entry.At < Lease)
            {
                switch (HolderState(entry.Holder, eventKey))
                {
                    case Liveness.Running:
                        return (LedgerClaim.InProgress, null);
                    case Liveness.Unknown:
                        return (LedgerClaim.HeldElsewhere, null);
                }
            }
            // Failed, abandoned, expired, or its holder is gone: take it over, unless another delivery takes it over first.
            if (await store.TryReplaceAsync(key, claim, existing.Version, cancellationToken))
                return Begun(eventKey);
        }
        return (LedgerClaim.HeldElsewhere, null);
    }

    /// <summary>
    /// Records the outcome. With <paramref name="contactId"/> an index entry ties the event to the person, so an erasure
    /// (contact Delete, objection) finds and removes the person's entries without scanning the ledger; it is written before
    /// the outcome, in the same write (one commit on SQLite), so no recorded event of a person escapes the erasure.
    /// </summary>
    public Task CompleteAsync(string eventKey, string outcome, CancellationToken cancellationToken, Guid? contactId = null) =>
        FinishAsync(eventKey, new Entry("done", time.GetUtcNow().UtcDateTime, outcome, Holder), cancellationToken,
            contactId is { } id ? IndexKey(id, eventKey) : null);

    /// <summary>Removes an event's entry (the event that erased a person is not kept either; a redelivery erases again).</summary>
    public async Task RemoveAsync(string eventKey, CancellationToken cancellationToken)
    {
        try
        {
            await store.DeleteAsync(Prefix + eventKey, cancellationToken);
        }
        finally
        {
            _running.TryRemove(eventKey, out _);
        }
    }

    /// <summary>Removes every ledger entry recorded for the contact; returns how many events were forgotten.</summary>
    public async Task<int> ForgetContactAsync(Guid contactId, CancellationToken cancellationToken)
    {
        var prefix = $"{ContactPrefix}{contactId:N}/";
        var keys = await store.ListKeysAsync(prefix, cancellationToken);
        foreach (var key in keys)
        {
            await store.DeleteAsync(Prefix + key[prefix.Length..], cancellationToken);
            await store.DeleteAsync(key, cancellationToken);
        }
        return keys.Count;
    }

    private const string ContactPrefix = "event-contacts/";

    private static string IndexKey(Guid contactId, string eventKey) => $"{ContactPrefix}{contactId:N}/{eventKey}";

    /// <summary>Releases the claim after a failure so the redelivery Dataverse makes can process the event.</summary>
    public Task AbandonAsync(string eventKey, CancellationToken cancellationToken) =>
        FinishAsync(eventKey, new Entry("failed", time.GetUtcNow().UtcDateTime, null, Holder), cancellationToken);

    private (LedgerClaim, string?) Begun(string eventKey)
    {
        _running[eventKey] = 0;
        return (LedgerClaim.Begun, null);
    }

    /// <summary>
    /// Writes the entry's final state (and <paramref name="indexKey"/> first) whatever the entry holds now: the holder of a
    /// claim records what it did even if a takeover after the lease rewrote the claim meanwhile, as the last writer.
    /// </summary>
    private async Task FinishAsync(string eventKey, Entry entry, CancellationToken cancellationToken, string? indexKey = null)
    {
        try
        {
            var entryDocument = new KeyValuePair<string, string>(Prefix + eventKey, JsonSerializer.Serialize(entry));
            await store.PutAsync(indexKey is null ? [entryDocument] : [new(indexKey, "{}"), entryDocument], cancellationToken);
        }
        finally
        {
            _running.TryRemove(eventKey, out _);
        }
    }

    private enum Liveness { Running, Gone, Unknown }

    private Liveness HolderState(string? claimHolder, string eventKey)
    {
        if (claimHolder is null)
            return Liveness.Unknown; // a claim written by an older version: its holder cannot be told apart
        if (claimHolder == Holder)
            return _running.ContainsKey(eventKey) ? Liveness.Running : Liveness.Gone;
        // Same instance, another process: one worker process runs per instance, so that process has ended (killed or restarted).
        return InstanceOf(claimHolder) == InstanceOf(Holder) ? Liveness.Gone : Liveness.Unknown;
    }

    private static string InstanceOf(string holder) => holder.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? holder[..slash] : holder;

    private sealed record Entry(string State, DateTime At, string? Outcome, string? Holder = null);
}
