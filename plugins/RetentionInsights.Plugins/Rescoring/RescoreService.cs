using System;
using Microsoft.Xrm.Sdk;
using RetentionInsights.Plugins.Configuration;

namespace RetentionInsights.Plugins.Rescoring
{
    /// <summary>
    /// Decides whether an event should rescore a customer and, if so, hands the execution context (with the resolved
    /// contact in SharedVariables) to the scoring service's webhook endpoint. Everything heavy happens in the service.
    /// </summary>
    public static class RescoreService
    {
        public static RescoreOutcome Run(
            IPluginExecutionContext context,
            RescoreConfiguration configuration,
            Func<IOrganizationService> systemService,
            Func<IServiceEndpointNotificationService> notifications,
            ITracingService tracing)
        {
            var trigger = TriggerCatalogue.Find(context.PrimaryEntityName, context.MessageName);
            if (trigger == null)
            {
                throw new InvalidPluginExecutionException(
                    $"RescoreTrigger does not handle {context.MessageName} of {context.PrimaryEntityName}; " +
                    "remove that step or compare it with registrations.json.");
            }

            if (context.Stage != PluginNames.PostOperationStage)
            {
                throw new InvalidPluginExecutionException(
                    $"RescoreTrigger must run in the post-operation stage (40), not stage {context.Stage}; " +
                    "the scoring service has to see the committed change.");
            }

            if (!configuration.HasServiceIdentity)
            {
                tracing.Trace("Warning: no scoringServiceUserId or scoringServiceApplicationId configured; only depth and filtering attributes guard against loops.");
            }

            var skipped = LoopGuard.Check(context, configuration);
            if (skipped != null)
            {
                tracing.Trace("Skipped ({0}): depth {1}", skipped.Value, context.Depth);
                return skipped.Value;
            }

            if (string.Equals(trigger.Table, PluginNames.OfferRecommendation.Table, StringComparison.Ordinal) && !IsCustomerResponse(context))
            {
                tracing.Trace("Skipped ({0})", RescoreOutcome.SkippedNotAResponse);
                return RescoreOutcome.SkippedNotAResponse;
            }

            var customer = CustomerResolver.Resolve(context, trigger, systemService);
            if (customer.ContactId == null)
            {
                tracing.Trace("Skipped ({0}): {1}", RescoreOutcome.SkippedNoContact, customer.Source);
                return RescoreOutcome.SkippedNoContact;
            }

            context.SharedVariables[PluginNames.ContactIdSharedVariable] = customer.ContactId.Value.ToString("D");
            var endpoint = new EntityReference(PluginNames.ServiceEndpointTable, configuration.ServiceEndpointId);
            notifications().Execute(endpoint, context);
            tracing.Trace("Posted contact {0:D} (from {1}) to service endpoint {2:D}", customer.ContactId.Value, customer.Source, configuration.ServiceEndpointId);
            return RescoreOutcome.Posted;
        }

        /// <summary>Only an agent's Accepted/Declined is feedback; Proposed and Expired are written by the service itself.</summary>
        private static bool IsCustomerResponse(IPluginExecutionContext context)
        {
            OptionSetValue? status = null;
            if (context.InputParameters.TryGetValue("Target", out var value) && value is Entity target && target.Contains(PluginNames.OfferRecommendation.Status))
            {
                status = target.GetAttributeValue<OptionSetValue>(PluginNames.OfferRecommendation.Status);
            }
            else if (context.PostEntityImages != null && context.PostEntityImages.TryGetValue(PluginNames.PostImage, out var image) && image != null)
            {
                status = image.GetAttributeValue<OptionSetValue>(PluginNames.OfferRecommendation.Status);
            }

            return status != null
                && (status.Value == PluginNames.OfferRecommendation.StatusAccepted || status.Value == PluginNames.OfferRecommendation.StatusDeclined);
        }
    }
}
