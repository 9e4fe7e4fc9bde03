using System.Globalization;
using System.Xml.Linq;
using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Solution.Packing;

/// <summary>
/// Turns datamodel.json into customizations.xml metadata: global choices, the new columns on standard tables (shipped as a
/// shell), whole custom tables with the system columns Dataverse gives every user-owned table, and the relationships
/// behind every lookup. Nothing here lists a column by hand: the local org and the solution read the same model.
/// </summary>
public sealed class EntityXmlBuilder(DataModel model)
{
    private const string Introduced = "1.0.0.0";

    /// <summary>Standard tables the product adds columns to; they ship as shells (RootComponent behavior 2).</summary>
    public IEnumerable<TableDefinition> ExtendedStandardTables => model.Tables.Where(t => !t.Custom && t.Columns.Any(c => c.Custom));

    public IEnumerable<TableDefinition> CustomTables => model.Tables.Where(t => t.Custom);

    public IEnumerable<XElement> GlobalOptionSets() => model.Choices.Select(choice =>
        new XElement("optionset", new XAttribute("Name", choice.Name), new XAttribute("localizedName", choice.DisplayName),
            new XElement("OptionSetType", "picklist"),
            new XElement("IsGlobal", 1),
            new XElement("IntroducedVersion", Introduced),
            new XElement("IsCustomizable", 1),
            new XElement("ExternalTypeName"),
            Labels.List("displaynames", "displayname", choice.DisplayName),
            new XElement("Descriptions"),
            new XElement("options", choice.Options.Select(o =>
                new XElement("option", new XAttribute("value", o.Value), new XAttribute("ExternalValue", ""),
                    Labels.Labelled("x", o.Label, o.LabelNl).Elements(),
                    new XElement("Descriptions"))))));

    /// <summary>The &lt;Entity&gt; element of a table; forms and views are added by the packer from solution/src.</summary>
    public XElement Entity(TableDefinition table)
    {
        var attributes = table.Custom ? CustomTableAttributes(table) : table.Columns.Where(c => c.Custom).SelectMany(c => Attributes(table, c));
        var entityInfo = new XElement("entity", new XAttribute("Name", SchemaName(table)),
            Labels.List("LocalizedNames", "LocalizedName", table.DisplayName, table.DisplayNameNl),
            Labels.List("LocalizedCollectionNames", "LocalizedCollectionName", table.PluralName ?? table.DisplayName + "s"),
            // A standard table keeps Microsoft's description; only our own tables describe themselves.
            table.Custom ? Labels.List("Descriptions", "Description", table.DisplayName) : null,
            new XElement("attributes", attributes.OrderBy(a => (string)a.Attribute("PhysicalName")!, StringComparer.Ordinal)));
        if (table.Custom)
            entityInfo.Add(CustomTableFlags(table));

        return new XElement("Entity",
            new XElement("Name", new XAttribute("LocalizedName", table.DisplayName), new XAttribute("OriginalName", table.DisplayName), SchemaName(table)),
            new XElement("EntityInfo", entityInfo));
    }

    /// <summary>Schema names of the standard tables the model uses (exports name system tables by schema name).</summary>
    private static readonly Dictionary<string, string> StandardSchemaNames = new(StringComparer.Ordinal)
    {
        ["account"] = "Account",
        ["contact"] = "Contact",
        ["email"] = "Email",
        ["incident"] = "Incident",
        ["invoice"] = "Invoice",
        ["phonecall"] = "PhoneCall",
        ["salesorder"] = "SalesOrder",
        ["salesorderdetail"] = "SalesOrderDetail",
    };

    /// <remarks>
    /// Custom tables and columns keep their lower-case logical names as schema names on purpose: Web API navigation
    /// properties are named after the lookup's schema name, and the PCF control and the service address them as
    /// <c>rtn_offerid</c> / <c>_rtn_offerid_value</c> (pcf-controls contract).
    /// </remarks>
    public static string SchemaName(TableDefinition table) => table.Custom
        ? table.LogicalName
        : StandardSchemaNames.GetValueOrDefault(table.LogicalName) ?? throw new InvalidDataException(
            $"The packer does not know the schema name of standard table '{table.LogicalName}'; add it to {nameof(EntityXmlBuilder)}.");

