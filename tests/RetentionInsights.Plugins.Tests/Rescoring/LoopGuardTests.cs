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
        StepConfigurations.SetScoringServiceIdentity(_pipeline.Service);
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
    public void Execute_NoServiceIdentitySet_PostsAndWarnsInTheTrace()
    {
        _pipeline.Service.EnvironmentVariables["rtn_ScoringServiceUserId"] = " ";
        _pipeline.Service.EnvironmentVariables.TryRemove("rtn_ScoringServiceApplicationId", out _);
        _pipeline.Context.InitiatingUserId = StepConfigurations.ScoringServiceUserId;

        _pipeline.Run(new RescoreTrigger(StepConfigurations.Standard(), string.Empty));

        Assert.Single(_pipeline.Notifications.Posts);
        Assert.Contains("Warning: neither rtn_ScoringServiceUserId nor rtn_ScoringServiceApplicationId is set", _pipeline.Tracing.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_ServiceIdentityReadFromEnvironmentVariables_AsSystem()
    {
        _pipeline.Context.InitiatingUserId = StepConfigurations.ScoringServiceUserId;

        _pipeline.Run(new RescoreTrigger(StepConfigurations.Standard(), string.Empty));

        Assert.Empty(_pipeline.Notifications.Posts);
        var read = _pipeline.Service.ExecutedRequests.Where(r => r.RequestName == "RetrieveEnvironmentVariableValue").Select(r => (string)r["DefinitionSchemaName"]);
        Assert.Contains("rtn_ScoringServiceUserId", read);
        Assert.All(_pipeline.Factory.RequestedUsers, user => Assert.Null(user));
    }

    [Theory]
    [InlineData("rtn_ScoringServiceUserId", "0b6f3a77-1c2d-4e5f-8a9b-0c1d2e3f4a5")]
    [InlineData("rtn_ScoringServiceApplicationId", "scoring service")]
    public void Execute_ServiceIdentityWithATypo_FailsNamingTheVariableAndPostsNothing(string variable, string value)
    {
        _pipeline.Service.EnvironmentVariables[variable] = value;

        var error = Assert.Throws<Microsoft.Xrm.Sdk.InvalidPluginExecutionException>(() =>
            _pipeline.Run(new RescoreTrigger(StepConfigurations.Standard(), string.Empty)));

        Assert.Contains($"Environment variable {variable} is '{value}', which is not a GUID", error.Message, StringComparison.Ordinal);
        Assert.Empty(_pipeline.Notifications.Posts);
    }
}
