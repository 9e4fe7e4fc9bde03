using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RetentionInsights.Scoring.EarlyWarning;
using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Language;

/// <summary>
/// Wires sentiment analysis and the early warning from configuration: section "Sentiment" picks the analyzer (offline by
/// default, "azure" for Azure AI Language), section "EarlyWarning" holds the thresholds. Invalid settings fail at start-up
/// with a message naming the setting, not at the first message.
/// </summary>
public static class SentimentServiceCollectionExtensions
{
    public const string HttpClientName = "RetentionInsights.Language";

    public static IServiceCollection AddSentimentAnalysis(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = BindSentimentOptions(configuration);
        services.AddSingleton(options);
        if (!options.IsAzure)
        {
            services.AddSingleton<ISentimentAnalyzer>(new OfflineSentimentAnalyzer());
            return services;
        }
        // Retries live in the analyzer (it honours Retry-After per batch); the client only bounds the whole exchange.
        services.AddHttpClient(HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(options.AttemptTimeoutSeconds * options.MaxAttempts + options.MaxRetryAfterSeconds * (options.MaxAttempts - 1) + 5));
        services.AddSingleton<ISentimentAnalyzer>(provider => new AzureLanguageSentimentAnalyzer(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            options,
            CredentialFor(options),
            provider.GetService<ILogger<AzureLanguageSentimentAnalyzer>>()));
        return services;
    }

    /// <summary>Registers validated <see cref="EarlyWarningOptions"/>, the evaluator and the scanner (needs an <see cref="ISentimentAnalyzer"/>).</summary>
    public static IServiceCollection AddEarlyWarning(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = BindEarlyWarningOptions(configuration);
        services.AddSingleton(options);
        services.AddSingleton(new EarlyWarningEvaluator(options));
        services.AddSingleton(provider => new EarlyWarningScanner(provider.GetRequiredService<ISentimentAnalyzer>(), provider.GetRequiredService<EarlyWarningEvaluator>()));
        return services;
    }

    public static SentimentOptions BindSentimentOptions(IConfiguration configuration)
    {
        var options = new SentimentOptions();
        configuration.GetSection(SentimentOptions.SectionName).Bind(options);
        var errors = options.Validate();
        return errors.Count == 0 ? options : throw new InvalidOperationException(string.Join(" ", errors));
    }

    public static EarlyWarningOptions BindEarlyWarningOptions(IConfiguration configuration)
    {
        var options = new EarlyWarningOptions();
        configuration.GetSection(EarlyWarningOptions.SectionName).Bind(options);
        var errors = options.Validate();
        return errors.Count == 0 ? options : throw new InvalidOperationException(string.Join(" ", errors));
    }

    /// <summary>For callers without DI (the CLI): the analyzer the options ask for.</summary>
    public static ISentimentAnalyzer CreateAnalyzer(SentimentOptions options, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.IsAzure
            ? new AzureLanguageSentimentAnalyzer(http ?? new HttpClient(), options, CredentialFor(options))
            : new OfflineSentimentAnalyzer();
    }

    /// <summary>No key configured means Entra ID: a managed identity in Azure, the developer's sign-in on a laptop.</summary>
    private static TokenCredential? CredentialFor(SentimentOptions options) =>
        !string.IsNullOrWhiteSpace(options.ApiKey) ? null
        : string.IsNullOrWhiteSpace(options.ManagedIdentityClientId) ? new DefaultAzureCredential()
        : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId));
}