    /// <summary>Relationships for every lookup the model declares on a custom column, plus the system ones of custom tables.</summary>
    public IEnumerable<XElement> Relationships()
    {
        foreach (var table in model.Tables)
        {
            foreach (var column in table.Columns.Where(c => c.Custom && c.Type == ColumnType.Lookup))
            {
                var target = model.Table(column.Targets![0]);
                // Erasing a customer erases what the product derived about them (GDPR); an offer with history cannot
                // be deleted, only deactivated, so the acceptance model keeps its training data.
                var cascadeDelete = target.LogicalName == "contact" ? "Cascade" : column.Required ? "Restrict" : "RemoveLink";
                yield return Relationship($"{table.LogicalName}_{column.Name}_{target.LogicalName}", table.LogicalName, SchemaName(target), column.Name,
                    cascadeDelete, navPane: true);
            }
        }

        foreach (var table in CustomTables)
        {
            var name = table.LogicalName;
            yield return Relationship($"business_unit_{name}", name, "BusinessUnit", "owningbusinessunit", "Restrict", navPane: false);
            yield return Relationship($"lk_{name}_createdby", name, "SystemUser", "createdby", "NoCascade", navPane: false);
            yield return Relationship($"lk_{name}_createdonbehalfby", name, "SystemUser", "createdonbehalfby", "NoCascade", navPane: false);
            yield return Relationship($"lk_{name}_modifiedby", name, "SystemUser", "modifiedby", "NoCascade", navPane: false);
            yield return Relationship($"lk_{name}_modifiedonbehalfby", name, "SystemUser", "modifiedonbehalfby", "NoCascade", navPane: false);
            yield return Relationship($"owner_{name}", name, "Owner", "ownerid", "NoCascade", navPane: false);
            yield return Relationship($"team_{name}", name, "Team", "owningteam", "NoCascade", navPane: false);
            yield return Relationship($"user_{name}", name, "SystemUser", "owninguser", "NoCascade", navPane: false);
            if (table.Columns.Any(c => c.Type == ColumnType.Money))
                yield return Relationship($"TransactionCurrency_{name}", name, "TransactionCurrency", "transactioncurrencyid", "NoCascade", navPane: false);
        }
    }

    private static XElement Relationship(string name, string referencing, string referenced, string attribute, string cascadeDelete, bool navPane)
    {
        // Reassigning or sharing a contact leaves the service-owned rows alone: agents reach them through their role.
        const string cascadeOwned = "NoCascade";
        var relationship = new XElement("EntityRelationship", new XAttribute("Name", name),
            new XElement("EntityRelationshipType", "OneToMany"),
            new XElement("IsCustomizable", 1),
            new XElement("IntroducedVersion", Introduced),
            new XElement("IsHierarchical", 0),
            new XElement("ReferencingEntityName", referencing),
            new XElement("ReferencedEntityName", referenced),
            new XElement("CascadeAssign", cascadeOwned),
            new XElement("CascadeDelete", cascadeDelete),
            new XElement("CascadeReparent", cascadeOwned),
            new XElement("CascadeShare", cascadeOwned),
            new XElement("CascadeUnshare", cascadeOwned),
            new XElement("ReferencingAttributeName", attribute),
            new XElement("RelationshipDescription", Labels.List("Descriptions", "Description", "")));
        if (navPane)
        {
            relationship.Add(new XElement("EntityRelationshipRoles",
                new XElement("EntityRelationshipRole",
                    new XElement("NavPaneDisplayOption", "UseCollectionName"),
                    new XElement("NavPaneArea", "Details"),
                    new XElement("NavPaneOrder", 10000),
                    new XElement("NavigationPropertyName", attribute),
                    new XElement("RelationshipRoleType", 1)),
                new XElement("EntityRelationshipRole",
                    new XElement("NavigationPropertyName", name),
                    new XElement("RelationshipRoleType", 0))));
        }

        return relationship;
    }

