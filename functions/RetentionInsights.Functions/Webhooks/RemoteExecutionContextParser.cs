using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using RetentionInsights.Functions.Http;

namespace RetentionInsights.Functions.Webhooks;

/// <summary>
/// Reads the RemoteExecutionContext that a Dataverse webhook posts, serialised by DataContractJsonSerializer:
/// collections as [{"key","value"}] arrays, polymorphic values with a "__type" hint ("Entity:http://schemas...",
/// "EntityReference:...", "OptionSetValue:...", "Money:..."), dates as "/Date(ms)/" or "/Date(ms+hhmm)/". Unknown members
/// are ignored because newer servers add some. Problems throw <see cref="WebhookFormatException"/> naming the member.
/// </summary>
public static partial class RemoteExecutionContextParser
{
    /// <summary>Longest message name accepted (Dataverse's own are short; custom API names have a prefix and at most 100 characters).</summary>
    public const int MaxMessageNameLength = 100;

    public static DataverseEvent Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new WebhookFormatException("$", "the body must be a JSON object (a RemoteExecutionContext).");
        // Text that cannot become a .NET string (invalid UTF-8, an escaped lone surrogate) is found first, with its path,
        // so no later read of it can fail with anything but a 400.
        if (JsonText.FirstUnreadable(root) is { } unreadable)
            throw new WebhookFormatException(unreadable.Path, unreadable.InMemberName
                ? "has a member name that is not valid text."
                : "is not valid text (invalid UTF-8 or an unpaired surrogate).");
        try
        {
            return Read(root);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or ArgumentException or KeyNotFoundException)
        {
            // The checks below name the member for every shape we know; this keeps any other mismatch a 400 as well.
            throw new WebhookFormatException("$", $"a value has an unexpected type or range ({e.GetType().Name}).");
        }
    }

    private static DataverseEvent Read(JsonElement root)
    {
        return new DataverseEvent
        {
            MessageName = Name(root, "MessageName", MessageNamePattern(), "a message name: a letter, then letters, digits or '_'",
                MaxMessageNameLength),
            PrimaryEntityName = Name(root, "PrimaryEntityName", LogicalNamePattern(), "a table logical name: lower-case letters, digits or '_'", 64),
            PrimaryEntityId = RequiredGuid(root, "PrimaryEntityId"),
            RequestId = OptionalGuid(root, "RequestId"),
            OperationId = OptionalGuid(root, "OperationId") ?? Guid.Empty,
            CorrelationId = OptionalGuid(root, "CorrelationId") ?? Guid.Empty,
            OrganizationId = OptionalGuid(root, "OrganizationId") ?? Guid.Empty,
            OrganizationName = OptionalText(root, "OrganizationName"),
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
        if (!long.TryParse(match.Groups[1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms)
            || ms < MinDateMs || ms > MaxDateMs)
            throw new WebhookFormatException(path, $"'{Shorten(text)}' is outside the dates Dataverse stores (years 1753 to 9999).");
        return DateTime.UnixEpoch.AddMilliseconds(ms);
    }

    // 1753-01-01 and 9999-12-31, the range of a Dataverse date and time column.
    private const long MinDateMs = -6_847_804_800_000;
    private const long MaxDateMs = 253_402_300_799_999;

    [GeneratedRegex(@"^/Date\((-?\d{1,20})([+-]\d{4})?\)/\z", RegexOptions.CultureInvariant)]
    private static partial Regex DatePattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex MessageNamePattern();

    [GeneratedRegex(@"^[a-z][a-z0-9_]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex LogicalNamePattern();

    /// <summary>A required name that ends up in logs, ledger keys and telemetry: bounded and of a strict shape (no CR/LF).</summary>
    private static string Name(JsonElement root, string member, Regex pattern, string shape, int maxLength)
    {
        var value = RequiredString(root, member);
        if (value.Length > maxLength || !pattern.IsMatch(value))
            throw new WebhookFormatException(member, $"must be {shape}, at most {maxLength} characters.");
        return value;
    }

    /// <summary>The string of a member when it is one; null when it is absent, null or of another JSON kind.</summary>
    private static string? OptionalText(JsonElement element, string member) =>
        element.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

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
                if (element.TryGetInt64(out var whole))
                    return whole;
                if (element.TryGetDecimal(out var exact))
                    return exact;
                throw new WebhookFormatException(path, "is a number outside the range Dataverse stores.");
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
                if (element.TryGetProperty("LogicalName", out var ln) && ln.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                    throw new WebhookFormatException($"{path}.LogicalName", "must be a table logical name (a string).");
                return new WebhookReference(OptionalText(element, "LogicalName") ?? string.Empty, RequiredGuid(element, "Id", path),
                    OptionalText(element, "Name"));
            case "OptionSetValue":
                return new WebhookOption(ChoiceValue(element, path));
            case "Money":
                return new WebhookMoney(RequiredNumber(element, "Value", path));
            case "OptionSetValueCollection":
                if (!element.TryGetProperty("Values", out var values) || values.ValueKind == JsonValueKind.Null)
                    return new WebhookOptions([]);
                if (values.ValueKind != JsonValueKind.Array)
                    throw new WebhookFormatException($"{path}.Values", "must be an array of choice values.");
                return new WebhookOptions(values.EnumerateArray().Select((x, i) => x.ValueKind == JsonValueKind.Object
                    ? ChoiceValue(x, $"{path}.Values[{i}]")
                    : WholeChoice(x, $"{path}.Values[{i}]")).ToList());
            case "EntityCollection":
                var entities = new List<WebhookEntity>();
                if (element.TryGetProperty("Entities", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    var i = 0;
                    foreach (var e in list.EnumerateArray())
                    {
                        var entityPath = $"{path}.Entities[{i++}]";
                        entities.Add(e.ValueKind == JsonValueKind.Object ? Entity(e, entityPath) : throw new WebhookFormatException(entityPath, "must be an entity object."));
                    }
                }
                return new WebhookEntities(OptionalText(element, "EntityName"), entities);
            default:
                // KeyValuePair<string,string> (SharedVariables dictionaries) and types we do not use: keep key/value if present.
                if (element.TryGetProperty("key", out var key) && element.TryGetProperty("value", out var value))
                    return new KeyValuePair<string, object?>(key.ValueKind == JsonValueKind.String ? key.GetString()! : string.Empty, Value(value, $"{path}.value"));
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
        return value.TryGetDecimal(out var number) ? number : throw new WebhookFormatException($"{path}.{member}", "is a number outside the range Dataverse stores.");
    }

    /// <summary>The Value of an OptionSetValue: a whole number that fits a choice column (Int32).</summary>
    private static int ChoiceValue(JsonElement element, string path)
    {
        if (!element.TryGetProperty("Value", out var value))
            throw new WebhookFormatException($"{path}.Value", "must be a number.");
        return WholeChoice(value, $"{path}.Value");
    }

    private static int WholeChoice(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var choice)
            ? choice
            : throw new WebhookFormatException(path, "a choice value must be a whole number from -2147483648 to 2147483647.");

    private static Guid ParseGuid(string text, string path) =>
        Guid.TryParse(text, out var guid) ? guid : throw new WebhookFormatException(path, $"'{Shorten(text)}' is not a GUID.");

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

/// <summary>A webhook body that is not a RemoteExecutionContext; reported as 400 with the JSON path.</summary>
public sealed class WebhookFormatException(string path, string problem) : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
}
