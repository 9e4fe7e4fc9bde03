using System.Text.Json;
using RetentionInsights.Data.Tests;

namespace RetentionInsights.Cli.Tests.Commands;

/// <summary>`rtn train` with the offer-mix guard: what training fitted is what scoring the same book then shows.</summary>
[Collection(CliCollection.Name)]
public class TrainCommandTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("1.5")]
    public async Task Train_FirstOfferShareOutsideZeroToOne_ExitsTwoNamingTheOption(string share)
    {
        using var dir = new TempDirectory();

        var result = await CliRunner.RunAsync("train", "--db", dir.File("org.db"), "--models", dir.File("models"), "--max-first-offer-share", share);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--max-first-offer-share", result.Stderr);
        Assert.False(Directory.Exists(dir.File("models")), "nothing is trained on a refused option");
    }

    [Fact]
    public async Task Train_WithOfferMixGuard_ScoringTheSameBookShowsTheFirstOfferSharesTrainingReported()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, (await CliRunner.RunAsync("generate", "--contacts", "6000", "--seed", "8", "--db", dir.File("org.db"), "--until", "2027-01-01")).ExitCode);

        var train = await CliRunner.RunAsync("train", "--db", dir.File("org.db"), "--models", dir.File("models"), "--as-of", "2027-01-01", "--max-first-offer-share", "0.5", "--json");

        Assert.True(train.ExitCode == 0, train.Stderr);
        using var json = JsonDocument.Parse(train.Stdout);
        var metrics = json.RootElement.GetProperty("metrics");
        Assert.Equal(0.5, metrics.GetProperty("offers.mix.maxfirstshare").GetDouble());
        var before = metrics.GetProperty("offers.mix.largestshare.before").GetDouble();
        var after = metrics.GetProperty("offers.mix.largestshare.after").GetDouble();
        Assert.True(after <= before, $"the guard raised the largest share from {before} to {after}");
        Assert.InRange(metrics.GetProperty("offers.mix.firstoffervaluekept").GetDouble(), 0, 1);

        var score = await CliRunner.RunAsync("score", "--db", dir.File("org.db"), "--models", dir.File("models"), "--as-of", "2027-01-01", "--out", dir.File("scores.csv"), "--json");
        Assert.True(score.ExitCode == 0, score.Stderr);
        var firsts = File.ReadLines(dir.File("scores.csv")).Skip(1).Select(l => l.Split(',')[7]).Where(o => o.Length > 0).ToArray();
        Assert.True(firsts.Length > 100, $"only {firsts.Length} contacts got offers");
        // Whether the guard can move anyone depends on the book (a customer with one paying offer keeps it first); whatever it
        // reached, scoring the book it was fitted on (as of the end of its data, so every answer is known to both) shows the
        // same largest share.
        var largest = firsts.GroupBy(o => o).Max(g => g.Count()) / (double)firsts.Length;
        Assert.Equal(after, largest, 3);
    }
}
