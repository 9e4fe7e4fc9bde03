using Microsoft.Xrm.Sdk;
using RetentionInsights.Plugins.Insights;
using RetentionInsights.Plugins.Tests.Fakes;

namespace RetentionInsights.Plugins.Tests.Insights;

/// <summary>Retry-After handling: wait for a short pause once, never sit out a long one inside a form's call.</summary>
public sealed class InsightsServiceTests
{
    private static readonly ScoringSettings Settings = new("https://rtn-scoring.example.net/api/", "key");
    private readonly List<TimeSpan> _waits = [];
    private readonly FakeTracingService _tracing = new();

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public void Fetch_BusyWithShortRetryAfter_WaitsThatLongAndRetriesOnce(int status)
    {
        var transport = new FakeInsightsTransport(
            TransportResponse.Completed(status, string.Empty, TimeSpan.FromSeconds(1)),
            TransportResponse.Completed(200, "{\"ok\":true}"));

        var json = new InsightsService(transport, _tracing, _waits.Add).Fetch(Settings, Guid.NewGuid());

        Assert.Equal("{\"ok\":true}", json);
        Assert.Equal([TimeSpan.FromSeconds(1)], _waits);
        Assert.Equal(2, transport.Calls.Count);
    }

    [Fact]
    public void Fetch_StillBusyAfterRetry_FailsWithTheServersRetryAfter()
    {
        var transport = new FakeInsightsTransport(TransportResponse.Completed(429, string.Empty, TimeSpan.FromSeconds(2)));

        var error = Assert.Throws<InvalidPluginExecutionException>(() =>
            new InsightsService(transport, _tracing, _waits.Add).Fetch(Settings, Guid.NewGuid()));

        Assert.Equal(2, transport.Calls.Count);
        Assert.Contains("try again in 2 seconds", error.Message, StringComparison.Ordinal);
        Assert.Equal(PluginHttpStatusCode.TooManyRequests, error.HttpStatus);
    }

    [Fact]
    public void Fetch_BusyWithLongRetryAfter_FailsAtOnceTellingWhenToRetry()
    {
        var transport = new FakeInsightsTransport(TransportResponse.Completed(429, string.Empty, TimeSpan.FromSeconds(30)));

        var error = Assert.Throws<InvalidPluginExecutionException>(() =>
            new InsightsService(transport, _tracing, _waits.Add).Fetch(Settings, Guid.NewGuid()));

        Assert.Single(transport.Calls);
        Assert.Empty(_waits);
        Assert.Contains("try again in 30 seconds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fetch_BusyWithoutRetryAfter_DoesNotRetry()
    {
        var transport = new FakeInsightsTransport(TransportResponse.Completed(503, string.Empty));

        var error = Assert.Throws<InvalidPluginExecutionException>(() =>
            new InsightsService(transport, _tracing, _waits.Add).Fetch(Settings, Guid.NewGuid()));

        Assert.Single(transport.Calls);
        Assert.Equal(PluginHttpStatusCode.ServiceUnavailable, error.HttpStatus);
    }

    [Fact]
    public void Fetch_BaseUrlWithApiSuffix_CallsTheInsightsRouteOnce()
    {
        var contactId = Guid.Parse("c3a1e5f0-7d2b-4f11-a670-000d3a1c2b11");
        var transport = new FakeInsightsTransport(TransportResponse.Completed(200, "{}"));

        new InsightsService(transport, _tracing, _waits.Add).Fetch(Settings, contactId);

        Assert.Equal("https://rtn-scoring.example.net/api/customers/c3a1e5f0-7d2b-4f11-a670-000d3a1c2b11/insights", transport.Calls[0].Uri.AbsoluteUri);
    }
}
