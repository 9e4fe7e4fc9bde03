using System;
using System.Text.RegularExpressions;
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
            Func<ScoringServiceIdentity> identity,
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

            if (context.Mode != PluginNames.AsynchronousMode)
            {
                throw new InvalidPluginExecutionException(
                    $"RescoreTrigger must run asynchronously (mode 1), not in mode {context.Mode}: a synchronous step would put the " +
                    "webhook round trip inside the user's save. Register the step as asynchronous (see registrations.json).");
            }

            var service = identity();
            if (!service.IsKnown)
            {
                tracing.Trace(
                    "Warning: neither {0} nor {1} is set; only depth, filtering attributes and the offer-status rule guard against loops.",
                    PluginNames.ScoringServiceUserIdVariable, PluginNames.ScoringServiceApplicationIdVariable);
            }

            var skipped = LoopGuard.Check(context, configuration, service);
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
            Post(notifications(), endpoint, context, customer.ContactId.Value, tracing);
            tracing.Trace("Posted contact {0:D} (from {1}) to service endpoint {2:D}", customer.ContactId.Value, customer.Source, configuration.ServiceEndpointId);
            return RescoreOutcome.Posted;
        }

        /// <summary>
        /// A failed post fails this system job, and the job is where an administrator looks (Settings → System jobs,
        /// and the plug-in trace log): the message says what failed, for which contact, and carries the correlation id
        /// and system job id to search the service's logs with. The next batch run rescores the contact anyway.
        /// </summary>
        private static void Post(
            IServiceEndpointNotificationService notifications, EntityReference endpoint, IPluginExecutionContext context, Guid contactId, ITracingService tracing)
        {
            try
            {
                notifications.Execute(endpoint, context);
            }
            catch (Exception ex) when (!(ex is InvalidPluginExecutionException))
            {
                var reason = WithoutKey(ex.Message);
                tracing.Trace(
                    "Post failed: service endpoint {0:D}, contact {1:D}, correlation {2:D}, system job {3:D}: {4}: {5}",
                    endpoint.Id, contactId, context.CorrelationId, context.OperationId, ex.GetType().Name, reason);
                throw new InvalidPluginExecutionException(
                    $"RescoreTrigger could not post contact {contactId:D} to the scoring webhook (service endpoint {endpoint.Id:D}): {reason} " +
                    $"Check the webhook's URL and key and that the scoring service is running; the contact is rescored at the next batch run. " +
                    $"Correlation id {context.CorrelationId:D}.",
                    ex);
            }
        }

        /// <summary>A WebhookKey endpoint carries its key as ?code=…; a failure message that quotes the URL must not spread it.</summary>
        private static string WithoutKey(string message) =>
            Regex.Replace(message ?? string.Empty, "(?i)([?&]code=)[^&\\s\"']+", "$1***");

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
