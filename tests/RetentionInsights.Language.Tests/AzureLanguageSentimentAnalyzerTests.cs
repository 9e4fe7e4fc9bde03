using System.Net;
using Azure.Core;
using Microsoft.AspNetCore.Http;
using RetentionInsights.Language.Tests.Support;
using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Language.Tests;

public sealed class AzureLanguageSentimentAnalyzerTests : IAsyncLifetime
{
    private const string Key = "test-key-not-a-secret";
    private LanguageTestServer _server = null!;
    private readonly List<TimeSpan> _delays = [];
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _server = await LanguageTestServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private SentimentOptions Options(Action<SentimentOptions>? change = null)
    {
        var options = new SentimentOptions { Provider = "azure", Endpoint = _server.Endpoint, ApiKey = Key };
        change?.Invoke(options);
        return options;
    }

    private AzureLanguageSentimentAnalyzer Analyzer(SentimentOptions? options = null, TokenCredential? credential = null) =>
        new(_http, options ?? Options(), credential, null, (delay, _) =>
        {
            _delays.Add(delay);
            return Task.CompletedTask;
        });

    [Fact]
    public async Task AnalyzeAsync_23Documents_SendsBatchesOfTenToAnalyzeTextWithKeyAndGaVersion()
    {
        var documents = Enumerable.Range(0, 23)
            .Select(i => new SentimentDocument($"doc-{i}", i % 2 == 0 ? "Ik ben blij met de service." : "The service was bad.", i == 5 ? "en-GB" : null))
            .ToList();

        var results = await Analyzer().AnalyzeAsync(documents);

        Assert.Equal(documents.Select(d => d.Id), results.Select(r => r.Id));
        // Batches go out concurrently, so they may arrive in any order.
        var requests = _server.Requests.ToList();
        Assert.Equal([3, 10, 10], requests.Select(r => r.Body["analysisInput"]!["documents"]!.AsArray().Count).Order());
        var first = requests[0];
        Assert.Equal("/language/:analyze-text", first.Path);
        Assert.Equal("?api-version=2026-05-01", first.Query);
        Assert.Equal(Key, first.Headers["Ocp-Apim-Subscription-Key"]);
        Assert.False(first.Headers.ContainsKey("Authorization"));
        Assert.StartsWith("application/json", first.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.True(first.Headers.ContainsKey("Content-Length"), "the body is sent with a length, not chunked");
        Assert.Equal("SentimentAnalysis", first.Body["kind"]!.GetValue<string>());
        Assert.Equal("Utf16CodeUnit", first.Body["parameters"]!["stringIndexType"]!.GetValue<string>());
        // Every batch starts at an even document, and the texts alternate Dutch and English from there.
        foreach (var request in requests)
        {
            var languages = request.Body["analysisInput"]!["documents"]!.AsArray().Select(d => d!["language"]!.GetValue<string>()).ToList();
            Assert.Equal(languages.Select((_, i) => i % 2 == 0 ? "nl" : "en"), languages);
        }
    }

    [Fact]
    public async Task AnalyzeAsync_ConcurrentRequests_KeepTheCallersOrder()
    {
        var documents = Enumerable.Range(0, 57)
            .Select(i => new SentimentDocument($"d{i}", i % 3 == 0 ? "Slecht." : i % 3 == 1 ? "Blij!" : "Meterstand 1234.", "nl"))
            .ToList();

        var results = await Analyzer(Options(o => o.MaxConcurrentRequests = 4)).AnalyzeAsync(documents);

        Assert.Equal(6, _server.Requests.Count);
        Assert.Equal(documents.Select(d => d.Id), results.Select(r => r.Id));
        Assert.Equal(documents.Select((_, i) => i % 3 == 0 ? SentimentLabels.Negative : i % 3 == 1 ? SentimentLabels.Positive : SentimentLabels.Neutral),
            results.Select(r => r.Label));
    }

    [Fact]
    public async Task AnalyzeAsync_ConfidenceScores_MapToMinusOneToOne()
    {
        var results = await Analyzer().AnalyzeAsync([
            new SentimentDocument("neg", "Slechte service."),
            new SentimentDocument("pos", "Very happy!"),
            new SentimentDocument("neu", "Mijn meterstand is 1234."),
            new SentimentDocument("mix", "Vriendelijk, maar traag."),
        ]);

        Assert.Equal((-0.88, SentimentLabels.Negative), (results[0].Score, results[0].Label));
        Assert.Equal((0.94, SentimentLabels.Positive), (results[1].Score, results[1].Label));
        Assert.Equal((0.0, SentimentLabels.Neutral), (results[2].Score, results[2].Label));
        // "mixed" has no label of ours: the balance of the scores decides.
        Assert.Equal((-0.15, SentimentLabels.Neutral), (results[3].Score, results[3].Label));
    }

    [Fact]
    public async Task AnalyzeAsync_TextLongerThanLimit_IsCutTo5120Characters()
    {
        var text = string.Concat(Enumerable.Repeat("Mijn factuur klopt niet. ", 400));
        await Analyzer().AnalyzeAsync([new SentimentDocument("1", text, "nl")]);
        var sent = _server.Requests.Single().Body["analysisInput"]!["documents"]![0]!["text"]!.GetValue<string>();
        Assert.Equal(AzureLanguageSentimentAnalyzer.MaxCharactersPerDocument, sent.Length);
        Assert.StartsWith(sent, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnalyzeAsync_429WithRetryAfter_WaitsThatLongAndRetries()
    {
        _server.ThenStatus(429, retryAfter: "3");

        var results = await Analyzer().AnalyzeAsync([new SentimentDocument("1", "Heel blij!", "nl")]);

        Assert.Equal(SentimentLabels.Positive, results.Single().Label);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(3)], _delays);
    }

    [Fact]
    public async Task AnalyzeAsync_ServerErrorsWithoutRetryAfter_BacksOffExponentially()
    {
        _server.ThenStatus(503);
        _server.ThenStatus(500);

        await Analyzer().AnalyzeAsync([new SentimentDocument("1", "Prima.", "nl")]);

        Assert.Equal(3, _server.Requests.Count);
        Assert.Equal(2, _delays.Count);
        Assert.InRange(_delays[0].TotalSeconds, 0.8, 1.2);
        Assert.InRange(_delays[1].TotalSeconds, 1.6, 2.4);
    }

    [Fact]
    public async Task AnalyzeAsync_ServiceKeepsFailing_GivesUpAfterMaxAttempts()
    {
        for (var i = 0; i < 10; i++)
            _server.ThenStatus(503);

        var error = await Assert.ThrowsAsync<SentimentServiceException>(() => Analyzer().AnalyzeAsync([new SentimentDocument("1", "x", "nl")]).AsTask());

        Assert.Equal(4, _server.Requests.Count);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.Status);
        Assert.Contains("4 attempts", error.Message);
    }

