using System;
using Microsoft.Xrm.Sdk;
using Microsoft.Xrm.Sdk.Query;

namespace RetentionInsights.Plugins.Insights
{
    /// <summary>
    /// The scoring service answers with the shared key, so it would show anyone the scores that column security hides.
    /// Before the call, the contact's score column is read as the calling user: Dataverse returns no value for a column
    /// the user's column security profile hides (and refuses the row if the user cannot read the contact at all).
    /// An empty answer is ambiguous, since a contact not scored yet has no value either; a read as SYSTEM tells the two apart.
    /// </summary>
    public static class ScoreAccess
    {
        public const string NoAccessMessage =
            "You do not have access to retention scores. Ask your administrator for the Retention score readers column security profile.";

        public const string NotScoredMessage =
            "The retention scoring service has no insights for this contact yet. They appear after the next scoring run.";

        public static void EnsureCallerCanRead(
            Guid contactId, IOrganizationService callerService, Func<IOrganizationService> systemService, ITracingService tracing)
        {
            var column = PluginNames.Contact.ChurnProbability;
            if (HasValue(ReadAsCaller(contactId, callerService, tracing), column))
            {
                return;
            }

            if (HasValue(systemService().Retrieve(PluginNames.Contact.Table, contactId, new ColumnSet(column)), column))
            {
                tracing.Trace("The caller cannot read {0}: refused", column);
                throw new InvalidPluginExecutionException(NoAccessMessage, PluginHttpStatusCode.Forbidden);
            }

            // Nothing to protect yet, and nothing to show: the service is not asked, so no insights leak either way.
            tracing.Trace("Contact {0:D} has no {1} yet: not scored", contactId, column);
            throw new InvalidPluginExecutionException(NotScoredMessage, PluginHttpStatusCode.NotFound);
        }

        private static Entity? ReadAsCaller(Guid contactId, IOrganizationService callerService, ITracingService tracing)
        {
            try
            {
                return callerService.Retrieve(PluginNames.Contact.Table, contactId, new ColumnSet(PluginNames.Contact.ChurnProbability));
            }
            catch (Exception ex) when (!(ex is InvalidPluginExecutionException))
            {
                // The platform refuses the row (access denied) with a fault; its message may name the user, so only its type is traced.
                tracing.Trace("The caller cannot read contact {0:D}: {1}", contactId, ex.GetType().Name);
                throw new InvalidPluginExecutionException(NoAccessMessage, PluginHttpStatusCode.Forbidden);
            }
        }

        private static bool HasValue(Entity? row, string column) =>
            row != null && row.Attributes.TryGetValue(column, out var value) && value != null;
    }
}
