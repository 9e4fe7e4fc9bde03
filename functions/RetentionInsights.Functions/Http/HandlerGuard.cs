using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace RetentionInsights.Functions.Http;

/// <summary>
/// The one exception rule of every HTTP handler, in both hosts: input problems keep their 4xx as problem details; anything
/// unexpected is logged (type and route only, never the body) and answered 503 with Retry-After on the webhook route — the
/// status Dataverse retries — and 500 elsewhere. Nothing stored is changed by a failed request.
/// </summary>
public static class HandlerGuard
{
    public static async Task<IActionResult> RunAsync(HttpRequest request, ILogger logger, Func<Task<IActionResult>> handler)
    {
        try
        {
            return await handler();
        }
        catch (RequestProblemException e)
        {
            return new ProblemAnswer(e.Status, e.Title, e.Message)
            {
                RetryAfterSeconds = e is RetryLaterException retry ? retry.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
            };
        }
        catch (BadHttpRequestException e)
        {
            return new ProblemAnswer(e.StatusCode, "Invalid request", e.Message);
        }
        catch (OperationCanceledException) when (request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; nothing to answer.
            return new EmptyResult();
        }
        catch (Exception e)
        {
            logger.LogError(e, "Unhandled {ExceptionType} on {Method} {Path}", e.GetType().Name, request.Method, request.Path.Value);
            return request.Path.StartsWithSegments("/api/dataverse/events")
                ? new ProblemAnswer(StatusCodes.Status503ServiceUnavailable, "Temporarily unable to process the event",
                    "The event was not processed and nothing was recorded; Dataverse retries a 503 once, and the nightly rescore covers it otherwise.")
                { RetryAfterSeconds = "30" }
                : new ProblemAnswer(StatusCodes.Status500InternalServerError, "Unexpected error",
                    "The service failed unexpectedly; nothing stored was changed by this request. The trace id identifies it in the logs.");
        }
    }
}
