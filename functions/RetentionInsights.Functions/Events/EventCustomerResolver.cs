using RetentionInsights.Data.Metadata;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Functions.Webhooks;

namespace RetentionInsights.Functions.Events;

/// <summary>The contact an event is about, and where that was found (logged, never personal data).</summary>
public sealed record ResolvedCustomer(Guid? ContactId, string Source);

/// <summary>
/// Finds the customer of an event: the plug-in's SharedVariables "rtn_contactid" when present, else the record itself
/// (contact) or its customer lookup (incident/salesorder/invoice customerid, recommendation/alert rtn_contactid) from the
/// Target, the post image, the pre image — and when the body was truncated or carries none of them, from the store.
/// </summary>
public static class EventCustomerResolver
{
    public const string SharedVariableName = "rtn_contactid";

    /// <summary>Where each table keeps its customer: datamodel.json's customerLookup (the plug-ins' catalogue is tested against it).</summary>
    private static readonly Dictionary<string, string> CustomerColumns = DataModel.Current.Tables
        .Where(t => t.CustomerLookup is not null).ToDictionary(t => t.LogicalName, t => t.CustomerLookup!, StringComparer.Ordinal);

    public static bool IsSupported(string table) => table == "contact" || CustomerColumns.ContainsKey(table);

    public static async Task<ResolvedCustomer> ResolveAsync(DataverseEvent evt, bool truncated, IRetentionStore store, CancellationToken cancellationToken)
    {
        if (evt.SharedVariables.TryGetValue(SharedVariableName, out var shared) && shared is not null)
        {
            var id = shared switch
            {
                Guid g => g,
                string s when Guid.TryParse(s, out var parsed) => parsed,
                _ => Guid.Empty,
            };
            if (id != Guid.Empty)
                return new ResolvedCustomer(id, "SharedVariables.rtn_contactid");
        }

        if (evt.PrimaryEntityName == "contact")
            return new ResolvedCustomer(evt.PrimaryEntityId, "the contact itself");

        if (!CustomerColumns.TryGetValue(evt.PrimaryEntityName, out var column))
            return new ResolvedCustomer(null, $"{evt.PrimaryEntityName} events are not scored");

        if (!truncated)
        {
            foreach (var (source, entity) in Candidates(evt))
            {
                if (!entity.Contains(column))
                    continue;
                return entity[column] switch
                {
                    WebhookReference { LogicalName: "contact" } r => new ResolvedCustomer(r.Id, $"{source}.{column}"),
                    // A mail or call about a case counts for the case's customer.
                    WebhookReference { LogicalName: "incident" } r => await ViaIncidentAsync(r.Id, $"{source}.{column}", store, cancellationToken),
                    WebhookReference r => new ResolvedCustomer(null, $"{source}.{column} points to a {r.LogicalName}"),
                    Guid g => new ResolvedCustomer(g, $"{source}.{column}"),
                    _ => new ResolvedCustomer(null, $"{source}.{column} is empty"),
                };
            }
        }

        // 256 KB truncation removes the Target and images; a step without images never had them. Re-read the record.
        var link = await store.ReadCustomerOfRecordAsync(evt.PrimaryEntityName, evt.PrimaryEntityId, cancellationToken);
        return link switch
        {
            null => new ResolvedCustomer(null, $"{evt.PrimaryEntityName} record not found on re-read"),
            { Table: "contact" } => new ResolvedCustomer(link.Id, $"re-read {evt.PrimaryEntityName}.{column}"),
            { Table: "incident" } => await ViaIncidentAsync(link.Id, $"re-read {evt.PrimaryEntityName}.{column}", store, cancellationToken),
            _ => new ResolvedCustomer(null, $"re-read {evt.PrimaryEntityName}.{column} points to a {link.Table}"),
        };
    }

    private static async Task<ResolvedCustomer> ViaIncidentAsync(Guid incidentId, string source, IRetentionStore store, CancellationToken cancellationToken)
    {
        var link = await store.ReadCustomerOfRecordAsync("incident", incidentId, cancellationToken);
        return link is { Table: "contact" }
            ? new ResolvedCustomer(link.Id, $"{source} -> incident.customerid")
            : new ResolvedCustomer(null, $"{source} -> incident without a contact customer");
    }

    private static IEnumerable<(string Source, WebhookEntity Entity)> Candidates(DataverseEvent evt)
    {
        if (evt.Target is { } target && evt.MessageName != "Delete")
            yield return ("Target", target);
        foreach (var (name, image) in evt.PostEntityImages.Where(p => p.Key != "AsynchronousStepPrimaryName"))
            yield return ($"PostImage[{name}]", image);
        foreach (var (name, image) in evt.PreEntityImages)
            yield return ($"PreImage[{name}]", image);
    }
}
