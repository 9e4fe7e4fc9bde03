using RetentionInsights.Scoring.Churn;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Models;
using RetentionInsights.Functions.Models;

namespace RetentionInsights.Scoring.Tests.Models;

public sealed class ModelRegistryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rtn-models-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
            Directory.Delete(_root, true);
    }

    private static readonly Lazy<ChurnPredictor> Predictor = new(() =>
    {
        var random = new Random(5);
        var rows = Enumerable.Range(0, 2000).Select(_ => Enumerable.Range(0, FeatureSchema.Count).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        var labels = rows.Select(r => r[0] + 0.3 * random.NextDouble() > 0.9).ToArray();
        return ChurnLearner.TrainLightGbm(rows, labels, FeatureSchema.Names, new ChurnLearnerOptions { NumberOfIterations = 20, MinimumExampleCountPerLeaf = 20 });
    });

    private static ModelMetadata Metadata(string version, double auc, DateTime trainedOn, double? sameHoldoutChampion = null)
    {
        var metrics = new Dictionary<string, double> { [MetricNames.HoldoutAuc] = auc };
        if (sameHoldoutChampion is { } c)
            metrics[ModelRegistry.SameHoldoutChampionAuc] = c;
        return new ModelMetadata
        {
            Version = version, TrainedOn = trainedOn, DataWindowStart = trainedOn.AddYears(-1), DataWindowEnd = trainedOn, HorizonDays = 90, Seed = 42,
            Features = FeatureSchema.Names, Metrics = metrics, Parameters = new EngineParameters(),
        };
    }

    private static MemoryStream Zip()
    {
        var stream = new MemoryStream();
        Predictor.Value.Save(stream);
        stream.Position = 0;
        return stream;
    }

    [Fact]
    public async Task SaveAndPromote_ChallengerNotWorse_ReplacesChampionElseKeepsIt()
    {
        var store = new LocalFolderModelStore(_root);
        var t = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        var first = await ModelRegistry.SaveAndPromoteAsync(store, Metadata("v1", 0.80, t), Zip());
        Assert.True(first.Promoted);
        var worse = await ModelRegistry.SaveAndPromoteAsync(store, Metadata("v2", 0.79, t.AddDays(7)), Zip());
        Assert.False(worse.Promoted);
        Assert.Equal("v1", await store.GetChampionVersionAsync());
        var equal = await ModelRegistry.SaveAndPromoteAsync(store, Metadata("v3", 0.80, t.AddDays(14)), Zip());
        Assert.True(equal.Promoted);
        // On the same holdout the champion scored 0.83, so a challenger at 0.81 loses even though v3's own holdout said 0.80.
        var sameHoldout = await ModelRegistry.SaveAndPromoteAsync(store, Metadata("v4", 0.81, t.AddDays(21), sameHoldoutChampion: 0.83), Zip());
        Assert.False(sameHoldout.Promoted);
        Assert.Equal(["v3", "v1"], await store.GetPromotionHistoryAsync());
        Assert.Equal(4, (await store.ListAsync()).Count);
        Assert.Equal("v4", (await store.ListAsync())[0].Version);
        await Assert.ThrowsAsync<IOException>(() => store.SaveCandidateAsync(Metadata("v1", 0.9, t), Zip()));
    }

    [Fact]
    public async Task LoadChampion_ChampionZipCorrupt_FallsBackToPreviousChampion()
    {
        var store = new LocalFolderModelStore(_root);
        var t = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        await ModelRegistry.SaveAndPromoteAsync(store, Metadata("good", 0.80, t), Zip());
        await ModelRegistry.SaveAndPromoteAsync(store, Metadata("broken", 0.85, t.AddDays(7)), Zip());
        await File.WriteAllTextAsync(Path.Combine(store.VersionDirectory("broken"), LocalFolderModelStore.ModelFileName), "not a zip");

        var loaded = await ModelRegistry.LoadChampionAsync(store, (meta, stream) => ChurnPredictor.Load(stream, meta.Features, meta.Seed));
        Assert.NotNull(loaded);
        Assert.Equal("good", loaded.Version);
        Assert.Single(loaded.Skipped);
        Assert.StartsWith("broken", loaded.Skipped[0]);
        var rows = new[] { Enumerable.Repeat(0.95f, FeatureSchema.Count).ToArray(), Enumerable.Repeat(0.05f, FeatureSchema.Count).ToArray() };
        Assert.Equal(Predictor.Value.PredictProbabilities(rows), loaded.Model.PredictProbabilities(rows));
    }

    [Fact]
    public async Task LoadChampion_EmptyStore_ReturnsNull()
    {
        Assert.Null(await ModelRegistry.LoadChampionAsync(new LocalFolderModelStore(_root), (_, _) => 1));
    }

    [Fact]
    public void Metadata_JsonRoundTrip_KeepsParametersAndMetrics()
    {
        var m = Metadata("v9", 0.77, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var back = ModelMetadata.FromJson(m.ToJson());
        Assert.Equal(m.Version, back.Version);
        Assert.Equal(0.77, back.HoldoutAuc);
        Assert.Equal(m.Features, back.Features);
        Assert.Equal(m.Parameters.RiskBands, back.Parameters.RiskBands);
        Assert.Equal(m.Parameters.Clv.MarginRate, back.Parameters.Clv.MarginRate);
    }
}
