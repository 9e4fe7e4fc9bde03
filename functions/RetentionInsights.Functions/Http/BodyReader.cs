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
    /// (see <see cref="JsonText"/>): a handler would otherwise fail on it with a 500 only when it reads that field.
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
        if (JsonText.FirstUnreadable(document.RootElement) is { } unreadable)
        {
            document.Dispose();
            throw RequestProblemException.BadRequest($"The request body holds text that is not valid Unicode {(unreadable.InMemberName ? "in a member name of" : "at")} {unreadable.Path} " +
                "(bytes that are not UTF-8, or a lone surrogate escape such as \\ud800); send UTF-8 text.");
        }
        return document;
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
