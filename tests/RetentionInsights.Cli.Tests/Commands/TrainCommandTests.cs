using System.Text.Json;
using RetentionInsights.Data.Tests;

namespace RetentionInsights.Cli.Tests.Commands;

/// <summary>`rtn train` and the offer-mix guard: what training fitted is what scoring the same book then shows.</summary>
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

    [Fact]
    public async Task TrainAndScore_DemoOrgByDefault_NoOfferTypeIsFirstForMoreThanFortyPercent_AndNobodyGainsOrLosesAnOffer()
    {
        using var dir = new TempDirectory();
        // The demo's org (20,000 contacts, seed 42) as exported on a December day, trained and scored as the demo does, once
        // as it is and once with the guard turned off; each scoring run on its own copy of the org.
        const string asOf = "2026-12-04";
        Assert.Equal(0, (await CliRunner.RunAsync("generate", "--contacts", "20000", "--seed", "42", "--db", dir.File("org.db"), "--until", "2027-01-01", "--export-at", asOf)).ExitCode);
        File.Copy(dir.File("org.db"), dir.File("off.db"));

        async Task<(JsonElement Metrics, string[][] TopThree)> TrainAndScoreAsync(string db, string models, params string[] options)
        {
            var train = await CliRunner.RunAsync(["train", "--db", db, "--models", models, "--as-of", asOf, "--json", .. options]);
            Assert.True(train.ExitCode == 0, train.Stderr);
            var metrics = JsonDocument.Parse(train.Stdout).RootElement.GetProperty("metrics").Clone();
            var score = await CliRunner.RunAsync("score", "--db", db, "--models", models, "--as-of", asOf, "--out", db + ".csv");
            Assert.True(score.ExitCode == 0, score.Stderr);
            var topThree = File.ReadLines(db + ".csv").Skip(1).Select(l => l.Split(',')).OrderBy(f => f[0], StringComparer.Ordinal)
                .Select(f => new[] { f[0], f[7], f[8], f[9] }).ToArray();
            return (metrics, topThree);
        }
        var guarded = await TrainAndScoreAsync(dir.File("org.db"), dir.File("models"));
        var unguarded = await TrainAndScoreAsync(dir.File("off.db"), dir.File("models-off"), "--max-first-offer-share", "1");

        static double LargestFirstShare(string[][] topThree)
        {
            var firsts = topThree.Select(t => t[1]).Where(o => o.Length > 0).ToArray();
            return firsts.GroupBy(o => o).Max(g => g.Count()) / (double)firsts.Length;
        }
        Assert.Equal(0.4, guarded.Metrics.GetProperty("offers.mix.maxfirstshare").GetDouble());
        Assert.False(unguarded.Metrics.TryGetProperty("offers.mix.maxfirstshare", out _), "the guard was fitted although turned off");
        // Left alone, one offer leads for far more than 40 % here; by default none does, and every contact keeps the same offers.
        Assert.True(LargestFirstShare(unguarded.TopThree) > 0.5, $"unguarded largest first-offer share {LargestFirstShare(unguarded.TopThree):P1}");
        Assert.True(LargestFirstShare(guarded.TopThree) <= 0.4, $"largest first-offer share {LargestFirstShare(guarded.TopThree):P1} with the default guard");
        Assert.Equal(unguarded.TopThree.Select(t => t[0]), guarded.TopThree.Select(t => t[0]));
        for (var i = 0; i < guarded.TopThree.Length; i++)
        {
            Assert.Equal(unguarded.TopThree[i][1..].Where(o => o.Length > 0).Order(StringComparer.Ordinal),
                guarded.TopThree[i][1..].Where(o => o.Length > 0).Order(StringComparer.Ordinal));
        }
    }
}
