using RetentionInsights.Plugins.Tests.Fakes;

namespace RetentionInsights.Plugins.Tests.Rescoring;

/// <summary>The scoring service's own writes and chained events must never cause another rescore.</summary>
public sealed class LoopGuardTests
{
    private readonly FakePipeline _pipeline = new();
    private readonly Guid _contactId;

    public LoopGuardTests()
    {
        var contact = new DataProducer(_pipeline.Service).Contact();
        _contactId = contact.Id;
        _pipeline.Event("Update", "contact", contact.Id).Target(DataProducer.Slice(contact, "rtn_profilingoptout"));
    }

    [Fact]
    public void Execute_DepthAboveConfiguredMaximum_PostsNothing()
    {
        _pipeline.Context.Depth = 2;

        _pipeline.Run(new RescoreTrigger(StepConfigurations.Standard(), string.Empty));

        Assert.Empty(_pipeline.Notifications.Posts);
        Assert.Contains("SkippedDepth", _pipeline.Tracing.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_DepthWithinRaisedMaximum_Posts()
    {
        _pipeline.Context.Depth = 2;

        _pipeline.Run(new RescoreTrigger(StepConfigurations.Standard(maxDepth: 2), string.Empty));

        Assert.Single(_pipeline.Notifications.Posts);
    }

    [Fact]
    public void Execute_InitiatedByScoringServiceUser_PostsNothing()
    {
        _pipeline.Context.InitiatingUserId = StepConfigurations.ScoringServiceUserId;

        _pipeline.Run(new RescoreTrigger(StepConfigurations.Standard(), string.Empty));

        Assert.Empty(_pipeline.Notifications.Posts);
        Assert.Contains("SkippedOwnWrite", _pipeline.Tracing.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_RunningAsScoringServiceUser_PostsNothing()
    {
        _pipeline.Context.UserId = StepConfigurations.ScoringServiceUserId;

        _pipeline.Run(new RescoreTrigger(StepConfigurations.Standard(), string.Empty));

        Assert.Empty(_pipeline.Notifications.Posts);
    }

    [Fact]
    public void Execute_InitiatedByScoringServiceApplication_PostsNothing()
    {
        _pipeline.Context.InitiatingUserApplicationId = StepConfigurations.ScoringServiceApplicationId;

        _pipeline.Run(new RescoreTrigger(StepConfigurations.Standard(), string.Empty));

        Assert.Empty(_pipeline.Notifications.Posts);
    }

    [Fact]
    public void Execute_AgentChangeAtTopLevel_Posts()
    {
        _pipeline.Run(new RescoreTrigger(StepConfigurations.Standard(), string.Empty));

        Assert.Equal(_contactId.ToString("D"), Assert.Single(_pipeline.Notifications.Posts).SharedVariables["rtn_contactid"]);
    }

    [Fact]
    public void Execute_NoServiceIdentityConfigured_PostsAndWarnsInTheTrace()
    {
        var configuration = "{\"serviceEndpointId\":\"" + StepConfigurations.EndpointId + "\"}";

        _pipeline.Run(new RescoreTrigger(configuration, string.Empty));

        Assert.Single(_pipeline.Notifications.Posts);
        Assert.Contains("Warning: no scoringServiceUserId", _pipeline.Tracing.Text, StringComparison.Ordinal);
    }
}
