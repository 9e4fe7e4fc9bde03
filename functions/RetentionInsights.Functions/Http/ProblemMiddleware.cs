using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RetentionInsights.Functions.Http;

/// <summary>
/// The local host's answers for requests no function handles (unknown route, wrong method, a request target or headers beyond
/// <see cref="RequestLimits"/>) as RFC 7807 problem details. Handlers themselves answer through <see cref="HandlerGuard"/>;
/// this also catches what escapes before a handler runs.
/// </summary>
public sealed class ProblemMiddleware(RequestDelegate next, ILogger<ProblemMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (RequestLimits.Exceeded(context) is { } problem)
        {
            await Problems.Write(context, problem.Status, problem.Title, problem.Detail);
            return;
        }
        try
        {
            await next(context);
            if (context.Response is { StatusCode: 404, HasStarted: false } && context.GetEndpoint() is null)
                await Problems.Write(context, 404, "Not found", $"No route {context.Request.Method} {context.Request.Path}. The API lives under /api.");
            else if (context.Response is { StatusCode: 405, HasStarted: false })
                await Problems.Write(context, 405, "Method not allowed", $"{context.Request.Method} is not supported on {context.Request.Path}.");
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
            await Problems.Write(context, StatusCodes.Status500InternalServerError, "Unexpected error",
                "The service failed unexpectedly; nothing stored was changed by this request. The trace id identifies it in the logs.");
        }
    }
}
