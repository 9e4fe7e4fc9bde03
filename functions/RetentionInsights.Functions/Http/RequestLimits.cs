using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace RetentionInsights.Functions.Http;

/// <summary>
/// Size limits of the request target (path and query) and the headers, checked by the service so that a request beyond them
/// is answered with problem details naming the limit. The web server's own limits are set a few times higher
/// (<see cref="ApplyToServer"/>): the server answers what it rejects with an empty body, so it only stops what no client
/// would send (and a request line that is not HTTP at all, which nothing can answer usefully).
/// </summary>
public static class RequestLimits
{
    /// <summary>Longest request target: the web server's usual default; no route of the API needs more than a few hundred.</summary>
    public const int MaxTargetBytes = 8 * 1024;

    /// <summary>Largest total of header names and values: the web server's usual default.</summary>
    public const int MaxHeaderBytes = 32 * 1024;

    private const int ServerHeadroom = 4;

    public static void ApplyToServer(KestrelServerLimits limits)
    {
        limits.MaxRequestLineSize = ServerHeadroom * MaxTargetBytes;
        limits.MaxRequestHeadersTotalSize = ServerHeadroom * MaxHeaderBytes;
    }

    /// <summary>The problem with this request's size, or null when it is within the limits.</summary>
    public static (int Status, string Title, string Detail)? Exceeded(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw
            ? raw.Length
            : context.Request.Path.Value?.Length + context.Request.QueryString.Value?.Length ?? 0;
        if (target > MaxTargetBytes)
            return (StatusCodes.Status414UriTooLong, "Request target too long",
                $"The path and query are {target:N0} characters; the service accepts at most {MaxTargetBytes:N0}. Send large input in the request body.");
        long headers = 0;
        foreach (var (name, values) in context.Request.Headers)
        {
            headers += name.Length + 4;
            foreach (var value in values)
                headers += value?.Length ?? 0;
        }
        if (headers > MaxHeaderBytes)
            return (StatusCodes.Status431RequestHeaderFieldsTooLarge, "Request headers too large",
                $"The request headers are {headers:N0} bytes; the service accepts at most {MaxHeaderBytes:N0}. Remove unneeded headers or cookies.");
        return null;
    }
}
