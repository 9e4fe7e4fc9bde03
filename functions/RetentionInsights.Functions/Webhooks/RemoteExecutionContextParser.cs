using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RetentionInsights.Functions.Webhooks;

/// <summary>
/// Reads the RemoteExecutionContext that a Dataverse webhook posts, serialised by DataContractJsonSerializer:
/// collections as [{"key","value"}] arrays, polymorphic values with a "__type" hint ("Entity:http://schemas...",
/// "EntityReference:...", "OptionSetValue:...", "Money:..."), dates as "/Date(ms)/" or "/Date(ms+hhmm)/". Unknown members
/// are ignored because newer servers add some. Problems throw <see cref="WebhookFormatException"/> naming the member.
/// </summary>
public static partial class RemoteExecutionContextParser
{
    public static DataverseEvent Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new WebhookFormatException("$", "the body must be a JSON object (a RemoteExecutionContext).");

        return new DataverseEvent
        {
            MessageName = RequiredString(root, "MessageName"),
            PrimaryEntityName = RequiredString(root, "PrimaryEntityName"),
            PrimaryEntityId = RequiredGuid(root, "PrimaryEntityId"),
            RequestId = OptionalGuid(root, "RequestId"),
            OperationId = OptionalGuid(root, "OperationId") ?? Guid.Empty,
            CorrelationId = OptionalGuid(root, "CorrelationId") ?? Guid.Empty,
            OrganizationId = OptionalGuid(root, "OrganizationId") ?? Guid.Empty,
            OrganizationName = root.TryGetProperty("OrganizationName", out var org) && org.ValueKind == JsonValueKind.String ? org.GetString() : null,
            Depth = OptionalInt(root, "Depth"),
            Stage = OptionalInt(root, "Stage"),
            Mode = OptionalInt(root, "Mode"),
            OperationCreatedOn = root.TryGetProperty("OperationCreatedOn", out var created) && created.ValueKind == JsonValueKind.String
                ? ParseDate(created.GetString()!, "OperationCreatedOn")
                : null,
            InputParameters = KeyValues(root, "InputParameters"),
            PreEntityImages = Images(root, "PreEntityImages"),
            PostEntityImages = Images(root, "PostEntityImages"),
            SharedVariables = KeyValues(root, "SharedVariables"),
        };
    }

    /// <summary>Parses "/Date(1718275200000)/" or "/Date(1718275201000+0000)/" to UTC. The offset only says how the
    /// sender's clock was set; the milliseconds are always since the Unix epoch in UTC.</summary>
    public static DateTime ParseDate(string text, string path)
    {
        var match = DatePattern().Match(text);
        if (!match.Success)
            throw new WebhookFormatException(path, $"'{Shorten(text)}' is not a DataContract date (\\/Date(ms)\\/).");
        var ms = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return DateTime.UnixEpoch.AddMilliseconds(ms);
    }

    [GeneratedRegex(@"^/Date\((-?\d+)([+-]\d{4})?\)/$", RegexOptions.CultureInvariant)]
    private static partial Regex DatePattern();

    private static IReadOnlyDictionary<string, object?> KeyValues(JsonElement parent, string member)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (!parent.TryGetProperty(member, out var array) || array.ValueKind == JsonValueKind.Null)
            return result;
        if (array.ValueKind != JsonValueKind.Array)
            throw new WebhookFormatException(member, "expected an array of {\"key\", \"value\"} pairs.");
        var index = 0;
        foreach (var pair in array.EnumerateArray())
        {
            var path = $"{member}[{index++}]";
            if (pair.ValueKind != JsonValueKind.Object || !pair.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.String)
                throw new WebhookFormatException(path, "expected {\"key\": string, \"value\": ...}.");
            var name = key.GetString()!;
            result[name] = pair.TryGetProperty("value", out var value) ? Value(value, $"{path}.value") : null;
        }
        return result;
    }

    private static IReadOnlyDictionary<string, WebhookEntity> Images(JsonElement parent, string member)
    {
        var result = new Dictionary<string, WebhookEntity>(StringComparer.Ordinal);
        if (!parent.TryGetProperty(member, out var array) || array.ValueKind == JsonValueKind.Null)
            return result;
        if (array.ValueKind != JsonValueKind.Array)
            throw new WebhookFormatException(member, "expected an array of {\"key\", \"value\"} pairs.");
        var index = 0;
        foreach (var pair in array.EnumerateArray())
        {
            var path = $"{member}[{index++}]";
            if (pair.ValueKind != JsonValueKind.Object || !pair.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.String)
                throw new WebhookFormatException(path, "expected {\"key\": string, \"value\": entity}.");
            // Image entities have a declared type, so they carry no __type hint.
            if (pair.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Object)
                result[key.GetString()!] = Entity(value, $"{path}.value");
        }
        return result;
    }

    private static WebhookEntity Entity(JsonElement element, string path)
    {
        var logicalName = element.TryGetProperty("LogicalName", out var ln) && ln.ValueKind == JsonValueKind.String ? ln.GetString()! : string.Empty;
        var id = element.TryGetProperty("Id", out var idElement) && idElement.ValueKind == JsonValueKind.String
            ? ParseGuid(idElement.GetString()!, $"{path}.Id")
            : Guid.Empty;
        return new WebhookEntity(logicalName, id, KeyValues(element, "Attributes") is var attributes ? attributes : new Dictionary<string, object?>());
    }

    private static object? Value(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                return null;
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number:
                return element.TryGetInt64(out var whole) ? whole : element.GetDecimal();
            case JsonValueKind.String:
                var text = element.GetString()!;
                if (text.StartsWith("/Date(", StringComparison.Ordinal))
                    return ParseDate(text, path);
                return Guid.TryParseExact(text, "D", out var guid) ? guid : text;
            case JsonValueKind.Array:
                return element.EnumerateArray().Select((e, i) => Value(e, $"{path}[{i}]")).ToList();
            case JsonValueKind.Object:
                return Typed(element, path);
            default:
                throw new WebhookFormatException(path, $"unexpected JSON {element.ValueKind}.");
        }
    }

    private static object? Typed(JsonElement element, string path)
    {
        var hint = element.TryGetProperty("__type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString()! : string.Empty;
        var kind = hint.Split(':', 2)[0];
        switch (kind)
        {
            case "Entity":
                return Entity(element, path);
            case "EntityReference":
                return new WebhookReference(
                    element.TryGetProperty("LogicalName", out var ln) ? ln.GetString() ?? string.Empty : string.Empty,
                    RequiredGuid(element, "Id", path),
                    element.TryGetProperty("Name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null);
            case "OptionSetValue":
                return new WebhookOption(RequiredNumber(element, "Value", path) is var v && v == Math.Floor(v)
                    ? (int)v
                    : throw new WebhookFormatException($"{path}.Value", "a choice value must be a whole number."));
            case "Money":
                return new WebhookMoney(RequiredNumber(element, "Value", path));
            case "OptionSetValueCollection":
                return new WebhookOptions(element.TryGetProperty("Values", out var values) && values.ValueKind == JsonValueKind.Array
                    ? values.EnumerateArray().Select(x => x.TryGetProperty("Value", out var xv) ? xv.GetInt32() : x.GetInt32()).ToList()
                    : []);
            case "EntityCollection":
                var entities = element.TryGetProperty("Entities", out var list) && list.ValueKind == JsonValueKind.Array
                    ? list.EnumerateArray().Select((e, i) => Entity(e, $"{path}.Entities[{i}]")).ToList()
                    : [];
                return new WebhookEntities(element.TryGetProperty("EntityName", out var en) ? en.GetString() : null, entities);
            default:
                // KeyValuePair<string,string> (SharedVariables dictionaries) and types we do not use: keep key/value if present.
                if (element.TryGetProperty("key", out var key) && element.TryGetProperty("value", out var value))
                    return new KeyValuePair<string, object?>(key.GetString() ?? string.Empty, Value(value, $"{path}.value"));
                return null;
        }
    }

    private static string RequiredString(JsonElement element, string member)
    {
        if (!element.TryGetProperty(member, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(value.GetString()))
            throw new WebhookFormatException(member, "is required and must be a non-empty string.");
        return value.GetString()!;
    }

    private static Guid RequiredGuid(JsonElement element, string member, string? parent = null)
    {
        var path = parent is null ? member : $"{parent}.{member}";
        if (!element.TryGetProperty(member, out var value) || value.ValueKind != JsonValueKind.String)
            throw new WebhookFormatException(path, "is required and must be a GUID string.");
        return ParseGuid(value.GetString()!, path);
    }

    private static Guid? OptionalGuid(JsonElement element, string member)
    {
        if (!element.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.String)
            throw new WebhookFormatException(member, "must be a GUID string or null.");
        return ParseGuid(value.GetString()!, member);
    }

    private static int OptionalInt(JsonElement element, string member)
    {
        if (!element.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
            return 0;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
            throw new WebhookFormatException(member, "must be a whole number.");
        return number;
    }

    private static decimal RequiredNumber(JsonElement element, string member, string path)
    {
        if (!element.TryGetProperty(member, out var value) || value.ValueKind != JsonValueKind.Number)
            throw new WebhookFormatException($"{path}.{member}", "must be a number.");
        return value.GetDecimal();
    }

    private static Guid ParseGuid(string text, string path) =>
        Guid.TryParse(text, out var guid) ? guid : throw new WebhookFormatException(path, $"'{Shorten(text)}' is not a GUID.");

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

/// <summary>A webhook body that is not a RemoteExecutionContext; reported as 400 with the JSON path.</summary>
public sealed class WebhookFormatException(string path, string problem) : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
}
