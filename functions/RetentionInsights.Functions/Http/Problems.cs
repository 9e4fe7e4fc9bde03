using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace RetentionInsights.Functions.Http;

/// <summary>Input the caller can fix: 400 (or another 4xx) with a message a person can act on.</summary>
public class RequestProblemException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;

    public static RequestProblemException BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "Invalid request", detail);

    public static RequestProblemException NotFound(string detail) => new(StatusCodes.Status404NotFound, "Not found", detail);
}

/// <summary>
/// 503 with Retry-After: the request was fine but cannot be served now (another instance holds the event, no model can be
/// loaded). Dataverse retries a 503; nothing was recorded, so the retry is processed normally.
/// </summary>
public sealed class RetryLaterException(string title, string detail, int retryAfterSeconds)
    : RequestProblemException(StatusCodes.Status503ServiceUnavailable, title, detail)
{
    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}

/// <summary>RFC 7807 problem details written the same way everywhere (middleware, handlers, exception handler).</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static async Task Write(HttpContext context, int status, string title, string detail)
    {
        SecurityHeaders.Apply(context.Response, api: true);
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        var body = new Dictionary<string, object?>
        {
            ["type"] = $"https://httpstatuses.io/{status}",
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
            ["instance"] = context.Request.Path.Value,
            ["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier,
        };
        await JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }
}
