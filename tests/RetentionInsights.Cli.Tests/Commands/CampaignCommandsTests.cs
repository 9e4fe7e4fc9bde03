using System.Text.Json;
using RetentionInsights.Data.Tests;

namespace RetentionInsights.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public class CampaignCommandsTests
{
    [Fact]
    public async Task CampaignReport_Json_PrintsGroupsEffectWithIntervalRoiAndQini()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, (await CliRunner.RunAsync("generate", "--contacts", "1500", "--seed", "5", "--db", dir.File("org.db"))).ExitCode);

        var result = await CliRunner.RunAsync("campaign", "report", "--db", dir.File("org.db"), "--from", "2026-07-01", "--to", "2026-10-01",
            "--json", "--html", dir.File("campaign.html"));

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        var treatment = root.GetProperty("treatment");
        var control = root.GetProperty("control");
        Assert.True(treatment.GetProperty("contacts").GetInt32() > 5 * control.GetProperty("contacts").GetInt32());
        Assert.InRange(treatment.GetProperty("churnRate").GetDouble(), 0, 0.5);
        Assert.InRange(control.GetProperty("churnRate").GetDouble(), 0, 0.5);
        Assert.Equal(0, control.GetProperty("offersMade").GetInt32());
        var effect = root.GetProperty("effect");
        var ci = effect.GetProperty("ci95").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(2, ci.Length);
        Assert.InRange(effect.GetProperty("churnRateDifference").GetDouble(), ci[0], ci[1]);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("roi").ValueKind);
        Assert.True(root.TryGetProperty("qini", out _));
        Assert.Contains("Difference in churn rate", File.ReadAllText(dir.File("campaign.html")));
    }

    [Fact]
    public async Task CampaignReport_WindowEndsBeforeItStarts_ExitsWith2AndExplains()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, (await CliRunner.RunAsync("generate", "--contacts", "50", "--seed", "5", "--db", dir.File("org.db"))).ExitCode);

        var result = await CliRunner.RunAsync("campaign", "report", "--db", dir.File("org.db"), "--from", "2026-07-01", "--to", "2026-06-01");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--to (2026-06-01) must be after --from (2026-07-01)", result.Stderr);
    }
}
