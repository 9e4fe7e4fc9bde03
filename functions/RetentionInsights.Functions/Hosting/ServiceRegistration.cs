using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using RetentionInsights.Functions.Batch;
using RetentionInsights.Functions.Configuration;
using RetentionInsights.Functions.Endpoints;
using RetentionInsights.Functions.Events;
using RetentionInsights.Functions.Http;
using RetentionInsights.Functions.Models;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.Security;
using RetentionInsights.Functions.State;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Functions.Stores.Dataverse;
using RetentionInsights.Functions.Stores.LocalOrg;
using RetentionInsights.Functions.Telemetry;
using RetentionInsights.Language;
using RetentionInsights.Scoring.Models;

namespace RetentionInsights.Functions.Hosting;

/// <summary>
/// Composition of the service, shared by the Functions worker and the local host. Local (SQLite, folder, in-process queue)
/// unless Azure/Dataverse settings are present.
/// </summary>
public static class ServiceRegistration
{
    public const string ModelsContainer = "models";
    public const string StateContainer = "state";

    /// <summary>Everything both hosts share, configured from the "Retention" section and the RTN_* variables.</summary>
    public static IServiceCollection AddRetentionServices(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new ServiceOptions();
        ServiceOptionsLoader.Load(configuration, options);
        // Refuse to start without a usable key: constructing the validator checks it.
        foreach (var key in options.ApiKeys.Where(k => k.Length < ApiKeyValidator.MinimumKeyLength))
            throw new InvalidOperationException($"An API key is shorter than {ApiKeyValidator.MinimumKeyLength} characters; use a long random value (e.g. openssl rand -hex 32).");
        services.AddSingleton(new ApiKeyValidator(options.ApiKeys));
        services.AddProblemDetails();
        services.AddSingleton<RetentionApi>();
        var credential = Credential(options);
        services.AddOpenTelemetry().WithTracing(tracing =>
        {
            tracing.AddSource(ServiceTelemetry.SourceName)
                .AddAspNetCoreInstrumentation(o => o.RecordException = false)
                .AddHttpClientInstrumentation();
            if (configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"] is { Length: > 0 } appInsights)
            {
                // Application Insights has local auth off (infra/main.bicep): traces are sent with the managed identity.
                tracing.AddAzureMonitorTraceExporter(o =>
                {
                    o.ConnectionString = appInsights;
                    o.Credential = credential;
                });
            }
        });
        return services.AddRetentionPipeline(options, configuration, credential);
    }

    /// <summary>
    /// The scoring pipeline without HTTP: stores, model store, scorer, rescorer, batches and training. The hosts add it
    /// through <see cref="AddRetentionServices"/>; <c>rtn score</c> uses it directly (<see cref="BuildPipeline"/>).
    /// </summary>
    public static IServiceCollection AddRetentionPipeline(this IServiceCollection services, ServiceOptions options, IConfiguration configuration,
        TokenCredential? credential = null)
    {
        credential ??= Credential(options);
        services.AddSingleton(Options.Create(options));
        services.TryAddSingleton(TimeProvider.System);

        // Data store.
        if (options.DataverseUrl is { } dataverse)
        {
            services.AddDataverseWebApi(dataverse, credential);
            services.AddSingleton<IRetentionStore>(sp => sp.GetRequiredService<DataverseStore>());
        }
        else
        {
            var path = options.LocalOrgPath
                ?? throw new InvalidOperationException("No data store configured: set RTN_DB (local org path) or DATAVERSE_URL.");
            var local = new LocalOrgStore(path);
            // A generated org stops at its generation date: score it as of that day, not as of the wall clock.
            options.AsOf ??= local.GeneratedUntil;
            services.AddSingleton(local);
            services.AddSingleton<IRetentionStore>(sp => sp.GetRequiredService<LocalOrgStore>());
        }

        // Model store.
        if (BlobContainer(options, options.ModelContainerUri, ModelsContainer, credential) is { } modelContainer)
            services.AddSingleton<IModelStore>(new BlobModelStore(modelContainer));
        else
            services.AddSingleton<IModelStore>(new LocalFolderModelStore(options.ModelsPath
                ?? throw new InvalidOperationException("No model store configured: set RTN_MODELS (folder) or Retention:ModelContainerUri.")));

        // Service state (event ledger, batch checkpoints).
        if (BlobContainer(options, options.StateContainerUri, StateContainer, credential) is { } stateContainer)
            services.AddSingleton<IStateStore>(new BlobStateStore(stateContainer));
        else if (options.LocalOrgPath is { } localPath)
            services.AddSingleton<IStateStore>(new SqliteStateStore(localPath));
        else
            throw new InvalidOperationException("With Dataverse, service state needs Azure Storage: set Retention:StateContainerUri.");

        // Chunk queue.
        if (Queue(options, credential) is { } queue)
        {
            services.AddSingleton<IRescoreQueue>(new StorageRescoreQueue(queue));
        }
        else
        {
            services.AddSingleton<InProcessRescoreQueue>();
            services.AddSingleton<IRescoreQueue>(sp => sp.GetRequiredService<InProcessRescoreQueue>());
            services.AddHostedService<InProcessQueueWorker>();
        }

        // Offline lexicon analyzer by default, Azure AI Language when section "Sentiment" says so; early-warning thresholds
        // from section "EarlyWarning" (both owned by the language/early-warning module).
        services.AddSentimentAnalysis(configuration);
        services.AddEarlyWarning(configuration);
        services.AddSingleton<EngineScorer>();
        services.TryAddSingleton<ICustomerScorer>(sp => sp.GetRequiredService<EngineScorer>());
        services.AddSingleton<CustomerRescorer>();
        services.AddSingleton<EventLedger>();
        services.AddSingleton(new Events.EventAdmission(options.EventsAtOnce));
        services.AddSingleton<DataverseEventProcessor>();
        services.AddSingleton<BatchRescoreCoordinator>();
        services.AddSingleton<ModelTrainingService>();
        services.AddSingleton<Campaign.CampaignReportService>();
        return services;
    }

    /// <summary>The pipeline alone (no HTTP, no key) from settings, for the command line; dispose it when done.</summary>
    public static ServiceProvider BuildPipeline(IReadOnlyDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = new ServiceOptions();
        ServiceOptionsLoader.Load(configuration, options);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddRetentionPipeline(options, configuration);
        return services.BuildServiceProvider();
    }

    private static TokenCredential Credential(ServiceOptions options) =>
        options.ManagedIdentityClientId is { Length: > 0 } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();

    private static BlobContainerClient? BlobContainer(ServiceOptions options, Uri? uri, string name, TokenCredential credential)
    {
        if (uri is not null)
            return new BlobContainerClient(uri, credential);
        return options.StorageConnectionString is { Length: > 0 } connection ? new BlobContainerClient(connection, name) : null;
    }

    private static QueueClient? Queue(ServiceOptions options, TokenCredential credential)
    {
        if (options.RescoreQueueUri is { } uri)
            return new QueueClient(uri, credential, StorageRescoreQueue.ClientOptions());
        return options.StorageConnectionString is { Length: > 0 } connection
            ? new QueueClient(connection, RescoreQueues.Name, StorageRescoreQueue.ClientOptions())
            : null;
    }
}
