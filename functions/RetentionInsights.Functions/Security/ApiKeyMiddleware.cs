using Microsoft.AspNetCore.Http;
using RetentionInsights.Functions.Configuration;
using RetentionInsights.Functions.Http;
using Microsoft.Extensions.Options;

namespace RetentionInsights.Functions.Security;

/// <summary>Marks the custom-handler invocation routes (timer/queue) that the Functions host calls on loopback.</summary>
public sealed class HostInvocationMetadata;

/// <summary>
/// Every API route needs the key as the header x-functions-key or the query parameter code (what a Dataverse WebhookKey
/// endpoint appends). The Functions host also checks its own key in Azure; this check keeps the app safe without it.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyValidator validator, IOptions<ServiceOptions> options)
{
    public const string HeaderName = "x-functions-key";
    public const string QueryName = "code";

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null)
        {
            // Static preview files and unknown paths: nothing to protect; unknown paths become 404 problem details.
            await next(context);
            return;
        }

        if (endpoint.Metadata.GetMetadata<HostInvocationMetadata>() is not null && options.Value.UnderFunctionsHost
            && IsLoopback(context))
        {
            // Under the Functions host, timers and queue messages arrive from the host process itself on 127.0.0.1
            // without any key; the custom handler port is never exposed outside the instance.
            await next(context);
            return;
        }

        var presented = context.Request.Headers[HeaderName].FirstOrDefault() ?? context.Request.Query[QueryName].FirstOrDefault();
        if (!validator.IsValid(presented))
        {
            await Problems.Write(context, StatusCodes.Status401Unauthorized, "Missing or wrong API key",
                presented is null
                    ? $"Send the service key in the '{HeaderName}' header or the '{QueryName}' query parameter."
                    : "The key sent in the request is not accepted by this service. Check the configured key (RTN_API_KEY / rtn_ScoringApiKey).");
            return;
        }

        await next(context);
    }

    private static bool IsLoopback(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } ip && System.Net.IPAddress.IsLoopback(ip);
}
