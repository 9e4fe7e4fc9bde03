using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RetentionInsights.Data.Records;
using RetentionInsights.Functions.Batch;
using RetentionInsights.Functions.Configuration;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.State;
using RetentionInsights.Functions.Stores.LocalOrg;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Azure;

/// <summary>Nightly fan-out on a real storage queue and Blob checkpoints (Azurite), including a worker crash.</summary>
[Collection(ServiceTests.Name)]
public sealed class QueueFanOutTests(ServiceFixture fixture)
{
    /// <summary>A scorer that records who it scored and can "crash" (throw) once a given number of contacts were scored.</summary>
    private sealed class RecordingScorer(int crashAfter = int.MaxValue) : ICustomerScorer
    {
        public readonly List<Guid> Scored = [];
        private int _crashAfter = crashAfter;

        public Task<string?> GetChampionVersionAsync(CancellationToken cancellationToken) => Task.FromResult<string?>("fake");

        public Task<IReadOnlyList<ScoringOutcome?>> ScoreAsync(IReadOnlyList<CustomerHistory> histories, IReadOnlyList<OfferRecord> catalogue, DateTime asOf, DateTime answersKnownAt, CancellationToken cancellationToken, string? modelVersion = null)
        {
            lock (Scored)
            {
                if (Scored.Count + histories.Count > _crashAfter)
                {
                    _crashAfter = int.MaxValue; // the process dies once; the restarted worker is healthy
                    throw new InvalidOperationException("simulated worker crash");
                }
                Scored.AddRange(histories.Select(h => h.Contact.Id));
            }
            // A deterministic score per contact so a rescore of an unchanged customer writes nothing.
            return Task.FromResult<IReadOnlyList<ScoringOutcome?>>(histories.Select(h => (ScoringOutcome?)new ScoringOutcome(
                new ContactScores(h.Contact.Id, (h.Contact.Id.GetHashCode() & 0xffff) / 65536.0, null, 471500001, 100m, 300m, 0.9, 471500001, "reason", null, asOf, "fake"),
                [], null)).ToList());
        }
    }

    private (BatchRescoreCoordinator Coordinator, QueueClient Queue, LocalOrgStore Store) Create(string db, ICustomerScorer scorer, IStateStore state)
    {
        var options = Options.Create(new ServiceOptions { ChunkSize = 200, CheckpointEvery = 25, AsOf = ServiceFixture.AsOf });
        var store = new LocalOrgStore(db);
        var rescorer = new CustomerRescorer(store, scorer, options, TimeProvider.System, NullLogger<CustomerRescorer>.Instance);
        var queue = Azurite.Queue();
        var coordinator = new BatchRescoreCoordinator(store, rescorer, state, new StorageRescoreQueue(queue), options, TimeProvider.System,
            NullLogger<BatchRescoreCoordinator>.Instance);
        return (coordinator, queue, store);
    }

    /// <summary>What the Functions host does for the RescoreChunk queue trigger: receive, invoke, delete on success.</summary>
    private static async Task<int> DrainAsync(QueueClient queue, BatchRescoreCoordinator coordinator, TimeSpan visibility, int maxEmptyPolls = 1)
    {
        var processed = 0;
        var empty = 0;
        while (empty < maxEmptyPolls)
        {
            var messages = (await queue.ReceiveMessagesAsync(maxMessages: 8, visibilityTimeout: visibility)).Value;
            if (messages.Length == 0)
            {
                empty++;
                await Task.Delay(250);
                continue;
            }
            empty = 0;
            foreach (var message in messages)
            {
                await coordinator.ProcessChunkAsync(ChunkMessage.Parse(message.MessageText), CancellationToken.None);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                processed++;
            }
        }
        return processed;
    }

    [Fact]
    public async Task Rescore_FanOutOverTheStorageQueue_ScoresEveryActiveContactExactlyOnce()
    {
        var db = fixture.CopyOrg();
        var scorer = new RecordingScorer();
        var (coordinator, queue, store) = Create(db, scorer, new BlobStateStore(Azurite.Container("state")));
        using var _ = store;

        var started = await coordinator.StartAsync(null, CancellationToken.None);
        var processed = await DrainAsync(queue, coordinator, TimeSpan.FromSeconds(30));

        var active = OrgSql.Column(db, "SELECT contactid FROM contact WHERE statecode = 0 AND rtn_profilingoptout = 0").Select(Guid.Parse).Order().ToList();
        Assert.Equal(started.Chunks, processed);
        Assert.Equal(active, scorer.Scored.Order());
        var status = await coordinator.StatusAsync(started.BatchId, CancellationToken.None);
        Assert.True(status!.Completed);
        Assert.Equal(active.Count, OrgSql.Scalar<long>(db, "SELECT COUNT(*) FROM contact WHERE rtn_churnprobability IS NOT NULL"));
    }

