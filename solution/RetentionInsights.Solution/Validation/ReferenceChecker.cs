using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace RetentionInsights.Solution.Validation;

/// <summary>
/// Cross-references: every column a form, view, PCF binding, plug-in step or field permission names must exist on its
/// table with a type that fits. Columns of tables the zip ships whole are known exactly; for system tables shipped as
/// a shell (contact) the publisher's own columns must be in the zip and standard ones come from <see cref="ExternalColumns"/>.
/// </summary>
internal sealed class ReferenceChecker(CustomizationsModel model, ManifestInfo manifest, ExternalColumns known, ValidationReport report)
{
    private static readonly HashSet<string> OrderedOperators = new(StringComparer.Ordinal) { "gt", "ge", "lt", "le", "between", "not-between" };

    private static readonly HashSet<string> ChoiceValueOperators = new(StringComparer.Ordinal) { "eq", "ne", "neq", "in", "not-in" };

    private const string UpdateMessageId = "20bebb1b-ea3e-db11-86a7-000a3a5473e8";

    private enum Lookup
    {
        Found,
        Missing,
        Unknown,
    }

    /// <summary>
    /// Columns the platform keeps on every table and fills itself; older exports (2015 samples) omit some of them from
    /// &lt;attributes&gt; while their relationships still name them.
    /// </summary>
    private static readonly Dictionary<string, string> PlatformColumns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ownerid"] = "owner", ["owninguser"] = "lookup", ["owningteam"] = "lookup", ["owningbusinessunit"] = "lookup",
        ["createdby"] = "lookup", ["modifiedby"] = "lookup", ["createdonbehalfby"] = "lookup", ["modifiedonbehalfby"] = "lookup",
        ["createdon"] = "datetime", ["modifiedon"] = "datetime", ["overriddencreatedon"] = "datetime", ["versionnumber"] = "bigint",
        ["importsequencenumber"] = "int", ["timezoneruleversionnumber"] = "int", ["utcconversiontimezonecode"] = "int",
    };

    private (Lookup Result, ColumnInfo? Column) Find(string entity, string column)
    {
        var shipped = model.Entity(entity);
        if (shipped is not null && shipped.Columns.TryGetValue(column, out var info))
            return (Lookup.Found, info);
        if (shipped is not null && PlatformColumns.TryGetValue(column, out var platformType))
            return (Lookup.Found, new ColumnInfo(shipped.LogicalName, column.ToLowerInvariant(), platformType));
        if (known.Find(entity, column) is { } standard)
            return (Lookup.Found, standard);
        if (shipped is { FullyDescribed: true })
            return (Lookup.Missing, null);
        // The publisher's own columns can only come from this solution (or one it depends on, which would be listed).
        if (manifest.Prefix is { } prefix && column.StartsWith(prefix + "_", StringComparison.OrdinalIgnoreCase))
            return (Lookup.Missing, null);
        return (Lookup.Unknown, null);
    }

    /// <summary>Reports a missing column as an error and an unverifiable one as a warning; returns the column when found.</summary>
    private ColumnInfo? Require(string entity, string column, string usage, string? location)
    {
        var (result, info) = Find(entity, column);
        switch (result)
        {
            case Lookup.Missing:
                report.Error("reference", $"{usage} refers to column '{column}', which does not exist on '{entity}'", location);
                break;
            case Lookup.Unknown:
                report.Warning("reference-unverified", $"{usage} refers to '{entity}.{column}', a column this zip does not define and the validator does not know", location);
                break;
        }

        return info;
    }

    public void CheckForms(SolutionPackage package)
    {
        foreach (var entity in model.Entities)
        {
            foreach (var form in entity.Forms)
            {
                var formName = form.Element.Element("LocalizedNames")?.Elements("LocalizedName").FirstOrDefault()?.Attribute("description")?.Value ?? form.Id ?? "form";
                var usage = $"form '{formName}' on {entity.LogicalName}";
                var controls = new Dictionary<string, XElement>(StringComparer.OrdinalIgnoreCase);
                foreach (var control in form.Element.Descendants("control"))
                {
                    var uniqueId = (string?)control.Attribute("uniqueid");
                    if (uniqueId is not null)
                        controls[uniqueId] = control;
                    var field = (string?)control.Attribute("datafieldname");
                    if (string.IsNullOrEmpty(field))
                        continue;
                    var column = Require(entity.LogicalName, field, usage, Line(control));
                    var classId = (string?)control.Attribute("classid");
                    if (column is not null && classId is not null && AttributeTypes.FamiliesForClassId(classId) is { } families
                        && !families.Contains(AttributeTypes.Family(column.Type)))
                        // A warning only: Microsoft's own exports bind createdon with the lookup class id, and the unified
                        // interface renders by column type anyway.
                        report.Warning("type-mismatch", $"{usage}: control for '{field}' uses a {string.Join("/", families)} control but the column is {column.Type}", Line(control));
                }

                foreach (var description in form.Element.Descendants("controlDescription"))
                {
                    foreach (var custom in description.Elements("customControl").Where(c => c.Attribute("name") is not null))
                        CheckPcfBinding(package, entity, custom, usage);
                }
            }
        }
    }

    private void CheckPcfBinding(SolutionPackage package, EntityInfo entity, XElement custom, string usage)
    {
        var name = (string)custom.Attribute("name")!;
        XElement? control = null;
        try
        {
            control = package.Xml($"Controls/{name}/ControlManifest.xml")?.Root?.Element("control");
        }
        catch (XmlException)
        {
            // CheckFiles reports the malformed manifest.
        }

        if (control is null)
        {
            report.Warning("reference-unverified", $"{usage} hosts control '{name}', whose manifest is not in this zip", Line(custom));
            return;
        }

        var properties = control.Elements("property").ToDictionary(p => (string?)p.Attribute("name") ?? "", StringComparer.Ordinal);
        var parameters = custom.Element("parameters")?.Elements().ToList() ?? [];
        foreach (var parameter in parameters)
        {
            var propertyName = parameter.Name.LocalName;
            if (!properties.TryGetValue(propertyName, out var property))
            {
                report.Error("pcf-binding", $"{usage}: control '{name}' has no property '{propertyName}' in its manifest", Line(parameter));
                continue;
            }

            if ((string?)parameter.Attribute("static") == "true")
                continue;
            var ofType = (string?)property.Attribute("of-type") ?? "";
            var column = Require(entity.LogicalName, parameter.Value.Trim(), $"{usage}: property '{propertyName}' of '{name}'", Line(parameter));
            if (column is not null && AttributeTypes.FamiliesForPcfType(ofType) is { } families && !families.Contains(AttributeTypes.Family(column.Type)))
                report.Error("type-mismatch", $"{usage}: property '{propertyName}' of '{name}' is {ofType} but column '{column.Name}' is {column.Type}", Line(parameter));
        }

        foreach (var (propertyName, property) in properties)
        {
            if ((string?)property.Attribute("required") == "true" && parameters.All(p => p.Name.LocalName != propertyName))
                report.Error("pcf-binding", $"{usage}: required property '{propertyName}' of control '{name}' is not set", Line(custom));
        }
    }

    public void CheckViews()
    {
        foreach (var entity in model.Entities)
        {
            foreach (var view in entity.Views)
            {
                var usage = $"view '{view.Name}' on {entity.LogicalName}";
                var fetchEntity = view.Element.Element("fetchxml")?.Element("fetch")?.Element("entity");
                var aliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                if (fetchEntity is not null)
                {
                    var fetchName = (string?)fetchEntity.Attribute("name") ?? "";
                    if (!string.Equals(fetchName, entity.LogicalName, StringComparison.OrdinalIgnoreCase))
                        report.Error("reference", $"{usage}: FetchXML queries '{fetchName}' instead of '{entity.LogicalName}'", Line(fetchEntity));
                    CheckFetchEntity(entity.LogicalName, fetchEntity, usage, aliases);
                }

                var grid = view.Element.Element("layoutxml")?.Element("grid");
                if (grid is null)
                    continue;
                if ((string?)grid.Attribute("jump") is { Length: > 0 } jump)
                    Require(entity.LogicalName, jump, $"{usage} (layout jump)", Line(grid));
                foreach (var row in grid.Elements("row"))
                {
                    if ((string?)row.Attribute("id") is { Length: > 0 } rowId)
                        Require(entity.LogicalName, rowId, $"{usage} (layout row id)", Line(row));
                    foreach (var cell in row.Elements("cell"))
                    {
                        var cellName = (string?)cell.Attribute("name") ?? "";
                        var dot = cellName.IndexOf('.', StringComparison.Ordinal);
                        if (dot > 0)
                        {
                            if (aliases.TryGetValue(cellName[..dot], out var linked))
                                Require(linked, cellName[(dot + 1)..], $"{usage} (layout column)", Line(cell));
                            else
                                report.Error("reference", $"{usage}: layout column '{cellName}' uses alias '{cellName[..dot]}', which the FetchXML does not define", Line(cell));
                        }
                        else if (cellName.Length > 0)
                        {
                            Require(entity.LogicalName, cellName, $"{usage} (layout column)", Line(cell));
                            if (fetchEntity is not null && fetchEntity.Elements("attribute").All(a => !string.Equals((string?)a.Attribute("name"), cellName, StringComparison.OrdinalIgnoreCase))
                                && fetchEntity.Element("all-attributes") is null)
                                report.Error("reference", $"{usage}: layout column '{cellName}' is not fetched by the view's FetchXML, so it would show empty", Line(cell));
                        }
                    }
                }
            }
        }
    }

    private void CheckFetchEntity(string entity, XElement element, string usage, Dictionary<string, string> aliases)
    {
        foreach (var attribute in element.Elements("attribute"))
            Require(entity, (string?)attribute.Attribute("name") ?? "", usage, Line(attribute));
        foreach (var order in element.Elements("order").Where(o => o.Attribute("attribute") is not null))
            Require(entity, (string)order.Attribute("attribute")!, $"{usage} (sort)", Line(order));
        foreach (var condition in element.Descendants("condition").Where(c => c.Attribute("entityname") is null && InScope(c, element)))
            CheckCondition(entity, condition, usage);
        foreach (var link in element.Elements("link-entity"))
        {
            var linked = (string?)link.Attribute("name") ?? "";
            if ((string?)link.Attribute("from") is { } from)
                Require(linked, from, $"{usage} (link to {linked})", Line(link));
            if ((string?)link.Attribute("to") is { } to)
                Require(entity, to, $"{usage} (link to {linked})", Line(link));
            if ((string?)link.Attribute("alias") is { } alias)
                aliases[alias] = linked;
            CheckFetchEntity(linked, link, usage, aliases);
        }
    }

    /// <summary>Conditions under nested filters belong to the entity unless they sit inside a link-entity.</summary>
    private static bool InScope(XElement condition, XElement entity) =>
        condition.Ancestors().TakeWhile(a => a != entity).All(a => a.Name.LocalName != "link-entity");

    private void CheckCondition(string entity, XElement condition, string usage)
    {
        var name = (string?)condition.Attribute("attribute") ?? "";
        var column = Require(entity, name, $"{usage} (filter)", Line(condition));
        if (column is null)
            return;
        var op = (string?)condition.Attribute("operator") ?? "eq";
        var family = AttributeTypes.Family(column.Type);
        if (OrderedOperators.Contains(op) && family is "text" or "memo" or "bool" or "lookup" or "choice" or "id")
            report.Error("type-mismatch", $"{usage}: filter '{name} {op}' compares a {column.Type} column by order", Line(condition));
        if (IsDateOperator(op) && family != "datetime")
            report.Error("type-mismatch", $"{usage}: date operator '{op}' on '{name}', a {column.Type} column", Line(condition));
        if (family == "choice" && column.Options is { Count: > 0 } options && ChoiceValueOperators.Contains(op))
        {
            var values = condition.Elements("value").Select(v => v.Value.Trim()).Append((string?)condition.Attribute("value")).OfType<string>();
            foreach (var value in values)
            {
                if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) || !options.Contains(number))
                    report.Error("reference", $"{usage}: filter '{name} {op} {value}' uses a value that is not an option of '{name}'", Line(condition));
            }
        }
    }

    private static bool IsDateOperator(string op) =>
        op.Contains("-x-", StringComparison.Ordinal) || op is "today" or "yesterday" or "tomorrow" or "on" or "on-or-after" or "on-or-before"
            or "this-week" or "this-month" or "this-year" or "last-week" or "last-month" or "last-year" or "next-week" or "next-month" or "next-year"
            or "last-seven-days" or "next-seven-days";

    public void CheckSteps()
    {
        var pluginTypes = model.PluginAssemblies.SelectMany(a => a.TypeIds).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var step in model.Steps)
        {
            var usage = $"plug-in step '{step.Name}'";
            if (step.PluginTypeId is { } typeId && !pluginTypes.Contains(typeId.Trim('{', '}')))
                report.Error("reference", $"{usage} runs plug-in type {typeId}, which no assembly in the zip defines", step.Location);
            if (step.Stage is not (10 or 20 or 40 or 30))
                report.Error("step", $"{usage}: stage {step.Stage} is not 10 (pre-validation), 20 (pre-operation) or 40 (post-operation)", step.Location);
            if (step.Mode == 1 && step.Stage != 40)
                report.Error("step", $"{usage}: asynchronous steps must run in stage 40 (post-operation)", step.Location);
            if (string.IsNullOrEmpty(step.PrimaryEntity) || step.PrimaryEntity == "none")
                continue;
            if (SolutionValidator.SameId(step.MessageId, UpdateMessageId) && step.FilteringAttributes.Count == 0)
                report.Warning("step", $"{usage} has no filtering attributes, so it runs on every update of {step.PrimaryEntity}", step.Location);
            foreach (var attribute in step.FilteringAttributes)
                Require(step.PrimaryEntity, attribute, $"{usage} (filtering attribute)", step.Location);
            foreach (var (image, attributes) in step.Images)
            {
                foreach (var attribute in attributes)
                    Require(step.PrimaryEntity, attribute, $"{usage} image '{image}'", step.Location);
            }
        }
    }

    /// <summary>A one-to-many relationship hangs on a lookup column of the referencing table.</summary>
    public void CheckRelationships()
    {
        foreach (var (name, referencing, _, attribute, location) in model.Relationships)
        {
            var column = Require(referencing, attribute, $"relationship '{name}'", location);
            if (column is not null && AttributeTypes.Family(column.Type) != "lookup")
                report.Error("type-mismatch", $"relationship '{name}' uses '{referencing}.{attribute}', a {column.Type} column, not a lookup", location);
        }
    }

    public void CheckFieldSecurity()
    {
        foreach (var (entity, attribute, location) in model.FieldPermissions)
        {
            var column = Require(entity, attribute, "field permission", location);
            if (column is not null && model.Entity(entity)?.Columns.ContainsKey(attribute) == true && !column.IsSecured)
                report.Error("field-security", $"field permission on '{entity}.{attribute}', but the column does not have column security enabled (IsSecured 0)", location);
        }
    }

    public void CheckRoles()
    {
        if (manifest.Prefix is not { } prefix)
            return;
        var verbs = new[] { "AppendTo", "Append", "Assign", "Create", "Delete", "Read", "Share", "Write" };
        foreach (var (role, roleName) in model.RoleElements)
        {
            foreach (var privilege in role.Element("RolePrivileges")?.Elements("RolePrivilege") ?? [])
            {
                var name = (string?)privilege.Attribute("name") ?? "";
                var level = (string?)privilege.Attribute("level");
                if (level is not ("Basic" or "Local" or "Deep" or "Global"))
                    report.Error("role", $"role '{roleName}': privilege {name} has level '{level}', not Basic/Local/Deep/Global", Line(privilege));
                var verb = verbs.FirstOrDefault(v => name.StartsWith("prv" + v, StringComparison.Ordinal));
                if (verb is null)
                    continue;
                var entity = name[(3 + verb.Length)..];
                if (entity.StartsWith(prefix + "_", StringComparison.OrdinalIgnoreCase) && model.Entity(entity) is null)
                    report.Error("reference", $"role '{roleName}': privilege {name} is for table '{entity}', which this solution does not define", Line(privilege));
            }
        }
    }

    private static string? Line(XElement element) => CustomizationsModel.Line(element);
}