    private IEnumerable<XElement> CustomTableAttributes(TableDefinition table)
    {
        foreach (var column in table.Columns)
        {
            if (column.Name == table.PrimaryId)
                yield return Common(column.Name, "primarykey", "systemrequired", "ValidForAdvancedFind|RequiredForGrid", create: true, update: false, custom: false, secured: false,
                    table.DisplayName, $"Unique identifier for {table.DisplayName} instances", null);
            else if (column.Name == "createdon")
                continue; // a system column, emitted below with the others
            else
                foreach (var attribute in Attributes(table, column))
                    yield return attribute;
        }

        var lookup = new Func<string, string, string, XElement>((name, label, description) =>
            Common(name, "lookup", "none", "ValidForAdvancedFind|ValidForForm|ValidForGrid", create: false, update: false, custom: false, secured: false, label, description, null,
                new XElement("LookupStyle", "single"), new XElement("LookupTypes")));
        yield return lookup("createdby", "Created By", "Unique identifier of the user who created the record.");
        yield return lookup("createdonbehalfby", "Created By (Delegate)", "Unique identifier of the delegate user who created the record.");
        yield return lookup("modifiedby", "Modified By", "Unique identifier of the user who modified the record.");
        yield return lookup("modifiedonbehalfby", "Modified By (Delegate)", "Unique identifier of the delegate user who modified the record.");
        yield return lookup("owningbusinessunit", "Owning Business Unit", "Unique identifier for the business unit that owns the record");
        yield return lookup("owningteam", "Owning Team", "Unique identifier for the team that owns the record.");
        yield return lookup("owninguser", "Owning User", "Unique identifier for the user that owns the record.");
        yield return Common("ownerid", "owner", "systemrequired", "ValidForAdvancedFind|ValidForForm|ValidForGrid|RequiredForForm", create: true, update: true, custom: false, secured: false,
            "Owner", "Owner Id", null, new XElement("LookupStyle", "single"), new XElement("LookupTypes"));
        yield return DateTimeAttribute("createdon", "Created On", "Date and time when the record was created.", create: false, update: false, behavior: 1, format: "datetime");
        yield return DateTimeAttribute("modifiedon", "Modified On", "Date and time when the record was modified.", create: false, update: false, behavior: 1, format: "datetime");
        yield return DateTimeAttribute("overriddencreatedon", "Record Created On", "Date and time that the record was migrated.", create: true, update: false, behavior: 2, format: "date");
        yield return WholeNumber("importsequencenumber", "Import Sequence Number", "Sequence number of the import that created this record.", -2147483648, 2147483647, create: true, update: false);
        yield return WholeNumber("timezoneruleversionnumber", "Time Zone Rule Version Number", "For internal use only.", -1, 2147483647, create: true, update: true);
        yield return WholeNumber("utcconversiontimezonecode", "UTC Conversion Time Zone Code", "Time zone code that was in use when the record was created.", -1, 2147483647, create: true, update: true);
        yield return StateAttribute(table);
        yield return StatusAttribute(table);
        if (table.Columns.Any(c => c.Type == ColumnType.Money))
        {
            yield return SetCreateUpdate(lookup("transactioncurrencyid", "Currency", "Unique identifier of the currency associated with the entity."), create: true, update: true);
            yield return Common("exchangerate", "decimal", "none", "ValidForAdvancedFind|ValidForForm|ValidForGrid", create: false, update: false, custom: false, secured: false,
                "Exchange Rate", "Exchange rate for the currency associated with the entity with respect to the base currency.", null,
                new XElement("MinValue", "0.0000000001"), new XElement("MaxValue", "100000000000"), new XElement("Accuracy", 10));
        }
    }

    private static XElement SetCreateUpdate(XElement attribute, bool create, bool update)
    {
        attribute.SetElementValue("ValidForCreateApi", create ? 1 : 0);
        attribute.SetElementValue("ValidForUpdateApi", update ? 1 : 0);
        return attribute;
    }

