using System;

namespace Microsoft.Xrm.Sdk
{
    public interface IPlugin
    {
        void Execute(IServiceProvider serviceProvider);
    }

    public interface IExecutionContext
    {
        int Mode { get; }

        int IsolationMode { get; }

        int Depth { get; }

        string MessageName { get; }

        string PrimaryEntityName { get; }

        Guid? RequestId { get; }

        string SecondaryEntityName { get; }

        ParameterCollection InputParameters { get; }

        ParameterCollection OutputParameters { get; }

        ParameterCollection SharedVariables { get; }

        Guid UserId { get; }

        Guid InitiatingUserId { get; }

        Guid BusinessUnitId { get; }

        Guid OrganizationId { get; }

        string OrganizationName { get; }

        Guid PrimaryEntityId { get; }

        EntityImageCollection PreEntityImages { get; }

        EntityImageCollection PostEntityImages { get; }

        EntityReference OwningExtension { get; }

        Guid CorrelationId { get; }

        bool IsExecutingOffline { get; }

        bool IsOfflinePlayback { get; }

        bool IsInTransaction { get; }

        Guid OperationId { get; }

        DateTime OperationCreatedOn { get; }
    }

    public interface IPluginExecutionContext : IExecutionContext
    {
        int Stage { get; }

        IPluginExecutionContext ParentContext { get; }
    }

    /// <summary>Newer servers hand out a context that also implements this; older ones do not.</summary>
    public interface IPluginExecutionContext2 : IPluginExecutionContext
    {
        Guid UserAzureActiveDirectoryObjectId { get; }

        Guid InitiatingUserAzureActiveDirectoryObjectId { get; }

        Guid InitiatingUserApplicationId { get; }

        Guid PortalsContactId { get; }

        bool IsPortalsClientCall { get; }
    }

    public interface ITracingService
    {
        void Trace(string format, params object[] args);
    }

    public interface IOrganizationServiceFactory
    {
        IOrganizationService CreateOrganizationService(Guid? userId);
    }

    public interface IOrganizationService
    {
        Guid Create(Entity entity);

        Entity Retrieve(string entityName, Guid id, Query.ColumnSet columnSet);

        void Update(Entity entity);

        void Delete(string entityName, Guid id);

        OrganizationResponse Execute(OrganizationRequest request);

        void Associate(string entityName, Guid entityId, Relationship relationship, EntityReferenceCollection relatedEntities);

        void Disassociate(string entityName, Guid entityId, Relationship relationship, EntityReferenceCollection relatedEntities);

        EntityCollection RetrieveMultiple(Query.QueryBase query);
    }

    public interface IServiceEndpointNotificationService
    {
        string Execute(EntityReference serviceEndpoint, IExecutionContext context);
    }
}
