using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace RetentionInsights.Functions.Http;

/// <summary>
/// JSON answers written straight to the response with System.Text.Json (web defaults: camelCase). They need no MVC
/// formatters, so the Functions worker and the local host execute them identically.
/// </summary>
public sealed class JsonAnswer(int status, object? value, string contentType = "application/json") : IActionResult
{
    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public int Status { get; } = status;

    public object? Value { get; } = value;

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static JsonAnswer Ok(object? value) => new(StatusCodes.Status200OK, value);

    public static JsonAnswer Accepted(object? value) => new(StatusCodes.Status202Accepted, value);

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        SecurityHeaders.Apply(response, api: true);
        response.StatusCode = Status;
        foreach (var (name, value) in Headers)
            response.Headers[name] = value;
        if (Value is null)
            return;
        response.ContentType = contentType;
        await JsonSerializer.SerializeAsync(response.Body, Value, Value.GetType(), Web, context.HttpContext.RequestAborted);
    }
}

/// <summary>An RFC 7807 problem answer (see <see cref="Problems"/>).</summary>
public sealed class ProblemAnswer(int status, string title, string detail) : IActionResult
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public string Detail { get; } = detail;

    public string? RetryAfterSeconds { get; init; }

    public Task ExecuteResultAsync(ActionContext context)
    {
        if (RetryAfterSeconds is { } seconds)
            context.HttpContext.Response.Headers.RetryAfter = seconds;
        return Problems.Write(context.HttpContext, Status, Title, Detail);
    }
}
