using System.Collections.Concurrent;
using Microsoft.Xrm.Sdk;
using Microsoft.Xrm.Sdk.Query;

namespace RetentionInsights.Plugins.Tests.Fakes;

public sealed class FakeTracingService : ITracingService
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public string Text => string.Join("\n", _lines);

    public void Trace(string format, params object[] args) =>
        _lines.Enqueue(args.Length == 0 ? format : string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
}

/// <summary>What the webhook would have received: the endpoint and the context's SharedVariables at post time.</summary>
public sealed record PostedNotification(EntityReference Endpoint, IExecutionContext Context, IReadOnlyDictionary<string, object> SharedVariables);

public sealed class FakeNotificationService : IServiceEndpointNotificationService
{
    private readonly ConcurrentQueue<PostedNotification> _posts = new();

    public IReadOnlyList<PostedNotification> Posts => _posts.ToArray();

    public Exception? Failure { get; set; }

    public string Execute(EntityReference serviceEndpoint, IExecutionContext context)
    {
        if (Failure != null)
        {
            throw Failure;
        }

        _posts.Enqueue(new PostedNotification(serviceEndpoint, context, context.SharedVariables.ToDictionary(p => p.Key, p => p.Value)));
        return string.Empty;
    }
}

/// <summary>Thrown like the platform's fault when a row does not exist or a message fails.</summary>
public sealed class FakeFaultException(string message) : Exception(message);

/// <summary>
/// In-memory organization service: rows by table and id, Retrieve returning only the requested columns, and the
/// environment-variable messages answered from a dictionary (as Dataverse would from its definition/value tables).
/// </summary>
public sealed class FakeOrganizationService : IOrganizationService
{
    private readonly ConcurrentDictionary<(string Table, Guid Id), Entity> _rows = new();
    private int _retrieves;

