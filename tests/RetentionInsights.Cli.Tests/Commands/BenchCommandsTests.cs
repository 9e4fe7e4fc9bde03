using System.Text.Json;

using RetentionInsights.Data.Tests;

namespace RetentionInsights.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public class BenchCommandsTests
{
    [Fact]
    public async Task BenchEngine_SmallOrg_PrintsEveryStageAndAnUnchangedRescoreWritesNothing()
    {
        using var dir = new TempDirectory();
        var result = await CliRunner.RunAsync("bench", "engine", "--contacts", "300", "--seed", "5", "--db", dir.File("org.db"));

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal(300, root.GetProperty("contacts").GetInt32());
        var stages = root.GetProperty("stages");
        foreach (var stage in new[] { "readRowsFloorSeconds", "readRecordsSeconds", "sentimentSeconds", "featuresOneSnapshotSeconds", "trainTotalSeconds",
                     "scoreAllSeconds", "pipelineFirstRunSeconds", "pipelineUnchangedRunSeconds" })
            Assert.True(stages.GetProperty(stage).GetDouble() >= 0, stage);
        var counts = root.GetProperty("counts");
        Assert.Equal(300, counts.GetProperty("contacts").GetInt32());
        Assert.True(counts.GetProperty("sourceRows").GetInt64() > 300 * 10);
        Assert.True(counts.GetProperty("firstRunWrites").GetInt32() > 0);
        Assert.Equal(0, counts.GetProperty("unchangedRunWrites").GetInt32());
        Assert.InRange(root.GetProperty("metrics").GetProperty("holdoutAuc").GetDouble(), 0, 1);
    }
}
