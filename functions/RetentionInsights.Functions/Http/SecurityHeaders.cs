using Microsoft.AspNetCore.Http;

namespace RetentionInsights.Functions.Http;

/// <summary>
/// Headers on every answer of both hosts: API answers hold scores of people, so no cache keeps them and no page frames or
/// sniffs them; the contact-form preview may only run its own scripts.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>API answers are JSON: nothing may load from them.</summary>
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>
    /// The preview: its own files only, plus the one inline line that aliases React for the PCF bundle (by hash) and the
    /// inline styles the Fluent UI components inject.
    /// </summary>
    public const string PreviewPolicy = "default-src 'self'; script-src 'self' 'sha256-p/xEKC55At9l98pYRktmmJNMN/XxgA+pLbR+ZI70Y98='; " +
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public static void Apply(HttpResponse response, bool api)
    {
        var headers = response.Headers;
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = api ? ApiPolicy : PreviewPolicy;
        headers["Referrer-Policy"] = "no-referrer";
    }
}
