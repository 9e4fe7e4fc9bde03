using System.Net;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Endpoints;

/// <summary>/api/health tells the truth about scoring: degraded (503, with the reason) whenever the champion is not what scores.</summary>
[Collection(ServiceTests.Name)]
public sealed class HealthTests(ServiceFixture fixture)
{
    [Theory]
    [InlineData("", "champion pointer is empty")]
    [InlineData("   \n\n", "champion pointer is empty")]
    [InlineData("no-such-version\n", "cannot be loaded")]
    [InlineData("../../etc/passwd\r\n\u0001garbage", "cannot be loaded")]
    public async Task Health_BrokenChampionPointer_Is503DegradedWithTheReason(string pointer, string reason)
    {
        var models = CopyModels(fixture, pointer);
        using var app = new TestApp(fixture, models: models);
        using var client = app.KeyedClient();

        var response = await client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        var health = await TestApp.ReadJsonAsync(response);
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Contains(reason, health.GetProperty("reason").GetString());
        Assert.DoesNotContain("passwd", health.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Event_BrokenChampionPointer_IsRetryable503NotNotScored()
    {
        using var app = new TestApp(fixture, models: CopyModels(fixture, "garbage"));
        var contact = DataProducer.ActiveContactWithCases(app.DbPath);
        var incident = DataProducer.AnyIncidentOf(app.DbPath, contact);
        using var client = app.KeyedClient();

        var response = await client.SendAsync(Webhook.Request(Webhook.IncidentUpdate(incident, contact, Guid.NewGuid(), Guid.NewGuid(), "x")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(RetentionInsights.Functions.Events.DataverseEventProcessor.NoModelRetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        Assert.Null(OrgSql.Scalar<double?>(app.DbPath, "SELECT rtn_churnprobability FROM contact WHERE contactid = $id", ("$id", contact.ToString("D"))));
    }

    [Fact]
    public async Task Health_ChampionUnloadableButAnEarlierOneLoads_IsDegradedNamingTheFallbackWhileEventsStillScore()
    {
        var models = CopyModels(fixture, $"broken-v2\n{fixture.ChampionVersion}\n");
        // A newer champion whose model file is damaged.
        var broken = Path.Combine(models, "broken-v2");
        Directory.CreateDirectory(broken);
        var metadata = File.ReadAllText(Path.Combine(models, fixture.ChampionVersion, "metadata.json"))
            .Replace($"\"{fixture.ChampionVersion}\"", "\"broken-v2\"", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(broken, "metadata.json"), metadata);
        File.WriteAllText(Path.Combine(broken, "model.zip"), "not a zip");
        using var app = new TestApp(fixture, models: models);
        var contact = DataProducer.ActiveContactWithCases(app.DbPath);
        var incident = DataProducer.AnyIncidentOf(app.DbPath, contact);
        using var client = app.KeyedClient();

        var response = await client.GetAsync("/api/health");
        var evt = await client.SendAsync(Webhook.Request(Webhook.IncidentUpdate(incident, contact, Guid.NewGuid(), Guid.NewGuid(), "x")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var health = await TestApp.ReadJsonAsync(response);
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Contains("fallback", health.GetProperty("reason").GetString());
        Assert.Equal(fixture.ChampionVersion, health.GetProperty("loadedModel").GetString());
        Assert.Equal(HttpStatusCode.OK, evt.StatusCode);
        Assert.Equal("scored", (await TestApp.ReadJsonAsync(evt)).GetProperty("status").GetString());
    }

    /// <summary>A copy of the trained model folder with <paramref name="pointer"/> as champion.txt.</summary>
    private static string CopyModels(ServiceFixture fixture, string pointer)
    {
        var target = fixture.EmptyModels();
        foreach (var directory in Directory.EnumerateDirectories(fixture.ModelsPath))
        {
            var copy = Path.Combine(target, Path.GetFileName(directory));
            Directory.CreateDirectory(copy);
            foreach (var file in Directory.EnumerateFiles(directory))
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }
        File.WriteAllText(Path.Combine(target, "champion.txt"), pointer);
        return target;
    }
}
