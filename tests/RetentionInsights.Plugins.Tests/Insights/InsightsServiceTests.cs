using Microsoft.Xrm.Sdk;
using RetentionInsights.Plugins.Insights;
using RetentionInsights.Plugins.Tests.Fakes;

namespace RetentionInsights.Plugins.Tests.Insights;

/// <summary>One bounded call per request: a busy service's pause is passed on to the agent, never slept out in the sandbox.</summary>
public sealed class InsightsServiceTests
{
    private static readonly ScoringSettings Settings = new("https://rtn-scoring.example.net/api/", "key");
    private readonly FakeTracingService _tracing = new();

    [Theory]
    [InlineData(429, PluginHttpStatusCode.TooManyRequests)]
    [InlineData(503, PluginHttpStatusCode.ServiceUnavailable)]
    public void Fetch_BusyWithShortRetryAfter_FailsAtOnceTellingWhenToRetry(int status, PluginHttpStatusCode expected)
    {
        var transport = new FakeInsightsTransport(
            TransportResponse.Completed(status, string.Empty, TimeSpan.FromSeconds(1)),
            TransportResponse.Completed(200, "{\"ok\":true}"));

        var error = Assert.Throws<InvalidPluginExecutionException>(() => new InsightsService(transport, _tracing).Fetch(Settings, Guid.NewGuid()));

        Assert.Single(transport.Calls);
        Assert.Contains("try again in 1 seconds", error.Message, StringComparison.Ordinal);
        Assert.Equal(expected, error.HttpStatus);
    }

    [Fact]
    public void Fetch_BusyWithoutRetryAfter_SuggestsAMinute()
    {
        var transport = new FakeInsightsTransport(TransportResponse.Completed(503, string.Empty));

        var error = Assert.Throws<InvalidPluginExecutionException>(() => new InsightsService(transport, _tracing).Fetch(Settings, Guid.NewGuid()));

        Assert.Single(transport.Calls);
        Assert.Contains("try again in a minute", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public void Fetch_ServiceAnswersARedirect_RefusesItAndNamesTheEndpointVariable(int status)
    {
        var transport = new FakeInsightsTransport(TransportResponse.Completed(status, string.Empty));

        var error = Assert.Throws<InvalidPluginExecutionException>(() => new InsightsService(transport, _tracing).Fetch(Settings, Guid.NewGuid()));

        Assert.Single(transport.Calls);
        Assert.Contains($"redirect (HTTP {status}), which is refused", error.Message, StringComparison.Ordinal);
        Assert.Contains("rtn_ScoringEndpointUrl", error.Message, StringComparison.Ordinal);
        Assert.Equal(PluginHttpStatusCode.BadGateway, error.HttpStatus);
    }

    [Fact]
    public void Fetch_AnswerTooLarge_SaysSoInsteadOfBlamingTheEndpoint()
    {
        var transport = new FakeInsightsTransport(TransportResponse.TooLarge(200));

        var error = Assert.Throws<InvalidPluginExecutionException>(() => new InsightsService(transport, _tracing).Fetch(Settings, Guid.NewGuid()));

        Assert.Contains("more than 1 MiB", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("could not be reached", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("rtn_ScoringEndpointUrl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fetch_BaseUrlWithApiSuffix_CallsTheInsightsRouteOnce()
    {
        var contactId = Guid.Parse("c3a1e5f0-7d2b-4f11-a670-000d3a1c2b11");
        var transport = new FakeInsightsTransport(TransportResponse.Completed(200, "{}"));

        new InsightsService(transport, _tracing).Fetch(Settings, contactId);

        Assert.Equal("https://rtn-scoring.example.net/api/customers/c3a1e5f0-7d2b-4f11-a670-000d3a1c2b11/insights", Assert.Single(transport.Calls).Uri.AbsoluteUri);
    }
}
