using Microsoft.Xrm.Sdk;

namespace RetentionInsights.Plugins.Tests.Fakes;

/// <summary>
/// One Dataverse pipeline execution in memory: context, tracing, organization service (shared with the data
/// producer), endpoint notification, wired into an IServiceProvider exactly as the platform does.
/// </summary>
public sealed class FakePipeline
{
    public FakePipeline(FakeOrganizationService? service = null)
    {
        Service = service ?? new FakeOrganizationService();
        Factory = new FakeOrganizationServiceFactory(Service);
        Provider = new FakeServiceProvider()
            .Register<IPluginExecutionContext>(Context)
            .Register<ITracingService>(Tracing)
            .Register<IOrganizationServiceFactory>(Factory)
            .Register<IServiceEndpointNotificationService>(Notifications);
    }

    public FakeExecutionContext Context { get; } = new();

    public FakeTracingService Tracing { get; } = new();

    public FakeOrganizationService Service { get; }

    public FakeOrganizationServiceFactory Factory { get; }

    public FakeNotificationService Notifications { get; } = new();

    public FakeServiceProvider Provider { get; }

    public FakePipeline Event(string message, string table, Guid id)
    {
        Context.MessageName = message;
        Context.PrimaryEntityName = table;
        Context.PrimaryEntityId = id;
        return this;
    }

    public FakePipeline Target(Entity target)
    {
        Context.InputParameters["Target"] = target;
        return this;
    }

    public FakePipeline Target(EntityReference target)
    {
        Context.InputParameters["Target"] = target;
        return this;
    }

    public FakePipeline PreImage(Entity image)
    {
        Context.PreEntityImages["PreImage"] = image;
        return this;
    }

    public FakePipeline PostImage(Entity image)
    {
        Context.PostEntityImages["PostImage"] = image;
        return this;
    }

    public void Run(IPlugin plugin) => plugin.Execute(Provider);
}
