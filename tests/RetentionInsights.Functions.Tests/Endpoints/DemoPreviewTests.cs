using System.Net;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Endpoints;

[Collection(ServiceTests.Name)]
public sealed class DemoPreviewTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Root_WithDemoFolder_ServesThePreviewPageWhileTheApiStillNeedsTheKey()
    {
        var folder = Path.Combine(fixture.Root, "harness-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "index.html"), "<!doctype html><html><body>preview</body></html>");
        using var app = new TestApp(fixture, new() { ["Retention:DemoFolder"] = folder });
        using var client = app.CreateClient();

        var page = await client.GetAsync("/");
        var api = await client.GetAsync("/api/customers?top=1");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("preview", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task Root_WithoutDemoFolder_Is404()
    {
        using var app = new TestApp(fixture);

        var page = await app.CreateClient().GetAsync("/");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
    }
}
