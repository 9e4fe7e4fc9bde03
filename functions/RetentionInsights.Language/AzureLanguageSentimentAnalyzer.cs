using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Language;

/// <summary>The Language service refused a request in a way retrying will not fix, or kept failing after every retry.</summary>
public sealed class SentimentServiceException(string message, HttpStatusCode? status = null, Exception? inner = null) : Exception(message, inner)
{
    public HttpStatusCode? Status { get; } = status;
}

/// <summary>
/// Sentiment through Azure AI Language over REST (POST {endpoint}/language/:analyze-text, kind SentimentAnalysis). Sends at
/// most <see cref="MaxDocumentsPerRequest"/> documents per request and <see cref="MaxCharactersPerDocument"/> characters per
/// document (the synchronous limits), retries 429/5xx/timeouts with back-off honouring Retry-After, and maps the confidence
/// scores to [−1, 1] as positive − negative. Authenticates with Ocp-Apim-Subscription-Key or an Entra ID token.
/// </summary>
public sealed class AzureLanguageSentimentAnalyzer : ISentimentAnalyzer
{
    public const string DefaultApiVersion = "2026-05-01";
    public const int MaxDocumentsPerRequest = 10;
    public const int MaxCharactersPerDocument = 5120;
    public const string TokenScope = "https://cognitiveservices.azure.com/.default";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly HttpClient _http;
    private readonly SentimentOptions _options;
    private readonly TokenCredential? _credential;
    private readonly ISentimentAnalyzer? _fallback;
    private readonly ILogger _logger;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private readonly Uri _requestUri;
    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private AccessToken? _token;

    public AzureLanguageSentimentAnalyzer(HttpClient http, SentimentOptions options, TokenCredential? credential = null, ILogger<AzureLanguageSentimentAnalyzer>? logger = null)
        : this(http, options, credential, logger, null)
    {
    }

