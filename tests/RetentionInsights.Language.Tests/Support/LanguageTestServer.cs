using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RetentionInsights.Language.Tests.Support;

/// <summary>A request the test server received: path, query, headers and the parsed JSON body.</summary>
public sealed record ReceivedRequest(string Path, string Query, IReadOnlyDictionary<string, string> Headers, JsonNode Body);

/// <summary>
/// A local stand-in for the Azure AI Language endpoint: Kestrel on 127.0.0.1 with a free port. Each request is answered by
/// the next scripted reply; when the script runs out, documents are answered by <see cref="SentimentFor"/> like the real
/// service (label + confidence scores per document, sentences, modelVersion).
/// </summary>
public sealed class LanguageTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<ReceivedRequest, IResult>> _script = new();

    private LanguageTestServer(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();
    public string Endpoint { get; private set; } = string.Empty;

    public static async Task<LanguageTestServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new LanguageTestServer(app);
        app.MapPost("/language/:analyze-text", async (HttpContext context) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body) ?? new JsonObject();
            var request = new ReceivedRequest(context.Request.Path, context.Request.QueryString.Value ?? string.Empty,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body);
            server.Requests.Enqueue(request);
            return server._script.TryDequeue(out var reply) ? reply(request) : Success(request);
        });
        await app.StartAsync();
        server.Endpoint = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    public void Then(Func<ReceivedRequest, IResult> reply) => _script.Enqueue(reply);

    public void ThenStatus(int status, string? retryAfter = null, string? errorCode = null) => Then(_ => new Status(status, retryAfter, errorCode));

    /// <summary>Realistic per-document answer: texts containing "slecht"/"bad" are negative, "blij"/"happy" positive.</summary>
    public static (string Label, double Pos, double Neu, double Neg) SentimentFor(string text)
    {
        var lower = text.ToLowerInvariant();
        if (lower.Contains("slecht", StringComparison.Ordinal) || lower.Contains("bad", StringComparison.Ordinal))
            return ("negative", 0.02, 0.08, 0.90);
        if (lower.Contains("blij", StringComparison.Ordinal) || lower.Contains("happy", StringComparison.Ordinal))
            return ("positive", 0.95, 0.04, 0.01);
        if (lower.Contains("maar", StringComparison.Ordinal) || lower.Contains("but", StringComparison.Ordinal))
            return ("mixed", 0.40, 0.05, 0.55);
        return ("neutral", 0.05, 0.90, 0.05);
    }

    public static IResult Success(ReceivedRequest request, Func<string, bool>? fail = null)
    {
        var documents = new JsonArray();
        var errors = new JsonArray();
        foreach (var document in request.Body["analysisInput"]!["documents"]!.AsArray())
        {
            var id = document!["id"]!.GetValue<string>();
            var text = document["text"]!.GetValue<string>();
            if (fail?.Invoke(text) == true)
            {
                errors.Add(new JsonObject
                {
                    ["id"] = id,
                    ["error"] = new JsonObject
                    {
                        ["code"] = "InvalidArgument", ["message"] = "Invalid Document in request.",
                        ["innererror"] = new JsonObject { ["code"] = "UnsupportedLanguageCode", ["message"] = "Invalid language code. Supported languages: ..." },
                    },
                });
                continue;
            }
            var (label, pos, neu, neg) = SentimentFor(text);
            var scores = new JsonObject { ["positive"] = pos, ["neutral"] = neu, ["negative"] = neg };
            documents.Add(new JsonObject
            {
                ["id"] = id, ["sentiment"] = label, ["confidenceScores"] = scores.DeepClone(),
                ["sentences"] = new JsonArray(new JsonObject
                {
                    ["sentiment"] = label, ["confidenceScores"] = scores.DeepClone(), ["offset"] = 0, ["length"] = text.Length, ["text"] = text,
                    ["targets"] = new JsonArray(), ["assessments"] = new JsonArray(),
                }),
                ["warnings"] = new JsonArray(),
            });
        }
        var body = new JsonObject
        {
            ["kind"] = "SentimentAnalysisResults",
            ["results"] = new JsonObject { ["documents"] = documents, ["errors"] = errors, ["modelVersion"] = "2025-01-01" },
        };
        return Results.Text(body.ToJsonString(), "application/json");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class Status(int status, string? retryAfter, string? errorCode) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            if (retryAfter is not null)
                httpContext.Response.Headers.RetryAfter = retryAfter;
            httpContext.Response.ContentType = "application/json";
            var error = new JsonObject
            {
                ["error"] = new JsonObject
                {
                    ["code"] = errorCode ?? (status == 429 ? "429" : "InternalServerError"),
                    ["message"] = status == 429 ? "Rate limit is exceeded. Try again later." : "The service is temporarily unavailable.",
                },
            };
            return httpContext.Response.WriteAsync(error.ToJsonString());
        }
    }
}
