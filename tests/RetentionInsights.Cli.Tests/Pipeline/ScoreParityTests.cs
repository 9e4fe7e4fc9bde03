using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Tests;
using RetentionInsights.Functions.Hosting;

namespace RetentionInsights.Cli.Tests.Pipeline;

/// <summary>
/// `rtn score --as-of D` on one copy of an org and a service batch rescore with asOf D on another copy of the same org and
/// models write the same contact score columns, recommendation rows and alert rows (ids and timestamps excepted).
/// </summary>
[Collection(CliCollection.Name)]
public sealed class ScoreParityTests
{
    private const string AsOf = "2026-08-01";
    private const string Key = "parity-test-key-0123456789";

    [Fact]
    public async Task RtnScoreAndServiceBatch_SameOrgModelsAndDate_WriteIdenticalRows()
    {
        using var dir = new TempDirectory();
        var org = Path.Combine(dir.Path, "org.db");
        var models = Path.Combine(dir.Path, "models");
        Assert.Equal(0, (await CliRunner.RunAsync("generate", "--contacts", "700", "--seed", "11", "--db", org, "--until", "2026-11-01")).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("train", "--db", org, "--models", models, "--as-of", AsOf, "--json")).ExitCode);
        var cli = Path.Combine(dir.Path, "cli.db");
        var service = Path.Combine(dir.Path, "service.db");
        File.Copy(org, cli);
        File.Copy(org, service);

        var score = await CliRunner.RunAsync("score", "--db", cli, "--models", models, "--as-of", AsOf, "--json");
        Assert.True(score.ExitCode == 0, score.Stderr);
        await RescoreWithTheServiceAsync(service, models);
        SqliteConnection.ClearAllPools();

        var cliRows = Snapshot(cli);
        var serviceRows = Snapshot(service);
        Assert.True(cliRows["contact"].Count(r => r.Contains("|0.", StringComparison.Ordinal)) > 100, "too few contacts were scored to compare");
        Assert.NotEmpty(cliRows["rtn_offerrecommendation"]);
        foreach (var table in cliRows.Keys)
            Assert.Equal(cliRows[table], serviceRows[table]);
    }

    private static async Task RescoreWithTheServiceAsync(string db, string models)
    {
        await using var app = LocalServiceHost.Build(new Dictionary<string, string?>
        {
            ["RTN_API_KEY"] = Key,
            ["Retention:LocalOrgPath"] = db,
            ["Retention:ModelsPath"] = models,
        }, "http://127.0.0.1:0");
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(2) };
            client.DefaultRequestHeaders.Add("x-functions-key", Key);
            var started = await client.PostAsJsonAsync("/api/rescore", new { asOf = AsOf });
            Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
            var batch = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("batchId").GetString();
            for (var i = 0; i < 1200; i++)
            {
                var status = await client.GetFromJsonAsync<JsonElement>($"/api/rescore/{batch}");
                if (status.GetProperty("completed").GetBoolean())
                    return;
                await Task.Delay(100);
            }
            Assert.Fail("the service batch did not complete within two minutes");
        }
        finally
        {
            await app.StopAsync();
        }
    }

    /// <summary>What the pipeline wrote, row by row, without ids, creation times and scoring times.</summary>
    private static Dictionary<string, List<string>> Snapshot(string db)
    {
        var queries = new Dictionary<string, string>
        {
            ["contact"] = """
                SELECT contactid, rtn_churnprobability, rtn_previouschurnprobability, rtn_churnriskband, rtn_clv12m, rtn_clv36m, rtn_palive,
                       rtn_valuesegment, rtn_churnreasons, rtn_earlywarninglevel, rtn_modelversion
                FROM contact ORDER BY contactid
                """,
            ["rtn_offerrecommendation"] = """
                SELECT rtn_contactid, rtn_offerid, rtn_rank, rtn_acceptanceprobability, rtn_expectedvalue, rtn_reason, rtn_status, rtn_channel, rtn_modelversion
                FROM rtn_offerrecommendation ORDER BY rtn_contactid, rtn_offerid, rtn_status, rtn_rank
                """,
            ["rtn_retentionalert"] = """
                SELECT rtn_contactid, rtn_level, rtn_signals, rtn_sentiment, rtn_dueby, rtn_status, rtn_feedback
                FROM rtn_retentionalert ORDER BY rtn_contactid, rtn_level, rtn_dueby
                """,
        };
        using var connection = new SqliteConnection(LocalOrgDatabase.ConnectionString(db));
        connection.Open();
        var rows = new Dictionary<string, List<string>>();
        foreach (var (table, sql) in queries)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var list = new List<string>();
            while (reader.Read())
                list.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
            rows[table] = list;
        }
        return rows;
    }
}
