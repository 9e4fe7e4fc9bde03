using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Functions.Hosting;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.FunctionApp;

/// <summary>
/// What the Functions host will run is the SDK-generated functions.metadata of the built app; what rtn serve runs is the
/// local host's route table. Both come from the [Function] attributes: these tests pin the functions and keep the two equal.
/// </summary>
[Collection(ServiceTests.Name)]
public sealed class FunctionMetadataTests(ServiceFixture fixture)
{
    private static string MetadataPath()
    {
        // The build writes functions.metadata beside the worker (functions/RetentionInsights.Functions/bin/<configuration>/net10.0).
        var root = LocalServiceHost.FindRepositoryRoot(AppContext.BaseDirectory)!;
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        return Path.Combine(root, "functions", "RetentionInsights.Functions", "bin", configuration, "net10.0", "functions.metadata");
    }

    private static IReadOnlyDictionary<string, JsonElement> Metadata()
    {
        var path = MetadataPath();
        Assert.True(File.Exists(path), $"functions.metadata is missing beside the worker ({path}): the Worker SDK did not generate it");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.EnumerateArray()
            .ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("bindings").EnumerateArray()
                .Single(b => string.Equals(b.GetProperty("direction").GetString(), "In", StringComparison.OrdinalIgnoreCase)));
    }

    private static string? Text(JsonElement binding, string name) =>
        binding.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static TheoryData<string, string, string> HttpFunctions => new()
    {
        { "DataverseEvents", "dataverse/events", "POST" },
        { "CustomerList", "customers", "GET" },
        { "CustomerInsights", "customers/{id}/insights", "GET" },
        { "OfferResponse", "customers/{id}/offers/{offerId}/response", "POST" },
        { "Rescore", "rescore", "POST" },
        { "RescoreStatus", "rescore/{batchId}", "GET" },
        { "ModelsTrain", "models/train", "POST" },
        { "ModelsList", "models", "GET" },
        { "CampaignReport", "campaign", "GET" },
        { "Health", "health", "GET" },
    };

    [Theory]
    [MemberData(nameof(HttpFunctions))]
    public void FunctionsMetadata_HttpFunction_HasRouteMethodAndFunctionKey(string name, string route, string method)
    {
        var binding = Metadata()[name];

        Assert.Equal("httpTrigger", Text(binding, "type"));
        Assert.Equal(route, Text(binding, "route"));
        Assert.Equal([method], binding.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()));
        Assert.Equal("function", Text(binding, "authLevel"), ignoreCase: true);
    }

    [Fact]
    public void FunctionsMetadata_QueueAndTimerFunctions_HaveQueueNameConnectionAndSchedules()
    {
        var metadata = Metadata();

        Assert.Equal("queueTrigger", Text(metadata["RescoreChunk"], "type"));
        Assert.Equal("rtn-rescore-chunks", Text(metadata["RescoreChunk"], "queueName"));
        Assert.Equal("RescoreQueue", Text(metadata["RescoreChunk"], "connection"));
        Assert.Equal("timerTrigger", Text(metadata["NightlyRescore"], "type"));
        Assert.Equal("%RTN_NIGHTLY_SCHEDULE%", Text(metadata["NightlyRescore"], "schedule"));
        Assert.Equal("timerTrigger", Text(metadata["WeeklyTrain"], "type"));
        Assert.Equal("%RTN_TRAIN_SCHEDULE%", Text(metadata["WeeklyTrain"], "schedule"));
    }

    [Fact]
    public void FunctionsMetadata_ListsExactlyTheAppsFunctions()
    {
        var expected = HttpFunctions.Select(row => (string)row[0]).Concat(["RescoreChunk", "NightlyRescore", "WeeklyTrain"]).Order(StringComparer.Ordinal);

        Assert.Equal(expected, Metadata().Keys.Order(StringComparer.Ordinal));
        Assert.Equal(expected, FunctionCatalog.All.Select(f => f.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void LocalHost_ServesExactlyTheHttpRoutesOfTheMetadata()
    {
        using var app = new TestApp(fixture);
        var served = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Name: e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "",
                Route: e.RoutePattern.RawText!.TrimStart('/'),
                Methods: string.Join(",", e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Order())))
            .OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        var declared = Metadata().Where(f => Text(f.Value, "type") == "httpTrigger")
            .Select(f => (Name: f.Key, Route: "api/" + Text(f.Value, "route"),
                Methods: string.Join(",", f.Value.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).Order())))
            .OrderBy(e => e.Name, StringComparer.Ordinal).ToList();

        Assert.Equal(declared, served);
    }

    [Fact]
    public void SourceTree_HoldsNoHandKeptFunctionJson()
    {
        var functions = Path.Combine(LocalServiceHost.FindRepositoryRoot(AppContext.BaseDirectory)!, "functions");
        var separator = Path.DirectorySeparatorChar;

        var handKept = Directory.EnumerateFiles(functions, "function.json", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{separator}bin{separator}", StringComparison.Ordinal) && !p.Contains($"{separator}obj{separator}", StringComparison.Ordinal));

        Assert.Empty(handKept);
    }
}