    [Fact]
    public async Task Rescore_WorkerCrashesMidChunk_ResumesFromTheCheckpointWithoutLosingOrRedoingTheBatch()
    {
        var db = fixture.CopyOrg();
        var scorer = new RecordingScorer(crashAfter: 260); // dies inside the second chunk (200 per chunk, checkpoint every 25)
        var (coordinator, queue, store) = Create(db, scorer, new BlobStateStore(Azurite.Container("state")));
        using var _ = store;
        var started = await coordinator.StartAsync(null, CancellationToken.None);

        // First worker: processes messages until it crashes; the message it was working on is not deleted.
        var crashed = false;
        try
        {
            await DrainAsync(queue, coordinator, visibility: TimeSpan.FromSeconds(2));
        }
        catch (InvalidOperationException)
        {
            crashed = true;
        }
        Assert.True(crashed);
        var scoredBeforeCrash = scorer.Scored.Count;

        // Restarted worker: the crashed chunk's message becomes visible again and resumes from its last checkpoint.
        await DrainAsync(queue, coordinator, visibility: TimeSpan.FromSeconds(30), maxEmptyPolls: 20);

        var active = OrgSql.Column(db, "SELECT contactid FROM contact WHERE statecode = 0 AND rtn_profilingoptout = 0").Select(Guid.Parse).ToHashSet();
        Assert.Equal(active, scorer.Scored.ToHashSet());
        var rescoredTwice = scorer.Scored.Count - active.Count;
        Assert.InRange(rescoredTwice, 0, 25 - 1); // at most one checkpoint interval is repeated
        Assert.True(scoredBeforeCrash > 150, $"the crash should happen inside the second chunk, not after {scoredBeforeCrash} contacts");
        Assert.True((await coordinator.StatusAsync(started.BatchId, CancellationToken.None))!.Completed);
    }

    [Fact]
    public async Task ProcessChunk_RedeliveredAfterCompletion_ScoresNothingAgain()
    {
        var db = fixture.CopyOrg();
        var scorer = new RecordingScorer();
        var (coordinator, queue, store) = Create(db, scorer, new SqliteStateStore(db));
        using var _ = store;
        var started = await coordinator.StartAsync(null, CancellationToken.None);
        await DrainAsync(queue, coordinator, TimeSpan.FromSeconds(30));
        var scored = scorer.Scored.Count;

        var again = await coordinator.ProcessChunkAsync(new ChunkMessage(started.BatchId, 0), CancellationToken.None);

        Assert.True(again.AlreadyComplete);
        Assert.Equal(scored, scorer.Scored.Count);
    }

    [Fact]
    public async Task Resume_LostMessages_RequeuesOnlyUnfinishedChunks()
    {
        var db = fixture.CopyOrg();
        var scorer = new RecordingScorer();
        var (coordinator, queue, store) = Create(db, scorer, new BlobStateStore(Azurite.Container("state")));
        using var _ = store;
        var started = await coordinator.StartAsync(null, CancellationToken.None);
        // Process chunk 0, then lose every other message (e.g. poisoned and moved away).
        await coordinator.ProcessChunkAsync(new ChunkMessage(started.BatchId, 0), CancellationToken.None);
        await queue.ClearMessagesAsync();

        var unfinished = await coordinator.UnfinishedBatchesAsync(CancellationToken.None);
        var requeued = await coordinator.ResumeAsync(started.BatchId, CancellationToken.None);
        await DrainAsync(queue, coordinator, TimeSpan.FromSeconds(30));

        Assert.Equal([started.BatchId], unfinished);
        Assert.Equal(started.Chunks - 1, requeued);
        Assert.True((await coordinator.StatusAsync(started.BatchId, CancellationToken.None))!.Completed);
        Assert.Equal(scorer.Scored.Count, scorer.Scored.Distinct().Count());
    }

    [Fact]
    public async Task BlobStateStore_ConcurrentReplaceOfTheSameVersion_OnlyOneWins()
    {
        var state = new BlobStateStore(Azurite.Container("state"));
        Assert.True(await state.TryCreateAsync("k", "v0", CancellationToken.None));
        Assert.False(await state.TryCreateAsync("k", "other", CancellationToken.None));
        var entry = (await state.GetAsync("k", CancellationToken.None))!;

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => state.TryReplaceAsync("k", "v" + (i + 1), entry.Version, CancellationToken.None)));

        Assert.Equal(1, results.Count(r => r));
        Assert.NotEqual("v0", (await state.GetAsync("k", CancellationToken.None))!.Value);
    }
}
