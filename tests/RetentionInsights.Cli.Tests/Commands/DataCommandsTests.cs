using System.Text.Json;

using RetentionInsights.Data.Tests;

namespace RetentionInsights.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public class DataCommandsTests
{
    [Fact]
    public async Task Generate_Json_PrintsSummaryAndWritesTruth()
    {
        using var dir = new TempDirectory();
        var result = await CliRunner.RunAsync("generate", "--contacts", "300", "--seed", "4", "--db", dir.File("org.db"),
            "--truth-as-of", "2026-06-01", "--truth-out", dir.File("truth.csv"), "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var summary = json.RootElement.GetProperty("summary");
        Assert.Equal(300, summary.GetProperty("contacts").GetInt64());
        Assert.True(summary.GetProperty("invoices").GetInt64() > 300 * 6);
        Assert.Equal(json.RootElement.GetProperty("truthRows").GetInt32() + 1, File.ReadAllLines(dir.File("truth.csv")).Length);
    }

    [Theory]
    [InlineData("--until", "2026-11-15", "--until must be the first day of a month")]
    [InlineData("--until", "15-11-2026", "--until: '15-11-2026' is not a date")]
    [InlineData("--truth-as-of", "2026-06-01", "--truth-as-of needs --truth-out FILE")]
    [InlineData("--contacts", "0", "--contacts must be between 1 and 5,000,000")]
    [InlineData("--export-mode", "sap", "--export-mode must be standard or erp")]
    [InlineData("--export-at", "2020-01-01", "--export-at must be inside the simulated window")]
    public async Task Generate_BadOption_ExitsWith2AndExplains(string option, string value, string expected)
    {
        using var dir = new TempDirectory();
        var result = await CliRunner.RunAsync("generate", "--db", dir.File("org.db"), option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.False(File.Exists(dir.File("org.db")));
    }

    [Fact]
    public async Task Generate_TruthHorizonPastUntil_ExitsWith2AndNamesTheLatestTruthDate()
    {
        using var dir = new TempDirectory();
        var result = await CliRunner.RunAsync("generate", "--contacts", "50", "--db", dir.File("org.db"), "--until", "2027-01-01",
            "--truth-as-of", "2026-12-01", "--truth-out", dir.File("truth.csv"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("use --truth-as-of 2026-10-01 or earlier", result.Stderr);
        Assert.DoesNotContain("Exception", result.Stderr);
        Assert.False(File.Exists(dir.File("org.db")));
        Assert.False(File.Exists(dir.File("truth.csv")));
    }

    [Fact]
    public async Task Summary_MissingDatabase_TellsHowToCreateOne()
    {
        using var dir = new TempDirectory();
        var result = await CliRunner.RunAsync("summary", "--db", dir.File("none.db"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("rtn generate --db", result.Stderr);
    }

    [Theory]
    [InlineData("not a database at all\n", "the file is not a SQLite database")]
    [InlineData("", "the database has no contact table")]
    public async Task Commands_DbThatIsNotALocalOrg_ExitWith2NamingTheFileAndLeaveItAlone(string content, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.File("wrong.db");
        File.WriteAllText(path, content);
        var key = Environment.GetEnvironmentVariable("RTN_API_KEY");
        Environment.SetEnvironmentVariable("RTN_API_KEY", "a-long-enough-test-key-0123456789");
        try
        {
            foreach (var command in new[]
            {
                new[] { "summary", "--db", path }, ["train", "--db", path, "--models", dir.File("models")],
                ["score", "--db", path, "--models", dir.File("models")], ["campaign", "report", "--db", path],
                ["warnings", "scan", "--db", path], ["serve", "--db", path, "--models", dir.File("models"), "--urls", "http://127.0.0.1:7399"],
            })
            {
                var result = await CliRunner.RunAsync(command);

                Assert.True(result.ExitCode == 2, $"{command[0]}: exit {result.ExitCode}, {result.Stderr}");
                Assert.Contains($"'{path}' is not a local org: {expected}", result.Stderr);
                Assert.DoesNotContain("   at ", result.Stderr);
                Assert.Equal(content, File.ReadAllText(path));
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable("RTN_API_KEY", key);
        }
    }

    [Fact]
    public async Task ExportThenImport_ViaCli_SucceedsAndReportsRows()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, (await CliRunner.RunAsync("generate", "--contacts", "60", "--db", dir.File("a.db"), "--json")).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("export", "--db", dir.File("a.db"), "--to", dir.File("csv"))).ExitCode);

        var result = await CliRunner.RunAsync("import", "--from", dir.File("csv"), "--db", dir.File("b.db"), "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var contact = json.RootElement.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("file").GetString() == "contact.csv");
        Assert.Equal(60, contact.GetProperty("rowsImported").GetInt32());
    }

    [Fact]
    public async Task Import_BadRow_ExitsWith2AndNamesLineAndColumn()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("in"));
        File.WriteAllText(dir.File("in/contact.csv"), "contactid,lastname,createdon,statecode\nnot-a-guid,Smit,2024-01-01T00:00:00Z,0\n");

        var result = await CliRunner.RunAsync("import", "--from", dir.File("in"), "--db", dir.File("org.db"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("contact.csv line 2, column contactid: 'not-a-guid' is not a GUID", result.Stdout);
    }
}
