using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace RetentionInsights.Solution.Validation;

internal sealed record OptionSetInfo(string Name, string Kind, bool IsGlobal, bool IsCustom, IReadOnlySet<int> Values, string? Location);

internal sealed record FormInfo(string? Id, XElement Element);

internal sealed record ViewInfo(string? Id, string Name, XElement Element);

internal sealed record EntityInfo(string SchemaName, bool FullyDescribed, IReadOnlyDictionary<string, ColumnInfo> Columns, IReadOnlyList<FormInfo> Forms, IReadOnlyList<ViewInfo> Views)
{
    public string LogicalName => SchemaName.ToLowerInvariant();
}

internal sealed record PluginAssemblyInfo(string? Id, string FullName, string? FileName, IReadOnlyList<string> TypeIds);

internal sealed record StepInfo(string? Id, string Name, string? PluginTypeId, string? PrimaryEntity, IReadOnlyList<string> FilteringAttributes,
    IReadOnlyList<(string Name, IReadOnlyList<string> Attributes)> Images, int? Stage, int? Mode, string? Location)
{
    public string? Configuration { get; init; }
    public string? MessageId { get; init; }
}

internal sealed record CustomControlInfo(string Name, string? FileName);

/// <summary>customizations.xml read into the facts the validator cross-checks.</summary>
internal sealed class CustomizationsModel
{
    public List<EntityInfo> Entities { get; } = [];
    public List<OptionSetInfo> OptionSets { get; } = [];
    public List<(string? Id, string Name)> Roles { get; } = [];
    public List<(XElement Role, string Name)> RoleElements { get; } = [];
    public List<(string? Id, string Name)> FieldSecurityProfiles { get; } = [];
    public List<(string Entity, string Attribute, string? Location)> FieldPermissions { get; } = [];
    public List<CustomControlInfo> CustomControls { get; } = [];
    public List<PluginAssemblyInfo> PluginAssemblies { get; } = [];
    public List<StepInfo> Steps { get; } = [];
    public List<(string? Id, string Name, string? Contract, string? Url)> ServiceEndpoints { get; } = [];
    public List<(string Name, string Referencing, string Referenced, string Attribute, string? Location)> Relationships { get; } = [];
    public List<AppModuleInfo> AppModules { get; } = [];
    public List<SiteMapInfo> SiteMaps { get; } = [];

    public EntityInfo? Entity(string logicalName) =>
        Entities.FirstOrDefault(e => string.Equals(e.SchemaName, logicalName, StringComparison.OrdinalIgnoreCase));

    public static CustomizationsModel Read(XDocument customizations, ManifestInfo manifest)
    {
        var root = customizations.Root!;
        var model = new CustomizationsModel();
        var globalSets = new Dictionary<string, OptionSetInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var set in root.Element("optionsets")?.Elements("optionset") ?? [])
        {
            var info = ReadOptionSet(set, isGlobal: true, isCustom: true);
            model.OptionSets.Add(info);
            globalSets[info.Name] = info;
        }

        foreach (var entity in root.Element("Entities")?.Elements("Entity") ?? [])
        {
            var schemaName = entity.Element("Name")?.Value.Trim() ?? "";
            var rootComponent = manifest.Roots.FirstOrDefault(r => r.Type == 1 && string.Equals(r.SchemaName, schemaName, StringComparison.OrdinalIgnoreCase));
            var columns = new Dictionary<string, ColumnInfo>(StringComparer.OrdinalIgnoreCase);
            var info = entity.Element("EntityInfo")?.Element("entity");
            foreach (var attribute in info?.Element("attributes")?.Elements("attribute") ?? [])
            {
                var name = (attribute.Element("LogicalName") ?? attribute.Element("Name"))?.Value.Trim().ToLowerInvariant();
                if (string.IsNullOrEmpty(name))
                    continue;
                var type = attribute.Element("Type")?.Value.Trim() ?? "";
                var isCustom = attribute.Element("IsCustomField")?.Value.Trim() == "1";
                IReadOnlySet<int>? options = null;
                if (attribute.Element("optionset") is { } local)
                {
                    var set = ReadOptionSet(local, isGlobal: false, isCustom: isCustom);
                    model.OptionSets.Add(set);
                    options = set.Values;
                }
                else if (attribute.Element("OptionSetName")?.Value.Trim() is { Length: > 0 } globalName && globalSets.TryGetValue(globalName, out var global))
                {
                    options = global.Values;
                }

                columns[name] = new ColumnInfo(schemaName.ToLowerInvariant(), name, type, options, attribute.Element("IsSecured")?.Value.Trim() == "1", isCustom);
            }

            // A table shipped whole (behavior 0 with its metadata) must define every column its own forms and views use.
            var fully = info is not null && (rootComponent?.Behavior ?? 0) == 0;
            var forms = entity.Element("FormXml")?.Elements("forms").SelectMany(f => f.Elements("systemform"))
                .Select(f => new FormInfo(f.Element("formid")?.Value.Trim(), f)).ToList() ?? [];
            var views = entity.Element("SavedQueries")?.Element("savedqueries")?.Elements("savedquery")
                .Select(v => new ViewInfo(v.Element("savedqueryid")?.Value.Trim(),
                    v.Element("LocalizedNames")?.Elements("LocalizedName").FirstOrDefault()?.Attribute("description")?.Value ?? "(unnamed view)", v)).ToList() ?? [];
            model.Entities.Add(new EntityInfo(schemaName, fully, columns, forms, views));
        }

