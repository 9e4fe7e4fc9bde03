using System.Text.Json;
using RetentionInsights.Data.Tests;

namespace RetentionInsights.Cli.Tests.Commands;

/// <summary>`rtn score` writes the live scores of the local org, so a run it cannot do well writes nothing.</summary>
[Collection(CliCollection.Name)]
public class ScoreCommandTests
{
    [Fact]
    public async Task Score_AsOfBeforeTheModelLearnedAnything_ExitsTwoAndLeavesEveryScore()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, (await CliRunner.RunAsync("generate", "--contacts", "1500", "--seed", "5", "--db", dir.File("org.db"), "--until", "2026-11-01")).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("train", "--db", dir.File("org.db"), "--models", dir.File("models"), "--max-first-offer-share", "1")).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("score", "--db", dir.File("org.db"), "--models", dir.File("models"), "--out", dir.File("live.csv"))).ExitCode);

        var result = await CliRunner.RunAsync("score", "--db", dir.File("org.db"), "--models", dir.File("models"), "--as-of", "2000-01-01");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--as-of 2000-01-01 is before the first date model", result.Stderr);
        // Scoring as of the org's date again changes nothing: the refused run wrote nothing.
        var again = await CliRunner.RunAsync("score", "--db", dir.File("org.db"), "--models", dir.File("models"), "--json");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(0, JsonDocument.Parse(again.Stdout).RootElement.GetProperty("writes").GetProperty("contactsChanged").GetInt32());
    }
}
