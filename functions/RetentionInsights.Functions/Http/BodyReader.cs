using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace RetentionInsights.Functions.Http;

/// <summary>
/// Reads request bodies with an explicit size limit, independent of the server (Kestrel, the Functions host proxy,
/// the test server), and turns malformed JSON into a 400 that says where the problem is.
/// </summary>
public static class BodyReader
{
    public static async Task<byte[]> ReadBoundedAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
            throw TooLarge(limit);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                    throw TooLarge(limit);
                buffer.Write(chunk, 0, read);
            }
        }
        catch (IOException e) when (e is not BadHttpRequestException)
        {
            // The server could not read the body as sent: a malformed chunk size, or the connection closed halfway. The caller's
            // mistake (or departure), not the service's: nothing was read, so nothing was done.
            throw RequestProblemException.BadRequest("The request body could not be read (malformed transfer encoding, or the connection closed before the body was complete); send the request again.");
        }
        return buffer.ToArray();
    }

    public static async Task<JsonDocument> ReadJsonAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        RequireJson(request);
        var bytes = await ReadBoundedAsync(request, limit, cancellationToken);
        if (bytes.Length == 0)
            throw RequestProblemException.BadRequest("The request body is empty; send a JSON object.");
        return Parse(bytes);
    }

    /// <summary>
    /// Parses a body already read; malformed JSON is a 400 that says where the problem is, and so is text no handler could read
    /// (bytes that are not UTF-8, or an escaped half of a surrogate pair such as "\ud800"): JSON's grammar admits them, .NET
    /// strings do not, and a handler would otherwise fail on them with a 500 only when it reads that field.
    /// </summary>
    public static JsonDocument Parse(byte[] bytes)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw RequestProblemException.BadRequest(
                $"The request body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).");
        }
        if (UnreadableTextAt(document.RootElement) is { } relative)
        {
            document.Dispose();
            // The path ends with the member that matters; a long one (names are the caller's) keeps its end.
            var path = "$" + relative;
            throw RequestProblemException.BadRequest($"The request body holds text that is not valid Unicode at {(path.Length <= 120 ? path : "…" + path[^120..])} " +
                "(bytes that are not UTF-8, or a lone surrogate escape such as \\ud800); send UTF-8 text.");
        }
        return document;
    }

    /// <summary>
    /// Reads every string and property name once; returns the JSON path (below the element) of the first text .NET cannot hold,
    /// or null. Bodies are bounded (see the callers' limits) and nested at most JSON's default depth of 64, so the walk is cheap;
    /// the path is only built on the way back from a failure.
    /// </summary>
    private static string? UnreadableTextAt(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                try
                {
                    _ = element.GetString();
                    return null;
                }
                catch (InvalidOperationException)
                {
                    return "";
                }
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return " (a member name)";
                    }
                    if (UnreadableTextAt(property.Value) is { } inner)
                        return "." + name + inner;
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (UnreadableTextAt(item) is { } inner)
                        return $"[{index}]" + inner;
                    index++;
                }
                return null;
            default:
                return null;
        }
    }

    public static void RequireJson(HttpRequest request)
    {
        var type = request.ContentType;
        if (type is not null && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
            throw new RequestProblemException(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Content-Type '{type}' is not accepted; send application/json.");
    }

    private static RequestProblemException TooLarge(int limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "Request body too large", $"The body exceeds the limit of {limit / 1024} KB for this route.");
}
