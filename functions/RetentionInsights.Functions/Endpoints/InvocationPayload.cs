using System.Text.Json;
using Microsoft.AspNetCore.Http;
using RetentionInsights.Functions.Http;

namespace RetentionInsights.Functions.Endpoints;

/// <summary>
/// The Azure Functions custom-handler contract for non-HTTP triggers: the host POSTs {"Data": {binding: value},
/// "Metadata": {...}} to /&lt;FunctionName&gt; and reads back {"Outputs": {}, "Logs": [...], "ReturnValue": ...}.
/// </summary>
public static class InvocationPayload
{
    public static async Task<JsonDocument> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        var document = await BodyReader.ReadJsonAsync(request, limit, cancellationToken);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw RequestProblemException.BadRequest("A custom-handler invocation body must be a JSON object with 'Data' and 'Metadata'.");
        }
        return document;
    }

    /// <summary>The queue message of binding <paramref name="binding"/>: the host passes JSON messages as a string or an object.</summary>
    public static string QueueMessage(JsonElement root, string binding)
    {
        if (!root.TryGetProperty("Data", out var data) || data.ValueKind != JsonValueKind.Object || !data.TryGetProperty(binding, out var value))
            throw RequestProblemException.BadRequest($"The invocation has no Data.{binding} (the queue message).");
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Object => value.GetRawText(),
            _ => throw RequestProblemException.BadRequest($"Data.{binding} must be the queue message (a JSON string or object)."),
        };
    }

    public static object Response(IReadOnlyList<string> logs, object? returnValue) => new Dictionary<string, object?>
    {
        ["Outputs"] = new Dictionary<string, object?>(),
        ["Logs"] = logs,
        ["ReturnValue"] = returnValue,
    };
}
