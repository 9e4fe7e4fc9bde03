using System;
using Microsoft.Xrm.Sdk;
using Microsoft.Xrm.Sdk.Query;

namespace RetentionInsights.Plugins.Rescoring
{
    /// <summary>The contact whose scores an event changes, and where it was found (for the trace).</summary>
    public sealed class CustomerResolution
    {
        public CustomerResolution(Guid? contactId, string source)
        {
            ContactId = contactId;
            Source = source;
        }

        public Guid? ContactId { get; }

        public string Source { get; }
    }

    /// <summary>
    /// Finds the customer contact of the record an event is about. Reads what the pipeline already carries (Target,
    /// then the post image, then the pre image) and only falls back to a Retrieve when the step has no image.
    /// An account customer is scored through its primary contact, because the product scores contacts.
    /// </summary>
    public static class CustomerResolver
    {
        public static CustomerResolution Resolve(IPluginExecutionContext context, TableTrigger trigger, Func<IOrganizationService> systemService)
        {
            if (trigger.CustomerColumn == null)
            {
                return new CustomerResolution(context.PrimaryEntityId, "the contact itself");
            }

            var column = trigger.CustomerColumn;
            var customer = FindReference(context, trigger.Table, column, systemService, out var source);
            if (customer == null || customer.Id == Guid.Empty)
            {
                return new CustomerResolution(null, source + " is empty");
            }

            if (string.Equals(customer.LogicalName, PluginNames.Incident.Table, StringComparison.Ordinal))
            {
                // An activity regarding a case belongs to the case's customer.
                var incident = systemService().Retrieve(PluginNames.Incident.Table, customer.Id, new ColumnSet(PluginNames.Incident.Customer));
                customer = incident?.GetAttributeValue<EntityReference>(PluginNames.Incident.Customer);
                source += " -> incident.customerid";
                if (customer == null)
                {
                    return new CustomerResolution(null, source + " is empty");
                }
            }

            if (string.Equals(customer.LogicalName, PluginNames.Contact.Table, StringComparison.Ordinal))
            {
                return new CustomerResolution(customer.Id, source);
            }

            if (string.Equals(customer.LogicalName, PluginNames.Account.Table, StringComparison.Ordinal))
            {
                var account = systemService().Retrieve(PluginNames.Account.Table, customer.Id, new ColumnSet(PluginNames.Account.PrimaryContact));
                var primary = account?.GetAttributeValue<EntityReference>(PluginNames.Account.PrimaryContact);
                return primary == null
                    ? new CustomerResolution(null, source + " is an account without a primary contact")
                    : new CustomerResolution(primary.Id, source + " -> account.primarycontactid");
            }

            return new CustomerResolution(null, source + " points to a " + customer.LogicalName + ", not a customer");
        }

        private static EntityReference? FindReference(
            IPluginExecutionContext context, string table, string column, Func<IOrganizationService> systemService, out string source)
        {
            var isDelete = string.Equals(context.MessageName, PluginNames.Messages.Delete, StringComparison.Ordinal);
            if (!isDelete
                && context.InputParameters.TryGetValue("Target", out var targetValue)
                && targetValue is Entity target
                && target.Contains(column))
            {
                var fromTarget = target.GetAttributeValue<EntityReference>(column);
                if (fromTarget != null)
                {
                    source = "Target." + column;
                    return fromTarget;
                }

                // The update cleared the customer: the customer who lost the record is the one to rescore.
                if (TryImage(context.PreEntityImages, PluginNames.PreImage, column, out var previous))
                {
                    source = "PreImage." + column + " (cleared by this update)";
                    return previous;
                }

                source = "Target." + column;
                return null;
            }

            if (!isDelete && TryImage(context.PostEntityImages, PluginNames.PostImage, column, out var post))
            {
                source = "PostImage." + column;
                return post;
            }

            if (TryImage(context.PreEntityImages, PluginNames.PreImage, column, out var pre))
            {
                source = "PreImage." + column;
                return pre;
            }

            if (isDelete)
            {
                throw new InvalidPluginExecutionException(
                    $"RescoreTrigger on Delete of {table} needs the pre-image '{PluginNames.PreImage}' with column {column}; " +
                    "the deleted record can no longer be read. Fix the step registration (see registrations.json).");
            }

            var record = systemService().Retrieve(table, context.PrimaryEntityId, new ColumnSet(column));
            source = "record." + column + " (no image registered)";
            return record?.GetAttributeValue<EntityReference>(column);
        }

        private static bool TryImage(EntityImageCollection images, string alias, string column, out EntityReference? reference)
        {
            reference = null;
            if (images != null && images.TryGetValue(alias, out var image) && image != null && image.Contains(column))
            {
                reference = image.GetAttributeValue<EntityReference>(column);
                return true;
            }

            return false;
        }
    }
}
