using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Functions.Hosting;
using RetentionInsights.Functions.Http;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Http;

/// <summary>
/// Oversized request targets and headers on the real web server: answered with problem details that name the limit, not the
/// server's own empty 414/431.
/// </summary>
[Collection(ServiceTests.Name)]
public sealed class RequestLimitsTests(ServiceFixture fixture)
{
    private async Task<T> WithServerAsync<T>(Func<HttpClient, Task<T>> send)
    {
        await using var app = LocalServiceHost.Build(new Dictionary<string, string?>
        {
            ["RTN_API_KEY"] = TestApp.Key,
            ["Retention:LocalOrgPath"] = fixture.CopyOrg(),
            ["Retention:ModelsPath"] = fixture.ModelsPath,
            ["Retention:AsOf"] = "2026-11-01",
        }, "http://127.0.0.1:0");
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Add("x-functions-key", TestApp.Key);
            return await send(client);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static async Task<(HttpStatusCode Status, string? ContentType, string Body)> Read(HttpResponseMessage response) =>
        (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());

    [Fact]
    public async Task Get_QueryOf16KB_Is414ProblemDetailsNamingTheLimit()
    {
        var (status, type, body) = await WithServerAsync(async c => await Read(await c.GetAsync("/api/health?x=" + new string('a', 16 * 1024))));

        Assert.Equal(HttpStatusCode.RequestUriTooLong, status);
        Assert.Equal(Problems.ContentType, type);
        Assert.Contains($"at most {RequestLimits.MaxTargetBytes:N0}", body);
    }

    [Fact]
    public async Task Get_HeadersOf40KB_Is431ProblemDetailsNamingTheLimit()
    {
        var (status, type, body) = await WithServerAsync(async c =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health");
            request.Headers.Add("X-Padding", new string('b', 40 * 1024));
            return await Read(await c.SendAsync(request));
        });

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, status);
        Assert.Equal(Problems.ContentType, type);
        Assert.Contains($"at most {RequestLimits.MaxHeaderBytes:N0}", body);
    }

    [Fact]
    public async Task Get_TargetAndHeadersJustWithinTheLimits_ReachTheService()
    {
        var (status, type, _) = await WithServerAsync(async c =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/no-such-route?x=" + new string('a', RequestLimits.MaxTargetBytes - 100));
            request.Headers.Add("X-Padding", new string('b', RequestLimits.MaxHeaderBytes - 1024));
            return await Read(await c.SendAsync(request));
        });

        // The route's own answer, not a size limit.
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(Problems.ContentType, type);
    }
}