        foreach (var role in root.Element("Roles")?.Elements("Role") ?? [])
        {
            model.Roles.Add(((string?)role.Attribute("id"), (string?)role.Attribute("name") ?? ""));
            model.RoleElements.Add((role, (string?)role.Attribute("name") ?? ""));
        }

        foreach (var profile in root.Element("FieldSecurityProfiles")?.Elements("FieldSecurityProfile") ?? [])
        {
            model.FieldSecurityProfiles.Add(((string?)profile.Attribute("fieldsecurityprofileid"), (string?)profile.Attribute("name") ?? ""));
            foreach (var permission in profile.Element("FieldPermissions")?.Elements("FieldPermission") ?? [])
                model.FieldPermissions.Add((permission.Element("EntityName")?.Value.Trim() ?? "", permission.Element("AttributeName")?.Value.Trim() ?? "", Line(permission)));
        }

        foreach (var control in root.Element("CustomControls")?.Elements("CustomControl") ?? [])
            model.CustomControls.Add(new CustomControlInfo(control.Element("Name")?.Value.Trim() ?? "", control.Element("FileName")?.Value.Trim()));

        foreach (var assembly in root.Element("SolutionPluginAssemblies")?.Elements("PluginAssembly") ?? [])
        {
            var types = assembly.Element("PluginTypes")?.Elements("PluginType").Select(t => ((string?)t.Attribute("PluginTypeId") ?? "").Trim('{', '}')).ToList() ?? [];
            model.PluginAssemblies.Add(new PluginAssemblyInfo((string?)assembly.Attribute("PluginAssemblyId"), (string?)assembly.Attribute("FullName") ?? "",
                assembly.Element("FileName")?.Value.Trim(), types));
        }

        foreach (var step in root.Element("SdkMessageProcessingSteps")?.Elements("SdkMessageProcessingStep") ?? [])
        {
            var images = step.Element("SdkMessageProcessingStepImages")?.Elements("SdkMessageProcessingStepImage")
                .Select(i => ((string?)i.Attribute("Name") ?? i.Element("EntityAlias")?.Value ?? "", (IReadOnlyList<string>)SplitList(i.Element("Attributes")?.Value)))
                .ToList() ?? [];
            model.Steps.Add(new StepInfo((string?)step.Attribute("SdkMessageProcessingStepId"), (string?)step.Attribute("Name") ?? "",
                step.Element("PluginTypeId")?.Value.Trim(), step.Element("PrimaryEntity")?.Value.Trim(), SplitList(step.Element("FilteringAttributes")?.Value),
                images, Int(step.Element("Stage")), Int(step.Element("Mode")), Line(step)) { Configuration = step.Element("Configuration")?.Value, MessageId = step.Element("SdkMessageId")?.Value.Trim() });
        }

        foreach (var relationship in root.Element("EntityRelationships")?.Elements("EntityRelationship")
                     .Where(r => r.Element("EntityRelationshipType")?.Value.Trim() == "OneToMany") ?? [])
        {
            model.Relationships.Add(((string?)relationship.Attribute("Name") ?? "", relationship.Element("ReferencingEntityName")?.Value.Trim() ?? "",
                relationship.Element("ReferencedEntityName")?.Value.Trim() ?? "", relationship.Element("ReferencingAttributeName")?.Value.Trim() ?? "", Line(relationship)));
        }

        foreach (var endpoint in root.Element("ServiceEndpoints")?.Elements("ServiceEndpoint") ?? [])
        {
            model.ServiceEndpoints.Add(((string?)endpoint.Attribute("ServiceEndpointId"), (string?)endpoint.Attribute("Name") ?? "",
                endpoint.Element("Contract")?.Value.Trim(), endpoint.Element("Url")?.Value.Trim()));
        }

        AppChecks.Read(root, model);
        return model;
    }

    private static OptionSetInfo ReadOptionSet(XElement set, bool isGlobal, bool isCustom)
    {
        var kind = set.Element("OptionSetType")?.Value.Trim() ?? "picklist";
        var values = new HashSet<int>();
        foreach (var option in set.Descendants().Where(e => e.Name.LocalName is "option" or "state" or "status" or "TrueOption" or "FalseOption"))
        {
            if (int.TryParse((string?)option.Attribute("value"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                values.Add(value);
        }

        return new OptionSetInfo((string?)set.Attribute("Name") ?? "", kind, isGlobal, isCustom, values, Line(set));
    }

    internal static List<string> SplitList(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static int? Int(XElement? element) =>
        int.TryParse(element?.Value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    internal static string? Line(XElement element) =>
        ((IXmlLineInfo)element).HasLineInfo() ? $"customizations.xml:{((IXmlLineInfo)element).LineNumber}" : null;
}
