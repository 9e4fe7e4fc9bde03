using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Functions.Hosting;

namespace RetentionInsights.Functions.Tests.Support;

/// <summary>The real service in memory — the local host of the app's functions on a test server — on a private copy of the generated org.</summary>
public sealed class TestApp : IDisposable
{
    public const string Key = "test-key-0123456789abcdef";

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private WebApplication? _app;

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

    /// <summary>The running app, built on first use (so a test can still change settings before it starts).</summary>
    private WebApplication App
    {
        get
        {
            if (_app is null)
            {
                _app = LocalServiceHost.Build(_settings, configureServices: _services, configureWebHost: web => web.UseTestServer());
                _app.StartAsync().GetAwaiter().GetResult();
            }
            return _app;
        }
    }

    public IServiceProvider Services => App.Services;

    public HttpClient CreateClient() => App.GetTestClient();

    public void Dispose()
    {
        if (_app is not null)
        {
            _app.StopAsync().GetAwaiter().GetResult();
            ((IDisposable)_app).Dispose();
        }
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
