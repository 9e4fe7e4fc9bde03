using Microsoft.Xrm.Sdk;
using RetentionInsights.Plugins.Configuration;
using RetentionInsights.Plugins.Tests.Fakes;

namespace RetentionInsights.Plugins.Tests.Rescoring;

public sealed class RescoreConfigurationTests
{
    [Fact]
    public void TryParse_FullConfiguration_ReadsEveryField()
    {
        var ok = RescoreConfiguration.TryParse(StepConfigurations.Standard(maxDepth: 3), out var configuration, out var error);

        Assert.True(ok, error);
        Assert.Equal(StepConfigurations.EndpointId, configuration!.ServiceEndpointId);
        Assert.Equal(3, configuration.MaxDepth);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData("{}")]
    public void TryParse_NothingSet_UsesTheShippedWebhookAndDepthOne(string? json)
    {
        var ok = RescoreConfiguration.TryParse(json, out var configuration, out var error);

        Assert.True(ok, error);
        Assert.Equal(StepConfigurations.EndpointId, configuration!.ServiceEndpointId);
        Assert.Equal(RescoreConfiguration.DefaultMaxDepth, configuration.MaxDepth);
    }

    [Theory]
    [InlineData("{\"serviceEndpointId\":", "not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("{\"serviceEndpointId\":\"endpoint-1\"}", "serviceEndpointId in the step's unsecure configuration must be the id")]
    [InlineData("{\"serviceEndpointId\":\"00000000-0000-0000-0000-000000000000\"}", "serviceEndpointId")]
    [InlineData("{\"serviceEndpointId\":42}", "serviceEndpointId")]
    [InlineData("{\"maxDepth\":0}", "maxDepth")]
    [InlineData("{\"maxDepth\":1.5}", "maxDepth")]
    [InlineData("{\"maxDepth\":\"deep\"}", "maxDepth")]
    [InlineData("{\"maxDepth\":1,\"maxDepth\":2}", "more than once")]
    public void TryParse_BadValue_ExplainsWhichKeyToFix(string json, string expected)
    {
        var ok = RescoreConfiguration.TryParse(json, out var configuration, out var error);

        Assert.False(ok);
        Assert.Null(configuration);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"maxdepth\":1}", "maxdepth")]
    [InlineData("{\"serviceEndpointID\":\"6a1f3c2e-8b4d-4e7a-9c51-2d7e0f4b8a13\"}", "serviceEndpointID")]
    [InlineData("{\"extra\":[1,2]}", "extra")]
    [InlineData("{\"not a name\":true}", "not a name")]
    public void TryParse_UnknownKey_IsRefusedNamingTheKey(string json, string key)
    {
        var ok = RescoreConfiguration.TryParse(json, out _, out var error);

        Assert.False(ok);
        Assert.Contains($"unknown key \"{key}\"", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("scoringServiceUserId", "rtn_ScoringServiceUserId")]
    [InlineData("scoringServiceApplicationId", "rtn_ScoringServiceApplicationId")]
    public void TryParse_ServiceIdentityInTheStep_PointsToTheEnvironmentVariable(string key, string variable)
    {
        var json = "{\"serviceEndpointId\":\"" + StepConfigurations.EndpointId + "\",\"" + key + "\":\"" + Guid.NewGuid() + "\"}";

        var ok = RescoreConfiguration.TryParse(json, out _, out var error);

        Assert.False(ok);
        Assert.Contains(variable, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_StepWithUnknownKey_FailsWithTheConfigurationErrorInsteadOfPosting()
    {
        var pipeline = new FakePipeline();
        var contact = new DataProducer(pipeline.Service).Contact();
        pipeline.Event("Update", "contact", contact.Id).Target(DataProducer.Slice(contact, "donotemail"));

        var error = Assert.Throws<InvalidPluginExecutionException>(() => pipeline.Run(new RescoreTrigger("{\"maxDeph\":2}", string.Empty)));

        Assert.Contains("unknown key \"maxDeph\"", error.Message, StringComparison.Ordinal);
        Assert.Empty(pipeline.Notifications.Posts);
    }
}
