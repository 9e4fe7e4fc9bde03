using System.Text.Json;
using RetentionInsights.Data.Tests;

namespace RetentionInsights.Cli.Tests.Commands;

/// <summary>`rtn churn truth`: what a generated org's scores are worth against its planted truth.</summary>
[Collection(CliCollection.Name)]
public class ChurnTruthCommandTests
{
    [Fact]
    public async Task Truth_ScoresAtTheTruthDate_ReportsModelAucBesideTheTruthAndCalibration()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, (await CliRunner.RunAsync("generate", "--contacts", "2500", "--seed", "8", "--db", dir.File("org.db"),
            "--truth-as-of", "2026-08-01", "--truth-out", dir.File("truth.csv"), "--json")).ExitCode);
        var train = await CliRunner.RunAsync("train", "--db", dir.File("org.db"), "--models", dir.File("models"), "--as-of", "2026-10-30", "--json");
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Equal(0, (await CliRunner.RunAsync("score", "--db", dir.File("org.db"), "--models", dir.File("models"), "--as-of", "2026-08-01",
            "--out", dir.File("scores.csv"), "--json")).ExitCode);

        var result = await CliRunner.RunAsync("churn", "truth", "--scores", dir.File("scores.csv"), "--truth", dir.File("truth.csv"), "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.True(root.GetProperty("customers").GetInt32() > 1500, result.Stdout);
        var auc = root.GetProperty("auc");
        var model = auc.GetProperty("model").GetDouble();
        var observable = auc.GetProperty("observableTruth").GetDouble();
        // A model reading records cannot beat the observable truth by more than sampling noise, and must be far above chance.
        Assert.InRange(model, 0.62, observable + 0.03);
        Assert.True(auc.GetProperty("fullTruth").GetDouble() >= observable - 0.01, result.Stdout);
        Assert.InRange(root.GetProperty("eceVersusTrue").GetDouble(), 0, 0.06);
    }

    [Fact]
    public async Task Truth_ScoresWithoutAProbabilityColumn_ExitsWith2AndNamesTheColumn()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("scores.csv"), "contactid,risk\n1,0.2\n");
        await File.WriteAllTextAsync(dir.File("truth.csv"), "contactid,true_probability,churned_within_horizon,observable_probability\n1,0.1,false,0.1\n");

        var result = await CliRunner.RunAsync("churn", "truth", "--scores", dir.File("scores.csv"), "--truth", dir.File("truth.csv"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--scores", result.Stderr);
        Assert.Contains("churn_probability", result.Stderr);
    }
}
