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
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
                throw TooLarge(limit);
            buffer.Write(chunk, 0, read);
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

    /// <summary>Parses a body already read; malformed JSON is a 400 that says where the problem is.</summary>
    public static JsonDocument Parse(byte[] bytes)
    {
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw RequestProblemException.BadRequest(
                $"The request body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).");
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