    [Fact]
    public async Task AnalyzeAsync_RetryAfterBeyondLimit_FailsInsteadOfStalling()
    {
        _server.ThenStatus(429, retryAfter: "600");
        var error = await Assert.ThrowsAsync<SentimentServiceException>(() => Analyzer().AnalyzeAsync([new SentimentDocument("1", "x", "nl")]).AsTask());
        Assert.Contains("600", error.Message);
        Assert.Empty(_delays);
    }

    [Fact]
    public async Task AnalyzeAsync_BadRequest_FailsAtOnceWithoutLeakingTheKey()
    {
        _server.ThenStatus(400, errorCode: "InvalidRequest");

        var error = await Assert.ThrowsAsync<SentimentServiceException>(() => Analyzer().AnalyzeAsync([new SentimentDocument("1", "x", "nl")]).AsTask());

        Assert.Single(_server.Requests);
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Contains("InvalidRequest", error.Message);
        Assert.DoesNotContain(Key, error.Message);
    }

    [Fact]
    public async Task AnalyzeAsync_SlowAnswer_TimesOutTheAttemptAndRetries()
    {
        _server.Then(_ => new Slow(TimeSpan.FromSeconds(5)));

        var results = await Analyzer(Options(o => o.AttemptTimeoutSeconds = 0.5)).AnalyzeAsync([new SentimentDocument("1", "Blij.", "nl")]);

        Assert.Equal(SentimentLabels.Positive, results.Single().Label);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task AnalyzeAsync_DocumentRejected_IsScoredOfflineAndTheRestKept()
    {
        _server.Then(request => LanguageTestServer.Success(request, fail: text => text.Contains("Bonjour", StringComparison.Ordinal)));

        var results = await Analyzer().AnalyzeAsync([
            new SentimentDocument("a", "Slechte service.", "nl"),
            new SentimentDocument("b", "Bonjour, je suis très déçu. Ik ben zeer teleurgesteld.", "nl"),
            new SentimentDocument("c", "Very happy!", "en"),
        ]);

        Assert.Equal(["a", "b", "c"], results.Select(r => r.Id));
        Assert.Equal(-0.88, results[0].Score);
        Assert.Equal(SentimentLabels.Negative, results[1].Label); // offline analyzer's verdict
        Assert.Equal(0.94, results[2].Score);
    }

    [Fact]
    public async Task AnalyzeAsync_DocumentRejectedWithoutFallback_Fails()
    {
        _server.Then(request => LanguageTestServer.Success(request, fail: _ => true));
        var analyzer = Analyzer(Options(o => o.FallbackToOffline = false));
        var error = await Assert.ThrowsAsync<SentimentServiceException>(() => analyzer.AnalyzeAsync([new SentimentDocument("1", "x", "nl")]).AsTask());
        Assert.Contains("UnsupportedLanguageCode", error.Message);
    }

    [Fact]
    public async Task AnalyzeAsync_EntraCredential_SendsBearerTokenAndCachesIt()
    {
        var credential = new FakeCredential();
        var analyzer = Analyzer(Options(o => o.ApiKey = null), credential);

        await analyzer.AnalyzeAsync([new SentimentDocument("1", "Blij.", "nl")]);
        await analyzer.AnalyzeAsync([new SentimentDocument("2", "Blij.", "nl")]);

        Assert.All(_server.Requests, r =>
        {
            Assert.Equal("Bearer token-1", r.Headers["Authorization"]);
            Assert.False(r.Headers.ContainsKey("Ocp-Apim-Subscription-Key"));
        });
        Assert.Equal(1, credential.Calls);
        Assert.Equal(["https://cognitiveservices.azure.com/.default"], credential.Scopes);
    }

    [Fact]
    public void Constructor_NoKeyAndNoCredential_IsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new AzureLanguageSentimentAnalyzer(_http, Options(o => o.ApiKey = ""), null));
        Assert.Contains("ApiKey", error.Message);
    }

    [Fact]
    public void RetryAfter_HttpDateHeader_IsTheTimeUntilThatDate()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddSeconds(30));
        Assert.InRange(AzureLanguageSentimentAnalyzer.RetryAfter(response)!.Value.TotalSeconds, 25, 31);
        using var vendor = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        vendor.Headers.Add("retry-after-ms", "1500");
        Assert.Equal(TimeSpan.FromMilliseconds(1500), AzureLanguageSentimentAnalyzer.RetryAfter(vendor));
    }

    private sealed class Slow(TimeSpan delay) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            try
            {
                await Task.Delay(delay, httpContext.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up, as it should.
            }
        }
    }

    private sealed class FakeCredential : TokenCredential
    {
        public int Calls { get; private set; }
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Calls++;
            Scopes.AddRange(requestContext.Scopes);
            return ValueTask.FromResult(new AccessToken($"token-{Calls}", DateTimeOffset.UtcNow.AddHours(1)));
        }
    }
}
