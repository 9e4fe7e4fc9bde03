using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RetentionInsights.Functions.Http;

/// <summary>
/// Turns exceptions into RFC 7807 problem details. Input problems keep their 4xx; anything unexpected is logged (type and
/// path only) and answered 503 with Retry-After on the webhook route — the status Dataverse retries — and 500 elsewhere.
/// </summary>
public sealed class ProblemMiddleware(RequestDelegate next, ILogger<ProblemMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
            if (context.Response is { StatusCode: 404, HasStarted: false } && context.GetEndpoint() is null)
                await Problems.Write(context, 404, "Not found", $"No route {context.Request.Method} {context.Request.Path}. The API lives under /api (see DESIGN.md §7).");
            else if (context.Response is { StatusCode: 405, HasStarted: false })
                await Problems.Write(context, 405, "Method not allowed", $"{context.Request.Method} is not supported on {context.Request.Path}.");
        }
        catch (RequestProblemException e) when (!context.Response.HasStarted)
        {
            await Problems.Write(context, e.Status, e.Title, e.Message);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            await Problems.Write(context, e.StatusCode, "Invalid request", e.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; nothing to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            logger.LogError(e, "Unhandled {ExceptionType} on {Method} {Path}", e.GetType().Name, context.Request.Method, context.Request.Path.Value);
            if (context.Request.Path.StartsWithSegments("/api/dataverse/events"))
            {
                context.Response.Headers.RetryAfter = "30";
                await Problems.Write(context, StatusCodes.Status503ServiceUnavailable, "Temporarily unable to process the event",
                    "The event was not processed and nothing was recorded; Dataverse retries a 503 once, and the nightly rescore covers it otherwise.");
            }
            else
            {
                await Problems.Write(context, StatusCodes.Status500InternalServerError, "Unexpected error",
                    "The service failed unexpectedly; nothing stored was changed by this request. The trace id identifies it in the logs.");
            }
        }
    }
}
