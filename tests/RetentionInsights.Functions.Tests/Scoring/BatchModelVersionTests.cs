using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Functions.Batch;
using RetentionInsights.Functions.Models;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Scoring;

/// <summary>A model promoted while a batch runs: the batch keeps the version it started with; new work uses the new one.</summary>
[Collection(ServiceTests.Name)]
public sealed class BatchModelVersionTests(ServiceFixture fixture)
{
    /// <summary>A private model folder with the champion and a second version (its copy) ready to be promoted.</summary>
    private async Task<(string Models, LocalFolderModelStore Store, string Next)> ModelsWithASecondVersionAsync()
    {
        var models = fixture.CopyModels();
        var store = new LocalFolderModelStore(models);
        var metadata = (await store.ListAsync()).Single(m => m.Version == fixture.ChampionVersion);
        var next = fixture.ChampionVersion + "-next";
        await using (var zip = await store.OpenModelAsync(metadata.Version))
            await store.SaveCandidateAsync(metadata with { Version = next }, zip);
        return (models, store, next);
    }

    [Fact]
    public async Task RescoreAll_ModelPromotedAfterTheFirstChunk_EveryContactScoredWithTheVersionTheRunStartedWith()
    {
        var (models, store, next) = await ModelsWithASecondVersionAsync();
        using var app = new TestApp(fixture, new Dictionary<string, string?> { ["Retention:ChunkSize"] = "100" }, models: models);
        var rescorer = app.Services.GetRequiredService<CustomerRescorer>();
        var scorer = app.Services.GetRequiredService<EngineScorer>();
        var promoted = 0;

        var results = await rescorer.RescoreAllAsync(null, (_, _) =>
        {
            // The first chunk is done: another version becomes champion and the scorer is told at once.
            if (Interlocked.Exchange(ref promoted, 1) == 0)
            {
                store.PromoteAsync(next).GetAwaiter().GetResult();
                scorer.Invalidate();
            }
        }, CancellationToken.None);

        var versions = results.Where(r => r.Scored).Select(r => r.ModelVersion).Distinct().ToArray();
        Assert.True(results.Count(r => r.Scored) > 500, "too few contacts were scored for the run to span several chunks");
        Assert.Equal(fixture.ChampionVersion, Assert.Single(versions));
        // Work that starts after the promotion uses the new champion.
        var after = await rescorer.RescoreAsync(results.First(r => r.Scored).ContactId, CancellationToken.None);
        Assert.Equal(next, after.ModelVersion);
    }

    private sealed class HoldingQueue : IRescoreQueue
    {
        public List<ChunkMessage> Messages { get; } = [];

        public string Kind => "holding";

        public Task EnqueueAsync(ChunkMessage message, CancellationToken cancellationToken)
        {
            lock (Messages)
                Messages.Add(message);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Batch_ModelPromotedBeforeItsChunksRun_ChunksScoreWithTheVersionTheBatchStartedWith()
    {
        var (models, store, next) = await ModelsWithASecondVersionAsync();
        var queue = new HoldingQueue();
        using var app = new TestApp(fixture, new Dictionary<string, string?> { ["Retention:ChunkSize"] = "400" }, services: s => s.AddSingleton<IRescoreQueue>(queue), models: models);
        var coordinator = app.Services.GetRequiredService<BatchRescoreCoordinator>();

        var started = await coordinator.StartAsync(null, CancellationToken.None);
        // Promoted after the batch started and before any chunk ran (a worker picks the messages up later).
        await store.PromoteAsync(next);
        app.Services.GetRequiredService<EngineScorer>().Invalidate();
        foreach (var message in queue.Messages)
            await coordinator.ProcessChunkAsync(message, CancellationToken.None);

        Assert.True(started.Chunks > 1);
        var versions = OrgSql.Column(app.DbPath, "SELECT DISTINCT rtn_modelversion FROM contact WHERE rtn_modelversion IS NOT NULL");
        Assert.Equal(fixture.ChampionVersion, Assert.Single(versions));
    }
}
