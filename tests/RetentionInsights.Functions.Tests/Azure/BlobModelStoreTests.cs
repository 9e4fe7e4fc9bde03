using RetentionInsights.Functions.Models;
using RetentionInsights.Functions.Tests.Support;
using RetentionInsights.Scoring.Models;

namespace RetentionInsights.Functions.Tests.Azure;

public sealed class BlobModelStoreTests
{
    private static ModelMetadata Metadata(string version, double auc, int daysAgo = 0) => new()
    {
        Version = version,
        TrainedOn = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(-daysAgo),
        DataWindowStart = new DateTime(2025, 8, 1, 0, 0, 0, DateTimeKind.Utc),
        DataWindowEnd = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc),
        HorizonDays = 90,
        Seed = 42,
        Features = ["tenure_days"],
        Metrics = new Dictionary<string, double> { [MetricNames.HoldoutAuc] = auc },
        Parameters = new EngineParameters(),
    };

    private static MemoryStream Zip(string content) => new(System.Text.Encoding.UTF8.GetBytes(content));

    [Fact]
    public async Task SaveListOpen_RoundTripsModelBytesAndMetadataNewestFirst()
    {
        var store = new BlobModelStore(Azurite.Container("models"));
        await store.SaveCandidateAsync(Metadata("v1", 0.80, daysAgo: 7), Zip("model one"));
        await store.SaveCandidateAsync(Metadata("v2", 0.82), Zip("model two"));

        var list = await store.ListAsync();
        using var reader = new StreamReader(await store.OpenModelAsync("v1"));

        Assert.Equal(["v2", "v1"], list.Select(m => m.Version));
        Assert.Equal(0.82, list[0].HoldoutAuc);
        Assert.Equal("model one", await reader.ReadToEndAsync());
        Assert.Empty(await store.GetPromotionHistoryAsync());
    }

    [Fact]
    public async Task SaveCandidate_ExistingVersion_RefusesToOverwrite()
    {
        var store = new BlobModelStore(Azurite.Container("models"));
        await store.SaveCandidateAsync(Metadata("v1", 0.8), Zip("first"));

        await Assert.ThrowsAsync<IOException>(() => store.SaveCandidateAsync(Metadata("v1", 0.9), Zip("second")));

        using var reader = new StreamReader(await store.OpenModelAsync("v1"));
        Assert.Equal("first", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Registry_BetterChallengerPromoted_WorseOneKept_AsCandidateOnly()
    {
        var store = new BlobModelStore(Azurite.Container("models"));

        var first = await ModelRegistry.SaveAndPromoteAsync(store, Metadata("v1", 0.80, 2), Zip("a"));
        var better = await ModelRegistry.SaveAndPromoteAsync(store, Metadata("v2", 0.83, 1), Zip("b"));
        var worse = await ModelRegistry.SaveAndPromoteAsync(store, Metadata("v3", 0.79), Zip("c"));

        Assert.True(first.Promoted);
        Assert.True(better.Promoted);
        Assert.False(worse.Promoted);
        Assert.Equal(["v2", "v1"], await store.GetPromotionHistoryAsync());
        Assert.Equal("v2", await store.GetChampionVersionAsync());
    }

    [Fact]
    public async Task TryPromoteIfChampion_ChampionChangedMeanwhile_DoesNotOverwriteTheOtherPromotion()
    {
        var store = new BlobModelStore(Azurite.Container("models"));
        await store.SaveCandidateAsync(Metadata("v1", 0.80), Zip("a"));
        await store.SaveCandidateAsync(Metadata("v2", 0.81), Zip("b"));
        await store.SaveCandidateAsync(Metadata("v3", 0.82), Zip("c"));
        await store.PromoteAsync("v1");

        // Trainer A compared v2 against v1; trainer B promoted v3 before A got to write.
        await store.PromoteAsync("v3");
        var promoted = await store.TryPromoteIfChampionAsync("v2", expectedChampion: "v1");

        Assert.False(promoted);
        Assert.Equal("v3", await store.GetChampionVersionAsync());
    }

    [Fact]
    public async Task Promote_ManyConcurrentPromotions_LoseNoneFromTheHistory()
    {
        var store = new BlobModelStore(Azurite.Container("models"));
        var versions = Enumerable.Range(1, 6).Select(i => $"v{i}").ToList();
        foreach (var v in versions)
            await store.SaveCandidateAsync(Metadata(v, 0.8), Zip(v));

        await Task.WhenAll(versions.Select(v => store.PromoteAsync(v)));

        Assert.Equal(versions.Order(), (await store.GetPromotionHistoryAsync()).Order());
    }

    [Fact]
    public async Task Promote_UnknownVersion_Throws()
    {
        var store = new BlobModelStore(Azurite.Container("models"));

        await Assert.ThrowsAsync<FileNotFoundException>(() => store.PromoteAsync("nope"));
        await Assert.ThrowsAsync<FileNotFoundException>(() => store.OpenModelAsync("nope"));
    }
}
