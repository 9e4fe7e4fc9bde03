namespace RetentionInsights.Functions.Webhooks;

/// <summary>An Entity of a RemoteExecutionContext (Target, images): logical name, id and its attribute values.</summary>
public sealed record WebhookEntity(string LogicalName, Guid Id, IReadOnlyDictionary<string, object?> Attributes)
{
    public object? this[string name] => Attributes.TryGetValue(name, out var value) ? value : null;

    public bool Contains(string name) => Attributes.ContainsKey(name);
}

/// <summary>EntityReference: a lookup value.</summary>
public sealed record WebhookReference(string LogicalName, Guid Id, string? Name);

/// <summary>OptionSetValue: a choice value.</summary>
public sealed record WebhookOption(int Value);

/// <summary>Money: a currency amount.</summary>
public sealed record WebhookMoney(decimal Value);

/// <summary>OptionSetValueCollection: a multi-select choice value.</summary>
public sealed record WebhookOptions(IReadOnlyList<int> Values);

/// <summary>EntityCollection.</summary>
public sealed record WebhookEntities(string? EntityName, IReadOnlyList<WebhookEntity> Entities);

/// <summary>The parts of a RemoteExecutionContext the service uses.</summary>
public sealed record DataverseEvent
{
    public required string MessageName { get; init; }
    public required string PrimaryEntityName { get; init; }
    public required Guid PrimaryEntityId { get; init; }
    public Guid? RequestId { get; init; }
    public Guid OperationId { get; init; }
    public Guid CorrelationId { get; init; }
    public Guid OrganizationId { get; init; }
    public string? OrganizationName { get; init; }
    public int Depth { get; init; }
    public int Stage { get; init; }
    public int Mode { get; init; }
    public DateTime? OperationCreatedOn { get; init; }
    public IReadOnlyDictionary<string, object?> InputParameters { get; init; } = new Dictionary<string, object?>();
    public IReadOnlyDictionary<string, WebhookEntity> PreEntityImages { get; init; } = new Dictionary<string, WebhookEntity>();
    public IReadOnlyDictionary<string, WebhookEntity> PostEntityImages { get; init; } = new Dictionary<string, WebhookEntity>();
    public IReadOnlyDictionary<string, object?> SharedVariables { get; init; } = new Dictionary<string, object?>();

    /// <summary>The Target entity of Create/Update, when the body carried it.</summary>
    public WebhookEntity? Target => InputParameters.TryGetValue("Target", out var value) ? value as WebhookEntity : null;

    /// <summary>
    /// Stable across redeliveries of the same event: Dataverse resends the identical body, so the async operation
    /// (or the request for sync steps) plus the record identifies it.
    /// </summary>
    public string IdempotencyKey
    {
        get
        {
            var operation = OperationId != Guid.Empty ? OperationId : RequestId ?? CorrelationId;
            return $"{operation:N}-{PrimaryEntityId:N}-{MessageName.ToLowerInvariant()}-s{Stage}";
        }
    }
}

/// <summary>The x-ms-dynamics-* headers of a webhook request.</summary>
public sealed record DataverseHeaders(string? Organization, string? EntityName, string? RequestName, string? CorrelationId, bool SizeExceeded)
{
    public static DataverseHeaders From(Microsoft.AspNetCore.Http.IHeaderDictionary headers) => new(
        First(headers, "x-ms-dynamics-organization"),
        First(headers, "x-ms-dynamics-entity-name"),
        First(headers, "x-ms-dynamics-request-name"),
        First(headers, "x-ms-correlation-request-id"),
        headers.ContainsKey("x-ms-dynamics-msg-size-exceeded"));

    private static string? First(Microsoft.AspNetCore.Http.IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;
}
