using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RetentionInsights.Data.Records;
using RetentionInsights.Functions.Configuration;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Functions.Telemetry;
using RetentionInsights.Scoring;

namespace RetentionInsights.Functions.Scoring;

/// <summary>What one rescore did for one contact; <see cref="Outcome"/> is the engine's answer (null when not scored).
/// <see cref="NoModel"/>: the contact could be scored but no model was loadable (the service is degraded; retry later).</summary>
public sealed record RescoreResult(Guid ContactId, bool Found, bool Scored, int Writes, string? ModelVersion, ScoringOutcome? Outcome = null,
    bool NoModel = false);

/// <summary>
/// The one scoring pipeline: load → score with the champion → decide offers and alerts → write only what changed. Webhook
/// events, batch chunks, offer responses, live refreshes and <c>rtn score</c> all call it, on the local org or Dataverse.
/// </summary>
public sealed class CustomerRescorer(IRetentionStore store, ICustomerScorer scorer, IOptions<ServiceOptions> options, TimeProvider time,
    ILogger<CustomerRescorer> logger)
{
    // The catalogue changes a few times a year; reading it for every event would double the reads of a webhook.
    private readonly OfferCatalogueCache _catalogue = new(store.LoadOfferCatalogueAsync, time);

    /// <summary>The "today" of scoring: the configured as-of date (generated orgs end on a fixed date) or now.</summary>
    public DateTime AsOf => options.Value.AsOf ?? time.GetUtcNow().UtcDateTime;

    public async Task<RescoreResult> RescoreAsync(Guid contactId, CancellationToken cancellationToken) =>
        (await RescoreManyAsync([contactId], null, cancellationToken)).Single();

    /// <summary>The per-contact locks every read → diff → write of this process holds (see <see cref="ContactLocks"/>).</summary>
    public ContactLocks Locks { get; } = new();

    /// <summary>
    /// Rescores <paramref name="contactIds"/> as of <paramref name="asOf"/> (default: <see cref="AsOf"/>), with the champion or,
    /// for a batch, the <paramref name="modelVersion"/> it started with (see <see cref="ICustomerScorer.ScoreAsync"/>).
    /// </summary>
    public async Task<IReadOnlyList<RescoreResult>> RescoreManyAsync(IReadOnlyList<Guid> contactIds, DateTime? asOf, CancellationToken cancellationToken,
        string? modelVersion = null)
    {
        IDisposable held;
        using (ServiceTelemetry.Source.StartActivity(ServiceTelemetry.Stages.Lock))
            held = await Locks.AcquireAsync(contactIds, cancellationToken);
        using (held)
            return await RescoreLockedAsync(contactIds, asOf, cancellationToken, modelVersion);
    }

    /// <summary>The version that scores now: what a batch records when it starts and keeps to the end.</summary>
    public Task<string?> ModelVersionAsync(CancellationToken cancellationToken) => scorer.GetChampionVersionAsync(cancellationToken);

    /// <summary>
    /// The rescore itself, for a caller that already holds the locks of <paramref name="contactIds"/> (an offer response
    /// records the answer and rescores under one lock, so no event reads the state in between).
    /// </summary>
    public async Task<IReadOnlyList<RescoreResult>> RescoreLockedAsync(IReadOnlyList<Guid> contactIds, DateTime? asOf, CancellationToken cancellationToken,
        string? modelVersion = null)
    {
        using var activity = ServiceTelemetry.Source.StartActivity("rescore");
        activity?.SetTag("rtn.contacts", contactIds.Count);
        Dictionary<Guid, CustomerHistory> histories;
        using (ServiceTelemetry.Source.StartActivity(ServiceTelemetry.Stages.Load))
            histories = (await store.LoadCustomersAsync(contactIds, cancellationToken)).ToDictionary(h => h.Contact.Id);
        Dictionary<Guid, ContactState> states;
        using (ServiceTelemetry.Source.StartActivity(ServiceTelemetry.Stages.State))
            states = (await store.ReadContactStatesAsync(contactIds, cancellationToken)).ToDictionary(s => s.ContactId);
        var catalogue = await CatalogueAsync(cancellationToken);
        var scoredAsOf = asOf ?? AsOf;
        var now = time.GetUtcNow().UtcDateTime;

        var scorable = contactIds.Where(id => histories.ContainsKey(id) && states.TryGetValue(id, out var s) && !s.ProfilingOptOut).ToList();
        IReadOnlyList<ScoringOutcome?> outcomes;
        using (ServiceTelemetry.Source.StartActivity(ServiceTelemetry.Stages.Score))
            outcomes = await scorer.ScoreAsync(scorable.Select(id => histories[id]).ToList(), catalogue, scoredAsOf,
                // What this pipeline writes is the live state: every answer already stored counts, even when scores are pinned to
                // an earlier date (a generated org's end date), or an offer accepted a minute ago would be proposed again.
                answersKnownAt: now, cancellationToken, modelVersion);
        var outcomeOf = new Dictionary<Guid, ScoringOutcome?>(scorable.Count);
        for (var i = 0; i < scorable.Count; i++)
            outcomeOf[scorable[i]] = outcomes[i];

        var results = new List<RescoreResult>(contactIds.Count);
        var changes = new List<ChangeSet>(contactIds.Count);
        using (ServiceTelemetry.Source.StartActivity(ServiceTelemetry.Stages.Diff))
        {
            foreach (var id in contactIds)
            {
                if (!histories.ContainsKey(id) || !states.TryGetValue(id, out var state))
                {
                    results.Add(new RescoreResult(id, false, false, 0, null));
                    continue;
                }
                var outcome = outcomeOf.GetValueOrDefault(id);
                var change = ChangeDetector.Diff(state, outcome, now);
                changes.Add(change);
                results.Add(new RescoreResult(id, true, outcome?.Status == ScoreStatus.Scored, change.WriteCount, outcome?.Scores.ModelVersion, outcome,
                    NoModel: outcome is null && !state.ProfilingOptOut));
            }
        }

        int writes;
        using (ServiceTelemetry.Source.StartActivity(ServiceTelemetry.Stages.Write))
            writes = await store.ApplyAsync(changes, cancellationToken);
        activity?.SetTag("rtn.writes", writes);
        logger.LogDebug("Rescored {Contacts} contacts with {Changed} changed and {Writes} writes", contactIds.Count,
            changes.Count(c => !c.IsEmpty), writes);
        return results;
    }

    /// <summary>
    /// Every contact of the store, in chunks (<c>rtn score</c>, the nightly run, and the parity check against a service batch).
    /// As of a past date every contact is passed: who was a customer then is the engine's decision from dated records, not
    /// today's status. As many chunks run at a time as there are cores, so one chunk is scored while another reads or writes;
    /// chunks hold disjoint contacts, each contact's outcome depends on its own rows only, and the results come back in
    /// contact order whatever order the chunks finished in. Every chunk scores with the model that scored when the run started,
    /// even if another is promoted meanwhile. The store serialises the writes (one SQLite writer; Dataverse
    /// bounds its requests in flight). Without <paramref name="keepOutcomes"/> the results carry no <see cref="RescoreResult.Outcome"/>:
    /// a caller that only counts (the nightly run) does not hold every contact's scores, offers and reasons until the end.
    /// </summary>
    public async Task<IReadOnlyList<RescoreResult>> RescoreAllAsync(DateTime? asOf, Action<int, int>? progress, CancellationToken cancellationToken,
        bool keepOutcomes = true)
    {
        var ids = await store.ListContactIdsAsync(activeOnly: false, cancellationToken);
        var chunks = ids.Chunk(Math.Max(1, options.Value.ChunkSize)).ToList();
        var version = await ModelVersionAsync(cancellationToken);
        var results = new IReadOnlyList<RescoreResult>[chunks.Count];
        var done = 0;
        await Parallel.ForAsync(0, chunks.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var chunk = await RescoreManyAsync(chunks[i], asOf, ct, version);
                results[i] = keepOutcomes ? chunk : chunk.Select(r => r with { Outcome = null }).ToList();
                progress?.Invoke(Interlocked.Add(ref done, chunks[i].Length), ids.Count);
            });
        return results.SelectMany(r => r).ToList();
    }

    /// <summary>Whether the champion model is what scores (for /api/health and retryable answers).</summary>
    public async Task<ScorerHealth> ScorerHealthAsync(CancellationToken cancellationToken) =>
        await scorer.GetHealthAsync(await CatalogueAsync(cancellationToken), cancellationToken);

    private Task<IReadOnlyList<OfferRecord>> CatalogueAsync(CancellationToken cancellationToken) => _catalogue.ListAsync(cancellationToken);
}
