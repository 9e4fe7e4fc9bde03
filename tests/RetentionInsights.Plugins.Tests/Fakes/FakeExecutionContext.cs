using Microsoft.Xrm.Sdk;

namespace RetentionInsights.Plugins.Tests.Fakes;

/// <summary>The execution context Dataverse hands a plug-in, with everything settable for a test.</summary>
public sealed class FakeExecutionContext : IPluginExecutionContext2
{
    public int Mode { get; set; } = 1;
    public int IsolationMode { get; set; } = 2;
    public int Depth { get; set; } = 1;
    public string MessageName { get; set; } = "Update";
    public string PrimaryEntityName { get; set; } = "contact";
    public Guid? RequestId { get; set; } = Guid.NewGuid();
    public string SecondaryEntityName { get; set; } = "none";
    public ParameterCollection InputParameters { get; } = new();
    public ParameterCollection OutputParameters { get; } = new();
    public ParameterCollection SharedVariables { get; } = new();
    public Guid UserId { get; set; } = Guid.NewGuid();
    public Guid InitiatingUserId { get; set; } = Guid.NewGuid();
    public Guid BusinessUnitId { get; set; } = Guid.NewGuid();
    public Guid OrganizationId { get; set; } = Guid.NewGuid();
    public string OrganizationName { get; set; } = "unqtestorg";
    public Guid PrimaryEntityId { get; set; }
    public EntityImageCollection PreEntityImages { get; } = new();
    public EntityImageCollection PostEntityImages { get; } = new();
    public EntityReference OwningExtension { get; set; } = new("sdkmessageprocessingstep", Guid.NewGuid());
    public Guid CorrelationId { get; set; } = Guid.NewGuid();
    public bool IsExecutingOffline { get; set; }
    public bool IsOfflinePlayback { get; set; }
    public bool IsInTransaction { get; set; }
    public Guid OperationId { get; set; } = Guid.NewGuid();
    public DateTime OperationCreatedOn { get; set; } = new(2026, 11, 2, 9, 30, 0, DateTimeKind.Utc);
    public int Stage { get; set; } = 40;
    public IPluginExecutionContext? ParentContext { get; set; }
    public Guid UserAzureActiveDirectoryObjectId { get; set; }
    public Guid InitiatingUserAzureActiveDirectoryObjectId { get; set; }
    public Guid InitiatingUserApplicationId { get; set; }
    public Guid PortalsContactId { get; set; }
    public bool IsPortalsClientCall { get; set; }
}
