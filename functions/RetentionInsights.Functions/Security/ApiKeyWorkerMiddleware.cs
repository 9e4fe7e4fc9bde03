using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using RetentionInsights.Functions.Http;

namespace RetentionInsights.Functions.Security;

/// <summary>
/// The app's own key check inside the Functions worker, for HTTP functions (timers and queue messages have no caller). The
/// host already checks its function key (AuthorizationLevel.Function); this keeps the app safe if a route is ever exposed
/// without it. The local host does the same check with <see cref="ApiKeyMiddleware"/>.
/// </summary>
public sealed class ApiKeyWorkerMiddleware(ApiKeyValidator validator) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is { } http && ApiKeyMiddleware.Rejection(http.Request, validator) is { } problem)
        {
            await Problems.Write(http, problem.Status, problem.Title, problem.Detail);
            return;
        }
        await next(context);
    }
}
