using Microsoft.AspNetCore.Http;
using RetentionInsights.Functions.Http;

namespace RetentionInsights.Functions.Security;

/// <summary>
/// Every API route needs the key as the header x-functions-key or the query parameter code (what a Dataverse WebhookKey
/// endpoint appends). The local host has no Functions host in front of it, so this check is its only gate.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyValidator validator)
{
    public const string HeaderName = "x-functions-key";
    public const string QueryName = "code";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is null)
        {
            // Static preview files and unknown paths: nothing to protect; unknown paths become 404 problem details.
            await next(context);
            return;
        }
        if (Rejection(context.Request, validator) is { } problem)
        {
            await Problems.Write(context, problem.Status, problem.Title, problem.Detail);
            return;
        }
        await next(context);
    }

    /// <summary>The 401 answer for a request without an accepted key, or null when the key is accepted.</summary>
    public static ProblemAnswer? Rejection(HttpRequest request, ApiKeyValidator validator)
    {
        var presented = request.Headers[HeaderName].FirstOrDefault() ?? request.Query[QueryName].FirstOrDefault();
        if (validator.IsValid(presented))
            return null;
        return new ProblemAnswer(StatusCodes.Status401Unauthorized, "Missing or wrong API key",
            presented is null
                ? $"Send the service key in the '{HeaderName}' header or the '{QueryName}' query parameter."
                : "The key sent in the request is not accepted by this service. Check the configured key (RTN_API_KEY / rtn_ScoringApiKey).");
    }
}
