using System;
using Microsoft.Xrm.Sdk;
using RetentionInsights.Plugins.Insights;

namespace RetentionInsights.Plugins.Configuration
{
    /// <summary>
    /// Who the scoring service is, so the loop guard can skip its own writes: the systemuserid of its application user
    /// and its Entra application (client) id, from the environment variables rtn_ScoringServiceUserId and
    /// rtn_ScoringServiceApplicationId. Set once per environment instead of in every step.
    /// </summary>
    public sealed class ScoringServiceIdentity
    {
        public ScoringServiceIdentity(Guid userId, Guid applicationId)
        {
            UserId = userId;
            ApplicationId = applicationId;
        }

        /// <summary>systemuser id of the scoring service's application user; Guid.Empty when not set.</summary>
        public Guid UserId { get; }

        /// <summary>Entra application (client) id of the scoring service; Guid.Empty when not set.</summary>
        public Guid ApplicationId { get; }

        public bool IsKnown => UserId != Guid.Empty || ApplicationId != Guid.Empty;

        /// <summary>
        /// An unset variable leaves that half of the guard off (traced: depth, filtering attributes and the offer-status
        /// rule still stop loops). A value that is not a GUID stops the step: a typo must not quietly disable the guard.
        /// </summary>
        public static ScoringServiceIdentity Read(IOrganizationService service, ITracingService tracing)
        {
            return new ScoringServiceIdentity(
                ReadGuid(service, tracing, PluginNames.ScoringServiceUserIdVariable, "the systemuserid of the scoring service's application user"),
                ReadGuid(service, tracing, PluginNames.ScoringServiceApplicationIdVariable, "the application (client) id of the scoring service's managed identity"));
        }

        private static Guid ReadGuid(IOrganizationService service, ITracingService tracing, string variable, string meaning)
        {
            var text = EnvironmentVariableReader.ReadOptionalValue(service, tracing, variable);
            if (text == null)
            {
                return Guid.Empty;
            }

            if (!Guid.TryParse(text, out var value) || value == Guid.Empty)
            {
                throw new InvalidPluginExecutionException(
                    $"Environment variable {variable} is '{text}', which is not a GUID. Set it to {meaning}, or clear it. " +
                    "No rescoring is posted until it is fixed, so the loop guard is never silently off.");
            }

            return value;
        }
    }
}
