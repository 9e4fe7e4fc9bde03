using Microsoft.Xrm.Sdk;
using RetentionInsights.Plugins.Insights;

namespace RetentionInsights.Plugins.Tests.Insights;

public sealed class ScoringEndpointTests
{
    private static readonly Guid ContactId = Guid.Parse("11111111-2222-4333-8444-555555555555");

    [Theory]
    [InlineData("https://rtn.example.net", "https://rtn.example.net/api/customers/11111111-2222-4333-8444-555555555555/insights")]
    [InlineData("https://rtn.example.net/", "https://rtn.example.net/api/customers/11111111-2222-4333-8444-555555555555/insights")]
    [InlineData("https://rtn.example.net/api", "https://rtn.example.net/api/customers/11111111-2222-4333-8444-555555555555/insights")]
    [InlineData(" https://rtn.example.net:8443/retention/ ", "https://rtn.example.net:8443/retention/api/customers/11111111-2222-4333-8444-555555555555/insights")]
    public void InsightsUri_AnyFormOfTheBaseUrl_EndsAtTheInsightsRoute(string baseUrl, string expected)
    {
        Assert.Equal(expected, ScoringEndpoint.InsightsUri(baseUrl, ContactId).AbsoluteUri);
    }

    [Theory]
    [InlineData("https://[::1]/")]
    [InlineData("https://127.0.0.1/")]
    [InlineData("ftp://rtn.example.net/")]
    [InlineData("")]
    public void InsightsUri_AddressTheSandboxBlocks_IsRejected(string baseUrl)
    {
        Assert.Throws<InvalidPluginExecutionException>(() => ScoringEndpoint.InsightsUri(baseUrl, ContactId));
    }
}
