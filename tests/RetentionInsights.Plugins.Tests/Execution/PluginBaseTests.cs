using Microsoft.Xrm.Sdk;
using RetentionInsights.Plugins.Insights;
using RetentionInsights.Plugins.Tests.Fakes;

namespace RetentionInsights.Plugins.Tests.Execution;

public sealed class PluginBaseTests
{
    [Fact]
    public void Execute_Always_TracesEntryAndExitWithTheCorrelationId()
    {
        var pipeline = new FakePipeline();
        var contact = new DataProducer(pipeline.Service).Contact();
        pipeline.Event("Update", "contact", contact.Id).Target(DataProducer.Slice(contact, "donotemail"));

        pipeline.Run(new RescoreTrigger(StepConfigurations.Standard(), string.Empty));

        var lines = pipeline.Tracing.Lines;
        Assert.StartsWith("RescoreTrigger start: Update of contact", lines[0], StringComparison.Ordinal);
        Assert.Contains(pipeline.Context.CorrelationId.ToString("D"), lines[0], StringComparison.Ordinal);
        Assert.StartsWith("RescoreTrigger done in ", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_InvalidPluginExecutionException_PassesThroughUnchanged()
    {
        var pipeline = new FakePipeline();
        pipeline.Event("rtn_GetRetentionInsights", "contact", Guid.NewGuid());

        var error = Assert.Throws<InvalidPluginExecutionException>(() =>
            pipeline.Run(new GetRetentionInsights(new FakeInsightsTransport(TransportResponse.Completed(200, "{}")))));

        Assert.StartsWith("rtn_GetRetentionInsights must be called on a contact", error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
    }

    [Fact]
    public void Execute_PipelineWithoutNotificationService_FailsNamingTheMissingService()
    {
        var pipeline = new FakePipeline();
        var contact = new DataProducer(pipeline.Service).Contact();
        pipeline.Event("Update", "contact", contact.Id).Target(DataProducer.Slice(contact, "donotemail"));
        pipeline.Provider.Remove<IServiceEndpointNotificationService>();

        var error = Assert.Throws<InvalidPluginExecutionException>(() => pipeline.Run(new RescoreTrigger(StepConfigurations.Standard(), string.Empty)));

        Assert.Contains(nameof(IServiceEndpointNotificationService), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_NoServiceProvider_FailsWithAClearMessage()
    {
        var error = Assert.Throws<InvalidPluginExecutionException>(() => new GetRetentionInsights().Execute(null!));

        Assert.Contains("no service provider", error.Message, StringComparison.Ordinal);
    }
}
