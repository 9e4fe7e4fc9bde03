using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace RetentionInsights.Functions.Tests.Support;

/// <summary>The real service in memory (WebApplicationFactory) on a private copy of the generated org.</summary>
public sealed class TestApp : WebApplicationFactory<Program>
{
    public const string Key = "test-key-0123456789abcdef";

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public TestApp(ServiceFixture fixture, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, string? models = null)
    {
        DbPath = fixture.CopyOrg();
        _settings = new Dictionary<string, string?>
        {
            ["RTN_API_KEY"] = Key,
            ["Retention:LocalOrgPath"] = DbPath,
            ["Retention:ModelsPath"] = models ?? fixture.ModelsPath,
            ["Retention:AsOf"] = "2026-11-01",
        };
        foreach (var (k, v) in settings ?? [])
            _settings[k] = v;
        _services = services;
    }

    public string DbPath { get; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (k, v) in _settings)
            builder.UseSetting(k, v);
        if (_services is not null)
            builder.ConfigureTestServices(_services);
    }

    /// <summary>A client that sends the key in the x-functions-key header.</summary>
    public HttpClient KeyedClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("x-functions-key", Key);
        return client;
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Json));
}