    public ConcurrentDictionary<string, string> EnvironmentVariables { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, string> SecretEnvironmentVariables { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<OrganizationRequest> ExecutedRequests { get; } = new();

    public int RetrieveCount => _retrieves;

    public void Add(Entity row) => _rows[(row.LogicalName, row.Id)] = row;

    public Guid Create(Entity entity)
    {
        if (entity.Id == Guid.Empty)
        {
            entity.Id = Guid.NewGuid();
        }

        Add(entity);
        return entity.Id;
    }

    public Entity Retrieve(string entityName, Guid id, ColumnSet columnSet)
    {
        Interlocked.Increment(ref _retrieves);
        if (!_rows.TryGetValue((entityName, id), out var row))
        {
            throw new FakeFaultException($"{entityName} With Id = {id:D} Does Not Exist");
        }

        var copy = new Entity(entityName, id);
        foreach (var column in columnSet.AllColumns ? row.Attributes.Keys : columnSet.Columns)
        {
            if (row.Attributes.TryGetValue(column, out var value))
            {
                copy[column] = value;
            }
        }

        return copy;
    }

    public void Update(Entity entity) => throw new NotSupportedException("The plug-ins never write; a test that reaches this is a bug.");

    public void Delete(string entityName, Guid id) => throw new NotSupportedException("The plug-ins never delete.");

    public OrganizationResponse Execute(OrganizationRequest request)
    {
        ExecutedRequests.Enqueue(request);
        var response = new OrganizationResponse { ResponseName = request.RequestName };
        switch (request.RequestName)
        {
            case "RetrieveEnvironmentVariableValue":
                var name = (string)request["DefinitionSchemaName"];
                response.Results["Value"] = EnvironmentVariables.TryGetValue(name, out var value)
                    ? value
                    : throw new FakeFaultException($"Environment variable definition {name} was not found.");
                return response;
            case "RetrieveEnvironmentVariableSecretValue":
                var secretName = (string)request["EnvironmentVariableName"];
                response.Results["EnvironmentVariableSecretValue"] = SecretEnvironmentVariables.TryGetValue(secretName, out var secret)
                    ? secret
                    : throw new FakeFaultException($"{secretName} is not an environment variable of type secret.");
                return response;
            default:
                throw new FakeFaultException($"Message {request.RequestName} is not supported by the fake.");
        }
    }

    public void Associate(string entityName, Guid entityId, Relationship relationship, EntityReferenceCollection relatedEntities) =>
        throw new NotSupportedException();

    public void Disassociate(string entityName, Guid entityId, Relationship relationship, EntityReferenceCollection relatedEntities) =>
        throw new NotSupportedException();

    public EntityCollection RetrieveMultiple(QueryBase query) => throw new NotSupportedException();
}

/// <summary>
/// Hands out SYSTEM (null user) the shared service, and any user a view of it through that user's column security:
/// secured columns the user may not read come back without a value, and a user without read access to the table gets
/// the platform's access-denied fault.
/// </summary>
public sealed class FakeOrganizationServiceFactory(FakeOrganizationService service) : IOrganizationServiceFactory
{
    private readonly ConcurrentQueue<Guid?> _requestedUsers = new();

    public IReadOnlyList<Guid?> RequestedUsers => _requestedUsers.ToArray();

    /// <summary>Column-secured columns, as "table.column".</summary>
    public HashSet<string> SecuredColumns { get; } = new(StringComparer.Ordinal);

    /// <summary>Users whose column security profile lets them read the secured columns.</summary>
    public HashSet<Guid> SecuredColumnReaders { get; } = [];

    /// <summary>Users whose security roles do not let them read the row at all.</summary>
    public HashSet<Guid> UsersWithoutRowAccess { get; } = [];

    public IOrganizationService CreateOrganizationService(Guid? userId)
    {
        _requestedUsers.Enqueue(userId);
        return userId is { } user ? new UserView(service, this, user) : service;
    }

    private sealed class UserView(FakeOrganizationService inner, FakeOrganizationServiceFactory security, Guid user) : IOrganizationService
    {
        public Entity Retrieve(string entityName, Guid id, ColumnSet columnSet)
        {
            if (security.UsersWithoutRowAccess.Contains(user))
            {
                throw new FakeFaultException($"Principal user (Id={user:D}, type=8) is missing prvRead{entityName} privilege.");
            }

            var row = inner.Retrieve(entityName, id, columnSet);
            var reader = security.SecuredColumnReaders.Contains(user);
            var visible = new Entity(entityName, id);
            foreach (var column in row.Attributes.Keys.Where(c => reader || !security.SecuredColumns.Contains(entityName + "." + c)))
            {
                visible[column] = row[column];
            }

            return visible;
        }

        public Guid Create(Entity entity) => throw new NotSupportedException("The plug-ins never write as the user.");

        public void Update(Entity entity) => throw new NotSupportedException("The plug-ins never write as the user.");

        public void Delete(string entityName, Guid id) => throw new NotSupportedException("The plug-ins never delete.");

        public OrganizationResponse Execute(OrganizationRequest request) =>
            throw new NotSupportedException($"{request.RequestName} as the calling user: configuration is read as SYSTEM.");

        public void Associate(string entityName, Guid entityId, Relationship relationship, EntityReferenceCollection relatedEntities) =>
            throw new NotSupportedException();

        public void Disassociate(string entityName, Guid entityId, Relationship relationship, EntityReferenceCollection relatedEntities) =>
            throw new NotSupportedException();

        public EntityCollection RetrieveMultiple(QueryBase query) => throw new NotSupportedException();
    }
}

public sealed class FakeServiceProvider : IServiceProvider
{
    private readonly Dictionary<Type, object> _services = new();

    public FakeServiceProvider Register<T>(T service)
        where T : class
    {
        _services[typeof(T)] = service;
        return this;
    }

    public FakeServiceProvider Remove<T>()
    {
        _services.Remove(typeof(T));
        return this;
    }

    public object? GetService(Type serviceType) => _services.GetValueOrDefault(serviceType);
}
