using Microsoft.Xrm.Sdk;
using RetentionInsights.Plugins.Configuration;
using RetentionInsights.Plugins.Tests.Fakes;

namespace RetentionInsights.Plugins.Tests.Rescoring;

public sealed class RescoreConfigurationTests
{
    [Fact]
    public void TryParse_FullConfiguration_ReadsEveryField()
    {
        var ok = RescoreConfiguration.TryParse(StepConfigurations.Standard(maxDepth: 3), out var configuration, out _);

        Assert.True(ok);
        Assert.Equal(StepConfigurations.EndpointId, configuration!.ServiceEndpointId);
        Assert.Equal(StepConfigurations.ScoringServiceUserId, configuration.ScoringServiceUserId);
        Assert.Equal(StepConfigurations.ScoringServiceApplicationId, configuration.ScoringServiceApplicationId);
        Assert.Equal(3, configuration.MaxDepth);
    }

    [Fact]
    public void TryParse_EmptyOptionalIds_DefaultsDepthAndHasNoServiceIdentity()
    {
        var json = "{\"serviceEndpointId\":\"" + StepConfigurations.EndpointId + "\",\"scoringServiceUserId\":\"\",\"extra\":[1,2]}";

        var ok = RescoreConfiguration.TryParse(json, out var configuration, out _);

        Assert.True(ok);
        Assert.False(configuration!.HasServiceIdentity);
        Assert.Equal(RescoreConfiguration.DefaultMaxDepth, configuration.MaxDepth);
    }

    [Theory]
    [InlineData(null, "no unsecure configuration")]
    [InlineData("   ", "no unsecure configuration")]
    [InlineData("{\"serviceEndpointId\":", "not valid JSON")]
    [InlineData("{}", "serviceEndpointId is missing")]
    [InlineData("{\"serviceEndpointId\":\"endpoint-1\"}", "serviceEndpointId in the step's unsecure configuration is not a GUID")]
    [InlineData("{\"serviceEndpointId\":\"00000000-0000-0000-0000-000000000000\"}", "empty GUID")]
    [InlineData("{\"serviceEndpointId\":\"6a1f3c2e-8b4d-4e7a-9c51-2d7e0f4b8a13\",\"scoringServiceUserId\":\"svc\"}", "scoringServiceUserId")]
    [InlineData("{\"serviceEndpointId\":\"6a1f3c2e-8b4d-4e7a-9c51-2d7e0f4b8a13\",\"maxDepth\":0}", "maxDepth")]
    [InlineData("{\"serviceEndpointId\":\"6a1f3c2e-8b4d-4e7a-9c51-2d7e0f4b8a13\",\"maxDepth\":\"deep\"}", "not valid JSON")]
    public void TryParse_BadConfiguration_ExplainsWhichFieldToFix(string? json, string expected)
    {
        var ok = RescoreConfiguration.TryParse(json, out var configuration, out var error);

        Assert.False(ok);
        Assert.Null(configuration);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_StepWithBadConfiguration_FailsWithTheConfigurationErrorInsteadOfPosting()
    {
        var pipeline = new FakePipeline();
        var contact = new DataProducer(pipeline.Service).Contact();
        pipeline.Event("Update", "contact", contact.Id).Target(DataProducer.Slice(contact, "donotemail"));

        var error = Assert.Throws<InvalidPluginExecutionException>(() => pipeline.Run(new RescoreTrigger("{}", string.Empty)));

        Assert.Contains("serviceEndpointId is missing", error.Message, StringComparison.Ordinal);
        Assert.Empty(pipeline.Notifications.Posts);
    }
}
