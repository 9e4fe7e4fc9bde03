using RetentionInsights.Plugins.Configuration;
using RetentionInsights.Plugins.Execution;
using RetentionInsights.Plugins.Rescoring;
using Microsoft.Xrm.Sdk;

namespace RetentionInsights.Plugins
{
    /// <summary>
    /// Async post-operation step on contact, incident, salesorder, invoice, offer-recommendation and activity changes:
    /// tells the scoring service which customer to rescore by posting the context to the webhook service endpoint.
    /// </summary>
    public sealed class RescoreTrigger : PluginBase
    {
        // Immutable after construction; Dataverse builds one instance per step and shares it between threads.
        private readonly RescoreConfiguration? _configuration;
        private readonly string _configurationError;

        /// <summary>Dataverse passes the step's configurations. The unsecure one may be empty (the defaults fit the shipped
        /// steps); the secure one is not used: the trigger holds no secret (the webhook key lives on the service endpoint).</summary>
        public RescoreTrigger(string unsecureConfiguration, string secureConfiguration)
        {
            RescoreConfiguration.TryParse(unsecureConfiguration, out _configuration, out _configurationError);
        }

        public RescoreTrigger(string unsecureConfiguration)
            : this(unsecureConfiguration, string.Empty)
        {
        }

        protected override void ExecuteCore(LocalPluginContext local)
        {
            var configuration = _configuration ?? throw new InvalidPluginExecutionException(_configurationError);
            RescoreService.Run(
                local.Context, configuration, () => ScoringServiceIdentity.Read(local.SystemService, local.Tracing),
                () => local.SystemService, () => local.NotificationService, local.Tracing);
        }
    }
}