    private IEnumerable<XElement> Attributes(TableDefinition table, ColumnDefinition column)
    {
        var label = column.DisplayName ?? column.Name;
        var required = column.Required ? "required" : "none";
        var mask = column.Name == table.PrimaryName
            ? "PrimaryName|ValidForAdvancedFind|ValidForForm|ValidForGrid|RequiredForForm"
            : "ValidForAdvancedFind|ValidForForm|ValidForGrid";
        // Scores are written by the scoring service only; column security lets agents read without editing.
        var secured = column.Score;
        XElement Make(string type, params object[] specific) =>
            Common(column.Name, type, required, mask, create: true, update: true, custom: column.Custom, secured, label, column.Description ?? label, column.DisplayNameNl, specific)
                .WithAudit(column);

        switch (column.Type)
        {
            case ColumnType.String:
                var max = column.MaxLength ?? 100;
                yield return Make("nvarchar", new XElement("Format", "text"), new XElement("MaxLength", max), new XElement("Length", max * 2));
                break;
            case ColumnType.Memo:
                yield return Make("ntext", new XElement("Format", "text"), new XElement("MaxLength", column.MaxLength ?? 2000));
                break;
            case ColumnType.Int:
                yield return Make("int", new XElement("Format", "none"), new XElement("MinValue", Number(column.Min ?? -2147483648m)), new XElement("MaxValue", Number(column.Max ?? 2147483647m)));
                break;
            case ColumnType.Decimal:
                yield return Make("decimal", new XElement("MinValue", Number(column.Min ?? -100000000000m)), new XElement("MaxValue", Number(column.Max ?? 100000000000m)),
                    new XElement("Accuracy", column.Precision ?? 2));
                break;
            case ColumnType.Money:
                yield return Make("money", new XElement("MinValue", Number(column.Min ?? -922337203685477m)), new XElement("MaxValue", Number(column.Max ?? 922337203685477m)),
                    new XElement("Accuracy", column.Precision ?? 2), new XElement("AccuracySource", 2));
                // Dataverse keeps every money column also in the base currency.
                yield return Common(column.Name + "_base", "money", "none", "ValidForAdvancedFind|ValidForForm|ValidForGrid", create: false, update: false,
                    custom: column.Custom, secured, label + " (Base)", "Value of " + label + " in base currency.", null,
                    new XElement("CalculationOf", column.Name), new XElement("MinValue", Number(column.Min ?? -922337203685477m)),
                    new XElement("MaxValue", Number(column.Max ?? 922337203685477m)), new XElement("Accuracy", column.Precision ?? 2), new XElement("AccuracySource", 2));
                break;
            case ColumnType.DateTime:
                yield return Make("datetime", new XElement("Format", "datetime"), new XElement("CanChangeDateTimeBehavior", 1), new XElement("Behavior", 1));
                break;
            case ColumnType.DateOnly:
                // Date only: no time zone conversion, so a contract end is the same day for every user.
                yield return Make("datetime", new XElement("Format", "date"), new XElement("CanChangeDateTimeBehavior", 0), new XElement("Behavior", 2));
                break;
            case ColumnType.Bool:
                yield return Make("bit", new XElement("AppDefaultValue", 0),
                    new XElement("optionset", new XAttribute("Name", $"{table.LogicalName}_{column.Name}"),
                        new XElement("OptionSetType", "bit"),
                        new XElement("IntroducedVersion", Introduced),
                        new XElement("IsCustomizable", 1),
                        Labels.List("displaynames", "displayname", label, column.DisplayNameNl),
                        new XElement("Descriptions"),
                        new XElement("options",
                            new XElement("option", new XAttribute("value", 0), Labels.Labelled("x", "No", "Nee").Elements()),
                            new XElement("option", new XAttribute("value", 1), Labels.Labelled("x", "Yes", "Ja").Elements()))));
                break;
            case ColumnType.Choice when column.Choice is not null:
                yield return Make("picklist", new XElement("AppDefaultValue", -1), new XElement("OptionSetName", column.Choice));
                break;
            case ColumnType.MultiChoice when column.Choice is not null:
                yield return Make("multiselectpicklist", new XElement("AppDefaultValue", -1), new XElement("OptionSetName", column.Choice));
                break;
            case ColumnType.Lookup:
                yield return Make("lookup", new XElement("LookupStyle", "single"), new XElement("LookupTypes"));
                break;
            default:
                throw new InvalidDataException($"datamodel.json: column '{table.LogicalName}.{column.Name}' of type {column.Type} cannot be shipped as a custom column.");
        }
    }

    private static XElement DateTimeAttribute(string name, string label, string description, bool create, bool update, int behavior, string format) =>
        Common(name, "datetime", "none", "ValidForAdvancedFind|ValidForForm|ValidForGrid", create, update, custom: false, secured: false, label, description, null,
            new XElement("Format", format), new XElement("CanChangeDateTimeBehavior", 0), new XElement("Behavior", behavior));

