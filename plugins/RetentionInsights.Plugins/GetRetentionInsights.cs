using System;
using Microsoft.Xrm.Sdk;
using RetentionInsights.Plugins.Execution;
using RetentionInsights.Plugins.Insights;

namespace RetentionInsights.Plugins
{
    /// <summary>
    /// Main-operation plug-in of the Custom API rtn_GetRetentionInsights (function bound to contact): returns the
    /// contact's live insights JSON from the scoring service in the output parameter "Insights". The Custom API's
    /// execute privilege keeps out users without a retention role; the score-column check keeps out users whom column
    /// security does not let see the scores, because the service itself answers anyone holding the shared key.
    /// </summary>
    public sealed class GetRetentionInsights : PluginBase
    {
        // Stateless and thread-safe: the shared HTTP transport in Dataverse, an in-memory one in tests.
        private readonly IInsightsTransport _transport;

        public GetRetentionInsights()
            : this(HttpInsightsTransport.Instance)
        {
        }

        public GetRetentionInsights(IInsightsTransport transport)
        {
            _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        }

        protected override void ExecuteCore(LocalPluginContext local)
        {
            var contactId = BoundContact(local.Context);
            ScoreAccess.EnsureCallerCanRead(contactId, local.CallerService, () => local.SystemService, local.Tracing);
            var settings = EnvironmentVariableReader.ReadScoringSettings(local.SystemService, local.Tracing);
            var insights = new InsightsService(_transport, local.Tracing).Fetch(settings, contactId);
            local.Context.OutputParameters[PluginNames.InsightsOutputParameter] = insights;
        }

        private static Guid BoundContact(IPluginExecutionContext context)
        {
            if (!context.InputParameters.TryGetValue("Target", out var value)
                || !(value is EntityReference target)
                || !string.Equals(target.LogicalName, PluginNames.Contact.Table, StringComparison.Ordinal)
                || target.Id == Guid.Empty)
            {
                throw new InvalidPluginExecutionException(
                    $"{PluginNames.GetRetentionInsightsApi} must be called on a contact record.", PluginHttpStatusCode.BadRequest);
            }

            return target.Id;
        }
    }
}
