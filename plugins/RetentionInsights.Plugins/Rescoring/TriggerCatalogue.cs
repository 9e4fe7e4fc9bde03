using System;
using System.Collections.Generic;
using System.Linq;

namespace RetentionInsights.Plugins.Rescoring
{
    /// <summary>
    /// The events RescoreTrigger understands and where each table keeps its customer. registrations.json declares the
    /// steps; a test checks that every declared step is one of these.
    /// </summary>
    public static class TriggerCatalogue
    {
        private static readonly IReadOnlyDictionary<string, TableTrigger> Tables = new Dictionary<string, TableTrigger>(StringComparer.Ordinal)
        {
            // Delete: the service erases what it derived from the person (the contact id is all it needs, so no image).
            [PluginNames.Contact.Table] = new TableTrigger(PluginNames.Contact.Table, customerColumn: null,
                PluginNames.Messages.Create, PluginNames.Messages.Update, PluginNames.Messages.Delete),
            [PluginNames.Incident.Table] = new TableTrigger(PluginNames.Incident.Table, PluginNames.Incident.Customer,
                PluginNames.Messages.Create, PluginNames.Messages.Update, PluginNames.Messages.Delete),
            [PluginNames.SalesOrder.Table] = new TableTrigger(PluginNames.SalesOrder.Table, PluginNames.SalesOrder.Customer,
                PluginNames.Messages.Create, PluginNames.Messages.Update, PluginNames.Messages.Delete),
            // Invoices feed the payment-behaviour features (late and unpaid invoices).
            [PluginNames.Invoice.Table] = new TableTrigger(PluginNames.Invoice.Table, PluginNames.Invoice.Customer,
                PluginNames.Messages.Create, PluginNames.Messages.Update, PluginNames.Messages.Delete),
            [PluginNames.OfferRecommendation.Table] = new TableTrigger(PluginNames.OfferRecommendation.Table, PluginNames.OfferRecommendation.Contact,
                PluginNames.Messages.Update),

            // A new e-mail or call can raise an early warning (angry wording, a sudden burst of contact), which an
            // agent needs today rather than after the nightly batch.
            [PluginNames.Activity.Email] = new TableTrigger(PluginNames.Activity.Email, PluginNames.Activity.Regarding,
                PluginNames.Messages.Create),
            [PluginNames.Activity.PhoneCall] = new TableTrigger(PluginNames.Activity.PhoneCall, PluginNames.Activity.Regarding,
                PluginNames.Messages.Create),
        };

        public static IEnumerable<TableTrigger> All => Tables.Values;

        public static TableTrigger? Find(string entityName, string messageName)
        {
            return entityName != null && Tables.TryGetValue(entityName, out var table) && table.Messages.Contains(messageName, StringComparer.Ordinal)
                ? table
                : null;
        }
    }

    public sealed class TableTrigger
    {
        public TableTrigger(string table, string? customerColumn, params string[] messages)
        {
            Table = table;
            CustomerColumn = customerColumn;
            Messages = messages;
        }

        public string Table { get; }

        /// <summary>The lookup holding the customer; null for contact, which is the customer itself.</summary>
        public string? CustomerColumn { get; }

        public IReadOnlyList<string> Messages { get; }
    }
}