    private static XElement WholeNumber(string name, string label, string description, long min, long max, bool create, bool update) =>
        Common(name, "int", "none", "ValidForAdvancedFind", create, update, custom: false, secured: false, label, description, null,
            new XElement("Format", "none"), new XElement("MinValue", min), new XElement("MaxValue", max));

    private static XElement StateAttribute(TableDefinition table) =>
        Common("statecode", "state", "systemrequired", "ValidForAdvancedFind|ValidForForm|ValidForGrid", create: false, update: true, custom: false, secured: false,
            "Status", $"Status of the {table.DisplayName}", null,
            new XElement("optionset", new XAttribute("Name", $"{table.LogicalName}_statecode"),
                new XElement("OptionSetType", "state"),
                new XElement("IntroducedVersion", Introduced),
                new XElement("IsCustomizable", 1),
                Labels.List("displaynames", "displayname", "Status"),
                Labels.List("Descriptions", "Description", $"Status of the {table.DisplayName}"),
                new XElement("states",
                    new XElement("state", new XAttribute("value", 0), new XAttribute("defaultstatus", 1), new XAttribute("invariantname", "Active"), Labels.Labelled("x", "Active", "Actief").Elements()),
                    new XElement("state", new XAttribute("value", 1), new XAttribute("defaultstatus", 2), new XAttribute("invariantname", "Inactive"), Labels.Labelled("x", "Inactive", "Inactief").Elements()))));

    private static XElement StatusAttribute(TableDefinition table) =>
        Common("statuscode", "status", "none", "ValidForAdvancedFind|ValidForForm|ValidForGrid", create: true, update: true, custom: false, secured: false,
            "Status Reason", $"Reason for the status of the {table.DisplayName}", null,
            new XElement("optionset", new XAttribute("Name", $"{table.LogicalName}_statuscode"),
                new XElement("OptionSetType", "status"),
                new XElement("IntroducedVersion", Introduced),
                new XElement("IsCustomizable", 1),
                Labels.List("displaynames", "displayname", "Status Reason"),
                Labels.List("Descriptions", "Description", $"Reason for the status of the {table.DisplayName}"),
                new XElement("statuses",
                    new XElement("status", new XAttribute("value", 1), new XAttribute("state", 0), Labels.Labelled("x", "Active", "Actief").Elements()),
                    new XElement("status", new XAttribute("value", 2), new XAttribute("state", 1), Labels.Labelled("x", "Inactive", "Inactief").Elements()))));

    /// <summary>The attribute element with the common flags in the order current exports write them.</summary>
    private static XElement Common(string name, string type, string requiredLevel, string displayMask, bool create, bool update, bool custom, bool secured,
        string label, string description, string? labelNl, params object[] specific) =>
        new("attribute", new XAttribute("PhysicalName", name),
            new XElement("Type", type),
            new XElement("Name", name),
            new XElement("LogicalName", name),
            new XElement("RequiredLevel", requiredLevel),
            new XElement("DisplayMask", displayMask),
            new XElement("ImeMode", "auto"),
            new XElement("ValidForUpdateApi", update ? 1 : 0),
            new XElement("ValidForReadApi", 1),
            new XElement("ValidForCreateApi", create ? 1 : 0),
            new XElement("IsCustomField", custom ? 1 : 0),
            new XElement("IsAuditEnabled", custom ? 1 : 0),
            new XElement("IsSecured", secured ? 1 : 0),
            new XElement("IntroducedVersion", Introduced),
            new XElement("IsCustomizable", 1),
            new XElement("IsRenameable", 1),
            new XElement("CanModifySearchSettings", 1),
            new XElement("CanModifyRequirementLevelSettings", 1),
            new XElement("CanModifyAdditionalSettings", 1),
            new XElement("SourceType", 0),
            new XElement("IsGlobalFilterEnabled", 0),
            new XElement("IsSortableEnabled", custom ? 1 : 0),
            new XElement("CanModifyGlobalFilterSettings", 1),
            new XElement("CanModifyIsSortableSettings", 1),
            new XElement("IsDataSourceSecret", 0),
            new XElement("AutoNumberFormat"),
            // Marketers segment on these: searchable in Advanced Find and filterable in views.
            new XElement("IsSearchable", custom ? 1 : 0),
            new XElement("IsFilterable", custom ? 1 : 0),
            new XElement("IsRetrievable", 1),
            new XElement("IsLocalizable", 0),
            specific,
            Labels.List("displaynames", "displayname", label, labelNl),
            Labels.List("Descriptions", "Description", description));

