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

/// <summary>Security headers on API answers (success and problem) and on the preview page.</summary>
[Collection(ServiceTests.Name)]
public sealed class SecurityHeaderTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Answers_ApiSuccessProblemAndPreview_CarryNoStoreNosniffDenyAndACsp()
    {
        var folder = Path.Combine(fixture.Root, "harness-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "index.html"), "<!doctype html><html><body>preview</body></html>");
        using var app = new TestApp(fixture, new() { ["Retention:DemoFolder"] = folder });
        using var client = app.CreateClient();

        var answers = new[]
        {
            await client.GetAsync("/"),
            await client.GetAsync("/api/customers?top=1"),
            await app.KeyedClient().GetAsync("/api/customers?top=1"),
            await app.KeyedClient().GetAsync("/api/customers?top=0"),
        };

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.OK, HttpStatusCode.BadRequest], answers.Select(a => a.StatusCode));
        foreach (var answer in answers)
        {
            Assert.Equal("no-store", answer.Headers.CacheControl?.ToString());
            Assert.Equal("nosniff", Assert.Single(answer.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("DENY", Assert.Single(answer.Headers.GetValues("X-Frame-Options")));
            Assert.Contains("frame-ancestors 'none'", Assert.Single(answer.Headers.GetValues("Content-Security-Policy")));
        }
        Assert.Equal(RetentionInsights.Functions.Http.SecurityHeaders.ApiPolicy, Assert.Single(answers[2].Headers.GetValues("Content-Security-Policy")));
    }

    [Fact]
    public void PreviewPolicy_AllowsExactlyTheInlineScriptsOfTheShippedHarness()
    {
        var root = RetentionInsights.Functions.Hosting.LocalServiceHost.FindRepositoryRoot(AppContext.BaseDirectory)!;
        var html = File.ReadAllText(Path.Combine(root, "pcf-controls", "RetentionInsightsPanel", "harness", "index.html"));
        var inline = System.Text.RegularExpressions.Regex.Matches(html, "<script>(.*?)</script>", System.Text.RegularExpressions.RegexOptions.Singleline)
            .Select(m => Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(m.Groups[1].Value)))).ToList();

        Assert.NotEmpty(inline);
        Assert.All(inline, hash => Assert.Contains($"'sha256-{hash}'", RetentionInsights.Functions.Http.SecurityHeaders.PreviewPolicy));
    }
}
