using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RetentionInsights.Functions.Configuration;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.State;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Functions.Telemetry;

namespace RetentionInsights.Functions.Batch;

public sealed record BatchStarted(string BatchId, int Contacts, int Chunks, string Queue);

/// <summary>A batch is still running: one full rescore at a time (two would read and write every contact twice).</summary>
public sealed class BatchAlreadyRunningException(string batchId) : Exception($"Batch {batchId} is still running.")
{
    public string BatchId { get; } = batchId;
}

public sealed record BatchStatus(string BatchId, int Contacts, int Chunks, int CompletedChunks, int ScoredContacts, int Writes, DateTime? AsOf)
{
    public bool Completed => CompletedChunks == Chunks;
}

/// <summary>What a chunk processor did with one message.</summary>
public sealed record ChunkResult(string BatchId, int Chunk, int Rescored, int Writes, bool AlreadyComplete);

/// <summary>
/// Nightly rescoring as a fan-out: the active contacts are split into chunks, each chunk is checkpointed in the state
/// store and announced on the queue. A chunk records its progress every few contacts, so a worker that crashes resumes
/// from the last checkpoint when the message comes back: nothing is lost and at most one checkpoint's worth is rescored
/// twice (harmless: writes are change-only). Dataverse reads are per chunk, never per contact.
/// </summary>
public sealed class BatchRescoreCoordinator(
    IRetentionStore store,
    CustomerRescorer rescorer,
    IStateStore state,
    IRescoreQueue queue,
    IOptions<ServiceOptions> options,
    TimeProvider time,
    ILogger<BatchRescoreCoordinator> logger)
{
    private const string Prefix = "batches/";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Starts a batch over the active contacts, or — with <paramref name="asOf"/>, a backfill or replay as of a past date — over
    /// every contact: who was a customer then is decided by the engine from the dated records, not by today's status.
    /// </summary>
    public async Task<BatchStarted> StartAsync(DateTime? asOf, CancellationToken cancellationToken)
    {
        using var activity = ServiceTelemetry.Source.StartActivity("batch.start");
        var batchId = $"{time.GetUtcNow().UtcDateTime:yyyyMMdd'T'HHmmss}-{Guid.NewGuid():N}"[..24];
        await ClaimSingleFlightAsync(batchId, cancellationToken);
        var ids = await store.ListContactIdsAsync(activeOnly: asOf is null, cancellationToken);
        var size = Math.Max(1, options.Value.ChunkSize);
        var chunks = ids.Chunk(size).ToList();
        // Checkpoints first, then the manifest, then messages: a crash before the manifest leaves nothing that a resume
        // would pick up half-way, and every announced chunk already has its checkpoint.
        for (var i = 0; i < chunks.Count; i++)
            await state.TryCreateAsync(ChunkKey(batchId, i), JsonSerializer.Serialize(new ChunkState(chunks[i], 0, 0, false), Json), cancellationToken);
        await state.TryCreateAsync(ManifestKey(batchId),
            JsonSerializer.Serialize(new Manifest(batchId, ids.Count, chunks.Count, time.GetUtcNow().UtcDateTime, asOf)
            {
                ModelVersion = await rescorer.ModelVersionAsync(cancellationToken),
            }, Json), cancellationToken);
        for (var i = 0; i < chunks.Count; i++)
            await queue.EnqueueAsync(new ChunkMessage(batchId, i), cancellationToken);
        activity?.SetTag("rtn.contacts", ids.Count);
        logger.LogInformation("Batch {BatchId}: {Contacts} active contacts in {Chunks} chunks on the {Queue} queue", batchId, ids.Count, chunks.Count, queue.Kind);
        return new BatchStarted(batchId, ids.Count, chunks.Count, queue.Kind);
    }

    /// <summary>
    /// The nightly timer: re-announce what earlier batches left unfinished, then start tonight's batch — unless one is still
    /// running (then that one is tonight's; null is returned).
    /// </summary>
    public async Task<BatchStarted?> RunNightlyAsync(CancellationToken cancellationToken)
    {
        await ApplyRetentionAsync(cancellationToken);
        foreach (var unfinished in await UnfinishedBatchesAsync(cancellationToken))
        {
            var requeued = await ResumeAsync(unfinished, cancellationToken);
            logger.LogInformation("Resuming batch {BatchId}: {Chunks} unfinished chunk(s) re-queued", unfinished, requeued);
        }
        try
        {
            return await StartAsync(null, cancellationToken);
        }
        catch (BatchAlreadyRunningException e)
        {
            logger.LogInformation("Nightly rescore not started: batch {BatchId} is still running", e.BatchId);
            return null;
        }
    }

    private const string RunningKey = Prefix + "running";

    /// <summary>How long a claimed batch may take to write its manifest before another start may take the claim over.</summary>
    private static readonly TimeSpan StartGrace = TimeSpan.FromMinutes(2);

    /// <summary>
    /// One batch at a time, across instances: the "running" document names the current batch and is replaced only by the
    /// writer that read it (compare-and-swap), and only when that batch has completed (or never got its manifest).
    /// </summary>
    private async Task ClaimSingleFlightAsync(string batchId, CancellationToken cancellationToken)
    {
        var claim = JsonSerializer.Serialize(new RunningBatch(batchId, time.GetUtcNow().UtcDateTime), Json);
        if (await state.TryCreateAsync(RunningKey, claim, cancellationToken))
            return;
        var existing = await state.GetAsync(RunningKey, cancellationToken);
        if (existing is not null)
        {
            var running = JsonSerializer.Deserialize<RunningBatch>(existing.Value, Json)!;
            var status = await StatusAsync(running.BatchId, cancellationToken);
            var busy = status is null ? time.GetUtcNow().UtcDateTime - running.StartedOn < StartGrace : !status.Completed;
            if (busy)
                throw new BatchAlreadyRunningException(running.BatchId);
            if (await state.TryReplaceAsync(RunningKey, claim, existing.Version, cancellationToken))
                return;
        }
        var winner = await state.GetAsync(RunningKey, cancellationToken);
        throw new BatchAlreadyRunningException(winner is null ? "(starting)" : JsonSerializer.Deserialize<RunningBatch>(winner.Value, Json)!.BatchId);
    }

    private sealed record RunningBatch(string BatchId, DateTime StartedOn);

    /// <summary>
    /// The retention period of message-derived data: alert signals and sentiment older than Retention:MessageDataRetentionDays
    /// are cleared (the alert itself, its level and its outcome stay). Returns the number of alerts cleared.
    /// </summary>
    public async Task<int> ApplyRetentionAsync(CancellationToken cancellationToken)
    {
        var days = options.Value.MessageDataRetentionDays;
        if (days <= 0)
            return 0;
        var cleared = await store.RemoveMessageDerivedDataAsync(time.GetUtcNow().UtcDateTime.AddDays(-days), cancellationToken);
        logger.LogInformation("Retention: cleared message-derived data of {Alerts} alert(s) older than {Days} days", cleared, days);
        return cleared;
    }

    /// <summary>
    /// A queue message as it arrives. A malformed message or one of an unknown batch is logged and dropped: retrying it can
    /// never succeed. Anything else that fails is thrown, so the queue redelivers it and the checkpoint resumes the chunk.
    /// </summary>
    public async Task<ChunkResult?> HandleMessageAsync(string message, CancellationToken cancellationToken)
    {
        ChunkMessage chunk;
        try
        {
            chunk = ChunkMessage.Parse(message);
        }
        catch (FormatException e)
        {
            logger.LogWarning("Dropped a rescore message that is not a chunk message: {Reason}", e.Message);
            return null;
        }
        try
        {
            return await ProcessChunkAsync(chunk, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            logger.LogWarning("Dropped chunk {Chunk} of batch {BatchId}: {Reason}", chunk.Chunk, chunk.BatchId, e.Message);
            return null;
        }
    }

    public async Task<ChunkResult> ProcessChunkAsync(ChunkMessage message, CancellationToken cancellationToken)
    {
        using var activity = ServiceTelemetry.Source.StartActivity("batch.chunk");
        activity?.SetTag("rtn.batch", message.BatchId);
        activity?.SetTag("rtn.chunk", message.Chunk);
        var key = ChunkKey(message.BatchId, message.Chunk);
        var entry = await state.GetAsync(key, cancellationToken)
            ?? throw new InvalidDataException($"Chunk {message.Chunk} of batch {message.BatchId} has no checkpoint; the message does not belong to a started batch.");
        var chunk = JsonSerializer.Deserialize<ChunkState>(entry.Value, Json)!;
        if (chunk.Completed)
            return new ChunkResult(message.BatchId, message.Chunk, 0, 0, true);

        var manifest = await ManifestAsync(message.BatchId, cancellationToken);
        var asOf = manifest?.AsOf;
        var every = Math.Max(1, options.Value.CheckpointEvery);
        var rescored = 0;
        var writes = 0;
        var version = entry.Version;
        var done = chunk.Done;
        if (done > 0)
            logger.LogInformation("Batch {BatchId} chunk {Chunk} resumes at contact {Done} of {Total}", message.BatchId, message.Chunk, done, chunk.ContactIds.Count);
        while (done < chunk.ContactIds.Count)
        {
            var slice = chunk.ContactIds.Skip(done).Take(every).ToList();
            var results = await rescorer.RescoreManyAsync(slice, asOf, cancellationToken, manifest?.ModelVersion);
            rescored += slice.Count;
            writes += results.Sum(r => r.Writes);
            done += slice.Count;
            var next = chunk with { Done = done, Writes = chunk.Writes + writes, Completed = done >= chunk.ContactIds.Count };
            if (!await state.TryReplaceAsync(key, JsonSerializer.Serialize(next, Json), version, cancellationToken))
            {
                // Another worker took this chunk over (visibility timeout ran out); leave the rest to it.
                logger.LogWarning("Batch {BatchId} chunk {Chunk}: checkpoint moved by another worker; stopping here", message.BatchId, message.Chunk);
                return new ChunkResult(message.BatchId, message.Chunk, rescored, writes, false);
            }
            version = (await state.GetAsync(key, cancellationToken))!.Version;
        }
        logger.LogInformation("Batch {BatchId} chunk {Chunk} done: {Rescored} rescored, {Writes} writes", message.BatchId, message.Chunk, rescored, writes);
        return new ChunkResult(message.BatchId, message.Chunk, rescored, writes, false);
    }

    /// <summary>Re-announces every unfinished chunk (after lost or poisoned messages); finished chunks are left alone.</summary>
    public async Task<int> ResumeAsync(string batchId, CancellationToken cancellationToken)
    {
        var status = await StatusAsync(batchId, cancellationToken) ?? throw new KeyNotFoundException($"Batch '{batchId}' does not exist.");
        var resumed = 0;
        for (var i = 0; i < status.Chunks; i++)
        {
            var chunk = await state.GetAsync(ChunkKey(batchId, i), cancellationToken);
            if (chunk is not null && !JsonSerializer.Deserialize<ChunkState>(chunk.Value, Json)!.Completed)
            {
                await queue.EnqueueAsync(new ChunkMessage(batchId, i), cancellationToken);
                resumed++;
            }
        }
        return resumed;
    }

    public async Task<BatchStatus?> StatusAsync(string batchId, CancellationToken cancellationToken)
    {
        if (await ManifestAsync(batchId, cancellationToken) is not { } manifest)
            return null;
        int completed = 0, scored = 0, writes = 0;
        for (var i = 0; i < manifest.Chunks; i++)
        {
            var entry = await state.GetAsync(ChunkKey(batchId, i), cancellationToken);
            if (entry is null)
                continue;
            var chunk = JsonSerializer.Deserialize<ChunkState>(entry.Value, Json)!;
            completed += chunk.Completed ? 1 : 0;
            scored += chunk.Done;
            writes += chunk.Writes;
        }
        return new BatchStatus(batchId, manifest.Contacts, manifest.Chunks, completed, scored, writes, manifest.AsOf);
    }

    /// <summary>Batches whose chunks are not all done, newest first (the nightly timer resumes them).</summary>
    public async Task<IReadOnlyList<string>> UnfinishedBatchesAsync(CancellationToken cancellationToken)
    {
        var manifests = (await state.ListKeysAsync(Prefix, cancellationToken)).Where(k => k.EndsWith("/manifest", StringComparison.Ordinal) && k != RunningKey);
        var unfinished = new List<string>();
        foreach (var key in manifests.OrderDescending(StringComparer.Ordinal))
        {
            var id = key[Prefix.Length..^"/manifest".Length];
            if (await StatusAsync(id, cancellationToken) is { Completed: false })
                unfinished.Add(id);
        }
        return unfinished;
    }

    private async Task<Manifest?> ManifestAsync(string batchId, CancellationToken cancellationToken) =>
        await state.GetAsync(ManifestKey(batchId), cancellationToken) is { } entry ? JsonSerializer.Deserialize<Manifest>(entry.Value, Json) : null;

    private static string ManifestKey(string batchId) => $"{Prefix}{batchId}/manifest";

    private static string ChunkKey(string batchId, int chunk) => $"{Prefix}{batchId}/chunk-{chunk:D6}";

    private sealed record Manifest(string BatchId, int Contacts, int Chunks, DateTime CreatedOn, DateTime? AsOf)
    {
        /// <summary>The model that scored when the batch started: every chunk scores with it (absent in a batch started before versions were kept).</summary>
        public string? ModelVersion { get; init; }
    }

    private sealed record ChunkState(IReadOnlyList<Guid> ContactIds, int Done, int Writes, bool Completed);
}
