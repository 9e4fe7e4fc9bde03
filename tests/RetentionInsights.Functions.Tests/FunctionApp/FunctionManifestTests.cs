using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.FunctionApp;

/// <summary>
/// The Azure Functions host only knows the functions in the deployed folders; the app only knows its endpoints. These
/// tests keep both lists identical: every function.json maps to a handled route and every route has a function.json.
/// </summary>
[Collection(ServiceTests.Name)]
public sealed class FunctionManifestTests(ServiceFixture fixture)
{
    // The build copies host.json and the function folders next to the service executable, as they are deployed.
    private static readonly string AppRoot = Path.GetDirectoryName(typeof(Program).Assembly.Location)!;

    private static IReadOnlyList<(string Name, JsonElement Trigger)> Functions() =>
        Directory.EnumerateFiles(AppRoot, "function.json", SearchOption.AllDirectories)
            .Select(path => (Name: Path.GetFileName(Path.GetDirectoryName(path))!, Json: JsonDocument.Parse(File.ReadAllText(path)).RootElement))
            .Select(f => (f.Name, f.Json.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("direction").GetString() == "in")))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();

    private static IReadOnlyList<RouteEndpoint> Endpoints(TestApp app) =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

    [Fact]
    public void HostJson_DeclaresACustomHandlerThatForwardsHttpRequestsToThisExecutable()
    {
        var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppRoot, "host.json"))).RootElement;

        var handler = host.GetProperty("customHandler");
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.Equal(typeof(Program).Assembly.GetName().Name, handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.Equal("api", host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [Fact]
    public void EveryFunctionJson_MapsToAHandledRouteWithTheSameMethods()
    {
        using var app = new TestApp(fixture);
        var endpoints = Endpoints(app);
        var functions = Functions();
        Assert.NotEmpty(functions);

        foreach (var (name, trigger) in functions)
        {
            var type = trigger.GetProperty("type").GetString();
            var endpoint = endpoints.SingleOrDefault(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == name);
            Assert.True(endpoint is not null, $"function {name} has no endpoint named {name}");
            var methods = endpoint!.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods;
            if (type == "httpTrigger")
            {
                Assert.Equal("function", trigger.GetProperty("authLevel").GetString());
                Assert.Equal("api/" + trigger.GetProperty("route").GetString(), endpoint.RoutePattern.RawText!.TrimStart('/'));
                Assert.Equal(trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).Order(), methods.Order());
            }
            else
            {
                // Timers and queues: the host POSTs the invocation payload to /<FunctionName>.
                Assert.Contains(type, new[] { "timerTrigger", "queueTrigger" });
                Assert.Equal(name, endpoint.RoutePattern.RawText!.TrimStart('/'));
                Assert.Equal(["POST"], methods);
            }
        }
    }

    [Fact]
    public void EveryEndpoint_HasAFunctionJson()
    {
        using var app = new TestApp(fixture);
        var names = Functions().Select(f => f.Name).ToHashSet(StringComparer.Ordinal);

        var unmapped = Endpoints(app).Select(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? e.RoutePattern.RawText!)
            .Where(n => !names.Contains(n)).ToList();

        Assert.Empty(unmapped);
    }

    [Fact]
    public void Triggers_CoverTheNightlyRescoreWeeklyTrainingAndTheChunkQueue()
    {
        var functions = Functions().ToDictionary(f => f.Name, f => f.Trigger);

        Assert.Equal("timerTrigger", functions["NightlyRescore"].GetProperty("type").GetString());
        Assert.Equal("timerTrigger", functions["WeeklyTrain"].GetProperty("type").GetString());
        Assert.Equal("queueTrigger", functions["RescoreChunk"].GetProperty("type").GetString());
        Assert.Equal(RetentionInsights.Functions.Hosting.ServiceRegistration.RescoreQueueName, functions["RescoreChunk"].GetProperty("queueName").GetString());
        Assert.Equal("chunk", functions["RescoreChunk"].GetProperty("name").GetString());
    }
}