    /// <param name="delay">Waits between attempts; tests pass a recorder so Retry-After is checked without sleeping.</param>
    internal AzureLanguageSentimentAnalyzer(HttpClient http, SentimentOptions options, TokenCredential? credential, ILogger? logger, Func<TimeSpan, CancellationToken, Task>? delay)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        var errors = options.Validate();
        if (!options.IsAzure)
            errors = [.. errors, $"{SentimentOptions.SectionName}:Provider must be '{SentimentOptions.Azure}' for the Azure analyzer."];
        if (errors.Count > 0)
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        if (string.IsNullOrWhiteSpace(options.ApiKey) && credential is null)
            throw new ArgumentException($"{SentimentOptions.SectionName}: set ApiKey or provide an Entra ID credential.", nameof(options));
        _credential = string.IsNullOrWhiteSpace(options.ApiKey) ? credential : null;
        _fallback = options.FallbackToOffline ? new OfflineSentimentAnalyzer() : null;
        _logger = logger ?? NullLogger.Instance;
        _delay = delay ?? Task.Delay;
        var endpoint = options.Endpoint!.TrimEnd('/');
        _requestUri = new Uri($"{endpoint}/language/:analyze-text?api-version={Uri.EscapeDataString(options.ApiVersion)}");
    }

    public async ValueTask<IReadOnlyList<SentimentResult>> AnalyzeAsync(IReadOnlyList<SentimentDocument> documents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var chunks = documents.Chunk(MaxDocumentsPerRequest).Select(c => c.ToList()).ToList();
        var answers = new IReadOnlyList<SentimentResult>[chunks.Count];
        // A few requests in flight keep a large rescore moving; 429s still slow every worker down through Retry-After.
        await Parallel.ForEachAsync(Enumerable.Range(0, chunks.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentRequests, CancellationToken = cancellationToken },
            async (index, token) => answers[index] = await AnalyzeChunkAsync(chunks[index], token));
        return answers.SelectMany(a => a).ToList();
    }

    private async Task<IReadOnlyList<SentimentResult>> AnalyzeChunkAsync(List<SentimentDocument> chunk, CancellationToken cancellationToken)
    {
        // Positions as ids: caller ids may be long or repeat across calls; the service only needs uniqueness per request.
        var languages = chunk.Select(d => LanguageDetector.Normalize(d.Language) ?? LanguageDetector.Detect(d.Text ?? string.Empty)).ToList();
        var request = new AnalyzeTextRequest(
            "SentimentAnalysis",
            new SentimentParameters(_options.ModelVersion, false, "Utf16CodeUnit"),
            new AnalysisInput(chunk.Select((d, i) => new InputDocument(i.ToString(CultureInfo.InvariantCulture), languages[i], Truncate(d.Text ?? string.Empty))).ToList()));
        var response = await SendWithRetriesAsync(request, cancellationToken);
        var documents = response.Results?.Documents ?? [];
        var errors = response.Results?.Errors ?? [];

        var byIndex = new SentimentResult?[chunk.Count];
        foreach (var document in documents)
        {
            if (!TryIndex(document.Id, chunk.Count, out var index) || document.ConfidenceScores is null)
                continue;
            var score = Math.Round(Math.Clamp(document.ConfidenceScores.Positive - document.ConfidenceScores.Negative, -1, 1), 4);
            byIndex[index] = new SentimentResult(chunk[index].Id, score, languages[index], MapLabel(document.Sentiment, score));
        }
        var failed = Enumerable.Range(0, chunk.Count).Where(i => byIndex[i] is null).ToList();
        if (failed.Count > 0)
        {
            var codes = string.Join(", ", errors.Select(e => e.Error?.InnerError?.Code ?? e.Error?.Code).Where(c => c is not null).Distinct());
            if (_fallback is null)
                throw new SentimentServiceException($"Azure AI Language rejected {failed.Count} of {chunk.Count} documents ({codes}).");
            _logger.LogWarning("Azure AI Language rejected {Count} of {Total} documents ({Codes}); scoring them offline", failed.Count, chunk.Count, codes);
            var offline = await _fallback.AnalyzeAsync(failed.Select(i => chunk[i] with { Language = languages[i] }).ToList(), cancellationToken);
            for (var k = 0; k < failed.Count; k++)
                byIndex[failed[k]] = offline[k];
        }
        return byIndex.Select(r => r!).ToList();
    }

    private async Task<AnalyzeTextResponse> SendWithRetriesAsync(AnalyzeTextRequest body, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            string failure;
            HttpStatusCode? status = null;
            using (var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                attemptTimeout.CancelAfter(TimeSpan.FromSeconds(_options.AttemptTimeoutSeconds));
                try
                {
                    // Serialized up front so the request carries a Content-Length (no chunked upload through gateways).
                    using var request = new HttpRequestMessage(HttpMethod.Post, _requestUri)
                    {
                        Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json"),
                    };
                    await AuthenticateAsync(request, attemptTimeout.Token);
                    using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, attemptTimeout.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        return await response.Content.ReadFromJsonAsync<AnalyzeTextResponse>(Json, attemptTimeout.Token)
                            ?? throw new SentimentServiceException("Azure AI Language returned an empty body.", response.StatusCode);
                    }
                    status = response.StatusCode;
                    var detail = await ErrorDetailAsync(response, attemptTimeout.Token);
                    if (!IsTransient(response.StatusCode))
                        throw new SentimentServiceException($"Azure AI Language answered {(int)response.StatusCode} {response.StatusCode}: {detail}", response.StatusCode);
                    retryAfter = RetryAfter(response);
                    failure = $"{(int)response.StatusCode} {response.StatusCode}: {detail}";
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = $"no answer within {_options.AttemptTimeoutSeconds:0.#} s";
                }
                catch (HttpRequestException e)
                {
                    failure = $"network error: {e.Message}";
                }
            }
            if (attempt >= _options.MaxAttempts)
                throw new SentimentServiceException($"Azure AI Language failed after {attempt} attempts; last: {failure}", status);
            if (retryAfter is { } wait && wait.TotalSeconds > _options.MaxRetryAfterSeconds)
                throw new SentimentServiceException($"Azure AI Language asked to retry after {wait.TotalSeconds:0} s, more than the {_options.MaxRetryAfterSeconds:0} s allowed; last: {failure}", status);
            var delay = retryAfter ?? Backoff(attempt);
            _logger.LogWarning("Azure AI Language attempt {Attempt} failed ({Failure}); retrying in {DelayMs} ms", attempt, failure, (int)delay.TotalMilliseconds);
            await _delay(delay, cancellationToken);
        }
    }

    private async Task AuthenticateAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_credential is null)
        {
            request.Headers.Add("Ocp-Apim-Subscription-Key", _options.ApiKey);
            return;
        }
        await _tokenLock.WaitAsync(cancellationToken);
        try
        {
            if (_token is not { } cached || cached.ExpiresOn <= DateTimeOffset.UtcNow.AddMinutes(5))
                _token = await _credential.GetTokenAsync(new TokenRequestContext([TokenScope]), cancellationToken);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token.Value.Token);
        }
        finally
        {
            _tokenLock.Release();
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        // Exponential with ±20 % jitter so many workers hitting one resource do not retry in lockstep.
        var seconds = _options.BaseDelaySeconds * Math.Pow(2, attempt - 1);
        return TimeSpan.FromSeconds(seconds * (0.8 + 0.4 * Random.Shared.NextDouble()));
    }

    internal static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        // Cognitive Services also send the delay in milliseconds under a vendor header.
        if (response.Headers.TryGetValues("retry-after-ms", out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
            return TimeSpan.FromMilliseconds(ms);
        return null;
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or HttpStatusCode.InternalServerError
            or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    private static async Task<string> ErrorDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var error = await response.Content.ReadFromJsonAsync<ErrorResponse>(Json, cancellationToken);
            if (error?.Error is { } e)
                return $"{e.InnerError?.Code ?? e.Code}: {e.InnerError?.Message ?? e.Message}";
        }
        catch (JsonException)
        {
            // Not the documented error body (e.g. a gateway page): the status line is all we can report.
        }
        return response.ReasonPhrase ?? "no detail";
    }

    private static string MapLabel(string? sentiment, double score) => sentiment?.ToLowerInvariant() switch
    {
        "positive" => SentimentLabels.Positive,
        "negative" => SentimentLabels.Negative,
        "neutral" => SentimentLabels.Neutral,
        // "mixed": the balance of the confidence scores decides.
        _ => score >= 0.25 ? SentimentLabels.Positive : score <= -0.25 ? SentimentLabels.Negative : SentimentLabels.Neutral,
    };

    /// <summary>Cuts to the per-document limit without splitting a surrogate pair.</summary>
    internal static string Truncate(string text)
    {
        if (text.Length <= MaxCharactersPerDocument)
            return text;
        var length = MaxCharactersPerDocument;
        if (char.IsHighSurrogate(text[length - 1]))
            length--;
        return text[..length];
    }

    private static bool TryIndex(string? id, int count, out int index) =>
        int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out index) && index >= 0 && index < count;

    // Wire contract of /language/:analyze-text (kind SentimentAnalysis).
    private sealed record AnalyzeTextRequest(string Kind, SentimentParameters Parameters, AnalysisInput AnalysisInput);
    private sealed record SentimentParameters(string ModelVersion, bool OpinionMining, string StringIndexType);
    private sealed record AnalysisInput(IReadOnlyList<InputDocument> Documents);
    private sealed record InputDocument(string Id, string Language, string Text);

    private sealed record AnalyzeTextResponse(string? Kind, SentimentResults? Results);
    private sealed record SentimentResults(IReadOnlyList<DocumentSentiment>? Documents, IReadOnlyList<DocumentError>? Errors, string? ModelVersion);
    private sealed record DocumentSentiment(string? Id, string? Sentiment, ConfidenceScores? ConfidenceScores);
    private sealed record ConfidenceScores(double Positive, double Neutral, double Negative);
    private sealed record DocumentError(string? Id, ServiceError? Error);
    private sealed record ErrorResponse(ServiceError? Error);
    private sealed record ServiceError(string? Code, string? Message, ServiceError? InnerError);
}
