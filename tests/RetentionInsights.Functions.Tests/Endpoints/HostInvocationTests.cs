using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Endpoints;

/// <summary>Under the Functions host, timers and queue messages arrive from the host on loopback without a key.</summary>
[Collection(ServiceTests.Name)]
public sealed class HostInvocationTests(ServiceFixture fixture)
{
    private sealed class RemoteAddress(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware();
            });
            next(app);
        };
    }

    private TestApp App(IPAddress from) => new(fixture, new() { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "7777" },
        services => services.AddSingleton<IStartupFilter>(new RemoteAddress(from)));

    private static StringContent Invocation() => new("{\"Data\":{\"chunk\":\"{\\\"batchId\\\":\\\"nope\\\",\\\"chunk\\\":0}\"},\"Metadata\":{}}", Encoding.UTF8, "application/json");

    [Fact]
    public async Task QueueInvocation_FromTheHostOnLoopbackWithoutKey_IsAccepted()
    {
        using var app = App(IPAddress.Loopback);

        var response = await app.CreateClient().PostAsync("/RescoreChunk", Invocation());

        // Reaches the handler (which rejects the unknown batch) instead of stopping at authentication.
        Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("no checkpoint", (await TestApp.ReadJsonAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task QueueInvocation_FromAnotherAddressWithoutKey_Returns401()
    {
        using var app = App(IPAddress.Parse("10.1.2.3"));

        var response = await app.CreateClient().PostAsync("/RescoreChunk", Invocation());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task HttpRoute_UnderTheHostOnLoopbackWithoutKey_StillReturns401()
    {
        using var app = App(IPAddress.Loopback);

        var response = await app.CreateClient().GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
