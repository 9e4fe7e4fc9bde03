namespace RetentionInsights.Language;

/// <summary>
/// Which sentiment analyzer the product uses (configuration section <see cref="SectionName"/>). The offline analyzer is the
/// default and needs nothing; Azure AI Language needs an endpoint and either a key or an Entra identity.
/// </summary>
public sealed class SentimentOptions
{
    public const string SectionName = "Sentiment";
    public const string Offline = "offline";
    public const string Azure = "azure";

    /// <summary>"offline" (default) or "azure".</summary>
    public string Provider { get; set; } = Offline;

    /// <summary>The Language resource endpoint, e.g. https://my-language.cognitiveservices.azure.com/.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Resource key sent as Ocp-Apim-Subscription-Key. Leave empty to authenticate with Entra ID instead.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Client id of a user-assigned managed identity when authenticating with Entra ID (null = default credential chain).</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>GA api-version of /language/:analyze-text.</summary>
    public string ApiVersion { get; set; } = AzureLanguageSentimentAnalyzer.DefaultApiVersion;

    public string ModelVersion { get; set; } = "latest";

    /// <summary>Time allowed for one HTTP attempt.</summary>
    public double AttemptTimeoutSeconds { get; set; } = 20;

    /// <summary>Attempts per request including the first (429, 5xx, timeouts and network errors are retried).</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>First back-off when the service gives no Retry-After; doubles per attempt.</summary>
    public double BaseDelaySeconds { get; set; } = 1;

    /// <summary>A Retry-After longer than this is not waited for: the request fails instead of stalling a batch.</summary>
    public double MaxRetryAfterSeconds { get; set; } = 60;

    /// <summary>Requests of one call in flight at once (each carries up to 10 documents).</summary>
    public int MaxConcurrentRequests { get; set; } = 2;

    /// <summary>Documents the service rejects one by one (e.g. unsupported language) are scored offline instead of failing the batch.</summary>
    public bool FallbackToOffline { get; set; } = true;

    public bool IsAzure => string.Equals(Provider?.Trim(), Azure, StringComparison.OrdinalIgnoreCase);

    /// <summary>Problems a person can fix, one message each; empty when usable. Never echoes the key.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var provider = Provider?.Trim().ToLowerInvariant();
        if (provider is not (Offline or Azure))
            errors.Add($"{SectionName}:Provider must be '{Offline}' or '{Azure}', got '{Provider}'.");
        if (!IsAzure)
            return errors;
        if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttps && !endpoint.IsLoopback))
            errors.Add($"{SectionName}:Endpoint must be an absolute https URL of the Language resource.");
        if (string.IsNullOrWhiteSpace(ApiVersion))
            errors.Add($"{SectionName}:ApiVersion must not be empty.");
        if (AttemptTimeoutSeconds <= 0 || MaxAttempts < 1 || BaseDelaySeconds < 0 || MaxRetryAfterSeconds < 0)
            errors.Add($"{SectionName}: AttemptTimeoutSeconds must be positive, MaxAttempts at least 1, delays not negative.");
        if (MaxConcurrentRequests is < 1 or > 16)
            errors.Add($"{SectionName}:MaxConcurrentRequests must be between 1 and 16.");
        return errors;
    }
}
