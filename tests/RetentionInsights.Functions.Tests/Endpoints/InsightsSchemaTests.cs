using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Functions.Endpoints;
using RetentionInsights.Functions.Hosting;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Endpoints;

/// <summary>
/// The insights contract is one file (Endpoints/insights.schema.json): the service's answer, the panel's preview and its
/// browser fixtures are all held to it, so a field added on one side and not the other fails here.
/// </summary>
[Collection(ServiceTests.Name)]
public sealed class InsightsSchemaTests(ServiceFixture fixture)
{
    private static readonly string SchemaPath = Path.Combine(LocalServiceHost.FindRepositoryRoot(AppContext.BaseDirectory)!,
        "functions", "RetentionInsights.Functions", "Endpoints", "insights.schema.json");

    private static JsonNode SchemaNode => JsonNode.Parse(File.ReadAllText(SchemaPath))!;

    private static IEnumerable<string> JsonNames(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).Order();

    private static IEnumerable<string> SchemaNames(JsonNode? properties) =>
        properties!.AsObject().Select(p => p.Key).Order();

    [Fact]
    public void Schema_NamesExactlyThePropertiesTheServiceSerialises()
    {
        var schema = SchemaNode;
        Assert.Equal(JsonNames(typeof(InsightsResponse)), SchemaNames(schema["properties"]));
        Assert.Equal(JsonNames(typeof(OfferView)), SchemaNames(schema["definitions"]!["offer"]!["properties"]));
        Assert.Equal(JsonNames(typeof(AlertView)), SchemaNames(schema["definitions"]!["alert"]!["properties"]));
    }

    [Fact]
    public async Task GetInsights_ScoredControlOptedOutAndAlertedContacts_AnswerValidatesAgainstTheSchema()
    {
        var db = fixture.CopyOrg();
        using var app = new TestApp(fixture, new() { ["Retention:LocalOrgPath"] = db });
        await app.Services.GetRequiredService<CustomerRescorer>().RescoreAllAsync(null, null, CancellationToken.None);
        var ids = new[]
        {
            "SELECT rtn_contactid FROM rtn_offerrecommendation WHERE rtn_status = 471500000 LIMIT 1",
            "SELECT rtn_contactid FROM rtn_retentionalert WHERE rtn_status = 471500000 LIMIT 1",
            "SELECT contactid FROM contact WHERE rtn_retentiongroup = 471500001 LIMIT 1",
            "SELECT contactid FROM contact WHERE rtn_profilingoptout = 1 LIMIT 1",
            "SELECT contactid FROM contact WHERE statecode = 1 LIMIT 1",
        }.Select(sql => OrgSql.Scalar<string>(db, sql)).ToList();
        Assert.All(ids, Assert.NotNull);
        var schema = JsonSchema.FromFile(SchemaPath);

        foreach (var id in ids)
        {
            var response = await app.KeyedClient().GetAsync($"/api/customers/{id}/insights");
            response.EnsureSuccessStatusCode();
            using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var result = schema.Evaluate(answer.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(result.IsValid, $"insights of {id}: " + string.Join("; ",
                (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        }
    }
}
