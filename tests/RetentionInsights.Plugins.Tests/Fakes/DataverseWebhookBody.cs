using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Xrm.Sdk;

namespace RetentionInsights.Plugins.Tests.Fakes;

/// <summary>
/// What Dataverse posts to a webhook for an execution context: the RemoteExecutionContext as DataContractJsonSerializer
/// writes it (../shared/dataverse-contracts.md §2.4): members in alphabetical order, collections as key/value arrays,
/// polymorphic values with a "__type" hint, dates as \/Date(ms)\/ and every "/" escaped.
/// </summary>
public static class DataverseWebhookBody
{
    private const string Contracts = ":http://schemas.microsoft.com/xrm/2011/Contracts";

    public static string Serialize(IPluginExecutionContext context)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteContext(writer, context);
        }

        return Encoding.UTF8.GetString(buffer.ToArray()).Replace("/", "\\/", StringComparison.Ordinal);
    }

    private static void WriteContext(Utf8JsonWriter writer, IPluginExecutionContext context)
    {
        var newer = context as IPluginExecutionContext2;
        writer.WriteStartObject();
        writer.WriteString("BusinessUnitId", context.BusinessUnitId);
        writer.WriteString("CorrelationId", context.CorrelationId);
        writer.WriteNumber("Depth", context.Depth);
        if (newer != null)
        {
            writer.WriteString("InitiatingUserAzureActiveDirectoryObjectId", newer.InitiatingUserAzureActiveDirectoryObjectId);
        }

        writer.WriteString("InitiatingUserId", context.InitiatingUserId);
        WriteParameters(writer, "InputParameters", context.InputParameters);
        writer.WriteBoolean("IsExecutingOffline", context.IsExecutingOffline);
        writer.WriteBoolean("IsInTransaction", context.IsInTransaction);
        writer.WriteBoolean("IsOfflinePlayback", context.IsOfflinePlayback);
        writer.WriteNumber("IsolationMode", context.IsolationMode);
        writer.WriteString("MessageName", context.MessageName);
        writer.WriteNumber("Mode", context.Mode);
        writer.WriteString("OperationCreatedOn", Date(context.OperationCreatedOn) + "+0000)/");
        writer.WriteString("OperationId", context.OperationId);
        writer.WriteString("OrganizationId", context.OrganizationId);
        writer.WriteString("OrganizationName", context.OrganizationName);
        WriteParameters(writer, "OutputParameters", context.OutputParameters);
        writer.WritePropertyName("OwningExtension");
        WriteReference(writer, context.OwningExtension, typed: false);
        writer.WriteNull("ParentContext");
        WriteImages(writer, "PostEntityImages", context.PostEntityImages);
        WriteImages(writer, "PreEntityImages", context.PreEntityImages);
        writer.WriteString("PrimaryEntityId", context.PrimaryEntityId);
        writer.WriteString("PrimaryEntityName", context.PrimaryEntityName);
        if (context.RequestId is { } requestId)
        {
            writer.WriteString("RequestId", requestId);
        }
        else
        {
            writer.WriteNull("RequestId");
        }

        writer.WriteString("SecondaryEntityName", context.SecondaryEntityName);
        WriteParameters(writer, "SharedVariables", context.SharedVariables);
        writer.WriteNumber("Stage", context.Stage);
        if (newer != null)
        {
            writer.WriteString("UserAzureActiveDirectoryObjectId", newer.UserAzureActiveDirectoryObjectId);
        }

        writer.WriteString("UserId", context.UserId);
        writer.WriteEndObject();
    }

    private static void WriteParameters(Utf8JsonWriter writer, string name, DataCollection<string, object> values)
    {
        writer.WriteStartArray(name);
        foreach (var (key, value) in values)
        {
            writer.WriteStartObject();
            writer.WriteString("key", key);
            writer.WritePropertyName("value");
            WriteValue(writer, value);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteImages(Utf8JsonWriter writer, string name, EntityImageCollection images)
    {
        writer.WriteStartArray(name);
        foreach (var (alias, image) in images)
        {
            writer.WriteStartObject();
            writer.WriteString("key", alias);
            writer.WritePropertyName("value");
            WriteEntity(writer, image, typed: false);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case int number:
                writer.WriteNumberValue(number);
                break;
            case decimal number:
                writer.WriteNumberValue(number);
                break;
            case Guid id:
                writer.WriteStringValue(id);
                break;
            case DateTime date:
                writer.WriteStringValue(Date(date) + ")/");
                break;
            case Entity entity:
                WriteEntity(writer, entity, typed: true);
                break;
            case EntityReference reference:
                WriteReference(writer, reference, typed: true);
                break;
            case OptionSetValue option:
                writer.WriteStartObject();
                writer.WriteString("__type", "OptionSetValue" + Contracts);
                writer.WriteNumber("Value", option.Value);
                writer.WriteEndObject();
                break;
            case Money money:
                writer.WriteStartObject();
                writer.WriteString("__type", "Money" + Contracts);
                writer.WriteNumber("Value", money.Value);
                writer.WriteEndObject();
                break;
            default:
                throw new NotSupportedException($"The webhook body writer has no form for {value.GetType().Name}.");
        }
    }

    private static void WriteEntity(Utf8JsonWriter writer, Entity entity, bool typed)
    {
        writer.WriteStartObject();
        if (typed)
        {
            writer.WriteString("__type", "Entity" + Contracts);
        }

        writer.WriteStartArray("Attributes");
        foreach (var (key, value) in entity.Attributes)
        {
            writer.WriteStartObject();
            writer.WriteString("key", key);
            writer.WritePropertyName("value");
            WriteValue(writer, value);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteNull("EntityState");
        writer.WriteStartArray("FormattedValues");
        writer.WriteEndArray();
        writer.WriteString("Id", entity.Id);
        writer.WriteStartArray("KeyAttributes");
        writer.WriteEndArray();
        writer.WriteString("LogicalName", entity.LogicalName);
        writer.WriteStartArray("RelatedEntities");
        writer.WriteEndArray();
        writer.WriteNull("RowVersion");
        writer.WriteEndObject();
    }

    private static void WriteReference(Utf8JsonWriter writer, EntityReference reference, bool typed)
    {
        writer.WriteStartObject();
        if (typed)
        {
            writer.WriteString("__type", "EntityReference" + Contracts);
        }

        writer.WriteString("Id", reference.Id);
        writer.WriteStartArray("KeyAttributes");
        writer.WriteEndArray();
        writer.WriteString("LogicalName", reference.LogicalName);
        if (reference.Name is null)
        {
            writer.WriteNull("Name");
        }
        else
        {
            writer.WriteString("Name", reference.Name);
        }

        writer.WriteNull("RowVersion");
        writer.WriteEndObject();
    }

    private static string Date(DateTime value) =>
        "/Date(" + new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc)).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
}
