using RetentionInsights.Functions.Models;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Models;

/// <summary>A training killed mid-run leaves no phantom version and shows as failed, not as nothing.</summary>
[Collection(ServiceTests.Name)]
public sealed class KilledTrainingTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Store_StagingFolderOfAKilledRun_IsNeverListedAndIsRemovedOnceAbandoned()
    {
        var root = fixture.EmptyModels();
        var champion = Path.Combine(fixture.ModelsPath, fixture.ChampionVersion);
        var fresh = Path.Combine(root, "v9" + LocalFolderModelStore.StagingMarker + "a1");
        var abandoned = Path.Combine(root, "v8" + LocalFolderModelStore.StagingMarker + "b2");
        foreach (var staging in new[] { fresh, abandoned })
        {
            Directory.CreateDirectory(staging);
            File.Copy(Path.Combine(champion, LocalFolderModelStore.MetadataFileName), Path.Combine(staging, LocalFolderModelStore.MetadataFileName));
        }
        Directory.SetLastWriteTimeUtc(abandoned, DateTime.UtcNow - LocalFolderModelStore.AbandonedStagingAge - TimeSpan.FromMinutes(1));

        var store = new LocalFolderModelStore(root);

        Assert.Empty(await store.ListAsync());
        Assert.False(Directory.Exists(abandoned));
        Assert.True(Directory.Exists(fresh)); // may still be written by a run in progress
    }

    [Fact]
    public async Task Models_RunningRecordOfAProcessThatEnded_ShowsAsFailed()
    {
        using var app = new TestApp(fixture);
        _ = new RetentionInsights.Functions.State.SqliteStateStore(app.DbPath);
        var record = System.Text.Json.JsonSerializer.Serialize(new
        {
            Status = new TrainingStatus("running", DateTime.UtcNow.AddMinutes(-30), null, null, null, "Training started."),
            Process = "a-process-that-was-killed",
        });
        OrgSql.Execute(app.DbPath, "INSERT INTO rtn_service_state (key, value, version) VALUES ('training/last', $v, 1)", ("$v", record));

        var models = await TestApp.ReadJsonAsync(await app.KeyedClient().GetAsync("/api/models"));

        var training = models.GetProperty("training");
        Assert.Equal("failed", training.GetProperty("state").GetString());
        Assert.Contains("did not finish", training.GetProperty("detail").GetString());
    }
}