    private static IEnumerable<XElement> CustomTableFlags(TableDefinition table) =>
    [
        new XElement("EntitySetName", table.EntitySetName),
        new XElement("IsDuplicateCheckSupported", 0),
        new XElement("IsBusinessProcessEnabled", 0),
        new XElement("IsRequiredOffline", 0),
        new XElement("IsInteractionCentricEnabled", 0),
        new XElement("IsCollaboration", 0),
        new XElement("AutoRouteToOwnerQueue", 0),
        new XElement("IsConnectionsEnabled", 0),
        new XElement("IsDocumentManagementEnabled", 0),
        new XElement("AutoCreateAccessTeams", 0),
        new XElement("IsOneNoteIntegrationEnabled", 0),
        new XElement("IsKnowledgeManagementEnabled", 0),
        new XElement("IsSLAEnabled", 0),
        new XElement("IsDocumentRecommendationsEnabled", 0),
        new XElement("IsBPFEntity", 0),
        new XElement("OwnershipTypeMask", "UserOwned"),
        new XElement("IsAuditEnabled", 1),
        new XElement("IsRetrieveAuditEnabled", 0),
        new XElement("IsRetrieveMultipleAuditEnabled", 0),
        new XElement("IsActivity", 0),
        new XElement("ActivityTypeMask"),
        new XElement("IsActivityParty", 0),
        new XElement("IsReplicated", 0),
        new XElement("IsReplicationUserFiltered", 0),
        new XElement("IsMailMergeEnabled", 0),
        new XElement("IsVisibleInMobile", 0),
        new XElement("IsVisibleInMobileClient", 1),
        new XElement("IsReadOnlyInMobileClient", 0),
        new XElement("IsOfflineInMobileClient", 0),
        new XElement("DaysSinceRecordLastModified", 0),
        new XElement("MobileOfflineFilters"),
        new XElement("IsMapiGridEnabled", 1),
        new XElement("IsReadingPaneEnabled", 1),
        new XElement("IsQuickCreateEnabled", 0),
        new XElement("SyncToExternalSearchIndex", 0),
        new XElement("IntroducedVersion", Introduced),
        new XElement("IsCustomizable", 1),
        new XElement("IsRenameable", 1),
        new XElement("IsMappable", 1),
        new XElement("CanModifyAuditSettings", 1),
        new XElement("CanModifyMobileVisibility", 1),
        new XElement("CanModifyMobileClientVisibility", 1),
        new XElement("CanModifyMobileClientReadOnly", 1),
        new XElement("CanModifyMobileClientOffline", 1),
        new XElement("CanModifyConnectionSettings", 1),
        new XElement("CanModifyDuplicateDetectionSettings", 1),
        new XElement("CanModifyMailMergeSettings", 1),
        new XElement("CanModifyQueueSettings", 1),
        new XElement("CanCreateAttributes", 1),
        new XElement("CanCreateForms", 1),
        new XElement("CanCreateCharts", 1),
        new XElement("CanCreateViews", 1),
        new XElement("CanModifyAdditionalSettings", 1),
        new XElement("CanEnableSyncToExternalSearchIndex", 1),
        new XElement("EnforceStateTransitions", 0),
        new XElement("CanChangeHierarchicalRelationship", 1),
        new XElement("EntityHelpUrlEnabled", 0),
        // Change tracking lets the scoring service sync incrementally instead of re-reading whole tables.
        new XElement("ChangeTrackingEnabled", 1),
        new XElement("CanChangeTrackingBeEnabled", 1),
        new XElement("IsEnabledForExternalChannels", 0),
        new XElement("IsMSTeamsIntegrationEnabled", 0),
        new XElement("IsSolutionAware", 0),
    ];

    internal static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}

internal static class AttributeXmlExtensions
{
    /// <summary>
    /// Audit what people change (the GDPR opt-out above all) but not the scores: the service rewrites them for every
    /// customer each night, which would flood the audit log without telling anyone anything.
    /// </summary>
    public static XElement WithAudit(this XElement attribute, ColumnDefinition column)
    {
        attribute.SetElementValue("IsAuditEnabled", column.Custom && !column.Score ? 1 : 0);
        return attribute;
    }
}
