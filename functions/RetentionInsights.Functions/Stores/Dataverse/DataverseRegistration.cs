using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace RetentionInsights.Functions.Stores.Dataverse;

public static class DataverseRegistration
{
    public const string ClientName = "dataverse";

    /// <summary>
    /// The Web API client pipeline, outermost first: service protection (429 Retry-After, concurrency cap) → resilience
    /// (total timeout, retries of transient 5xx/timeouts with jittered back-off, per-attempt timeout) → bearer token.
    /// 429s are left to the service-protection handler because their wait is dictated by the server, not by back-off.
    /// </summary>
    public static IServiceCollection AddDataverseWebApi(this IServiceCollection services, Uri environment, TokenCredential credential,
        Func<IServiceProvider, HttpMessageHandler>? primaryHandler = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRetryDelay, TimeProviderRetryDelay>();
        services.TryAddSingleton(new DataverseLimits());
        services.TryAddSingleton(sp => new ServiceProtectionGate(sp.GetRequiredService<DataverseLimits>()));
        // Handlers belong to one handler chain each (transient); the gate they share is the singleton.
        services.AddTransient<ServiceProtectionHandler>();
        var builder = services.AddHttpClient<DataverseWebApiClient>(ClientName, client =>
            {
                client.BaseAddress = new Uri(environment, DataverseWebApiClient.ApiPath);
                client.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns timeouts
            })
            .AddHttpMessageHandler(sp => sp.GetRequiredService<ServiceProtectionHandler>());
        builder.AddResilienceHandler("dataverse-transient", pipeline =>
        {
            pipeline.AddTimeout(TimeSpan.FromMinutes(3));
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 3,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(1),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutException } => true,
                    { Result: { } r } => (int)r.StatusCode is 408 or 500 or 502 or 503 or 504,
                    _ => false,
                }),
            });
            pipeline.AddTimeout(TimeSpan.FromSeconds(60));
        });
        builder.AddHttpMessageHandler(() => new DataverseTokenHandler(credential, environment));
        // The store keeps one client for its lifetime; connections are recycled by the socket handler instead, so DNS
        // changes of the environment are still picked up.
        builder.SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        builder.ConfigurePrimaryHttpMessageHandler(primaryHandler ?? (_ => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }));
        services.AddSingleton(sp => new DataverseStore(sp.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName) is var http
            ? new DataverseWebApiClient(http) : throw new InvalidOperationException()));
        return services;
    }
}
