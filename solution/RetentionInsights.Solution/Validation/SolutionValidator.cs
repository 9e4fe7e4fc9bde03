using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace RetentionInsights.Solution.Validation;

public sealed record ValidationOptions
{
    /// <summary>Folder holding CustomizationsSolution.xsd (and its includes); null skips schema validation with a warning.</summary>
    public string? SchemaDirectory { get; init; }

    /// <summary>When set, the zip must be managed (true) or unmanaged (false).</summary>
    public bool? ExpectManaged { get; init; }

    /// <summary>Standard columns that exist in the environment without being in the zip.</summary>
    public ExternalColumns KnownColumns { get; init; } = ExternalColumns.Empty;
}

/// <summary>
/// Checks a solution zip the way an import would fail on it, before an admin tries: layout, customizations.xml against
/// the official schema (tolerating newer elements), every column that forms, views, the PCF manifest, plug-in steps and
/// field security refer to, choice value prefixes, root components and the managed flag.
/// </summary>
public sealed partial class SolutionValidator
{
    private readonly ValidationOptions options;
    private readonly TolerantSchemaValidator? schema;

    public SolutionValidator(ValidationOptions options)
    {
        this.options = options;
        if (options.SchemaDirectory is not null)
            schema = TolerantSchemaValidator.Load(options.SchemaDirectory);
    }

    public ValidationReport Validate(string zipPath)
    {
        var package = SolutionPackage.Read(zipPath);
        return Validate(package);
    }

    public ValidationReport Validate(SolutionPackage package)
    {
        var report = new ValidationReport(package.FileName);
        foreach (var required in new[] { "[Content_Types].xml", "solution.xml", "customizations.xml" })
        {
            if (!package.Contains(required))
                report.Error("layout", $"{required} is missing at the root of the zip");
        }

        var solution = Load(package, "solution.xml", report);
        var customizations = Load(package, "customizations.xml", report);
        var contentTypes = Load(package, "[Content_Types].xml", report);
        if (contentTypes is not null)
            CheckContentTypes(package, contentTypes, report);
        if (solution?.Root is null || customizations?.Root is null)
            return report;

        var manifest = ManifestInfo.Read(solution, report);
        report.SolutionUniqueName = manifest.UniqueName;
        report.Version = manifest.Version;
        report.Managed = manifest.Managed;
        CheckManifest(package, manifest, report);

        if (schema is null)
            report.Warning("xsd", "schema validation skipped: no folder with CustomizationsSolution.xsd was given");
        else
            foreach (var finding in schema.Validate(customizations, "customizations.xml"))
                report.Add(finding);

        var model = CustomizationsModel.Read(customizations, manifest);
        CheckChoicePrefixes(model, manifest, report);
        CheckColumnLimits(customizations, report);
        CheckPublisherPrefix(package, model, manifest, report);
        CheckRootComponents(model, manifest, report);
        CheckFiles(package, model, report);
        var references = new ReferenceChecker(model, manifest, options.KnownColumns, report);
        references.CheckForms(package);
        references.CheckViews();
        references.CheckSteps();
        references.CheckFieldSecurity();
        references.CheckRelationships();
        references.CheckRoles();
        CheckServiceEndpoints(model, report);
        CheckCustomApis(package, model, report);
        CheckEnvironmentVariables(package, report);
        AppChecks.CheckApps(model, manifest.Prefix, report);
        AppChecks.CheckDependencies(solution, model, report);
        return report;
    }

    private static XDocument? Load(SolutionPackage package, string path, ValidationReport report)
    {
        try
        {
            return package.Xml(path);
        }
        catch (XmlException e)
        {
            report.Error("xml", $"{path} is not well-formed XML: {e.Message}", $"{path}:{e.LineNumber}");
            return null;
        }
    }

    private static void CheckContentTypes(SolutionPackage package, XDocument contentTypes, ValidationReport report)
    {
        XNamespace ns = "http://schemas.openxmlformats.org/package/2006/content-types";
        if (contentTypes.Root?.Name != ns + "Types")
        {
            report.Error("layout", "[Content_Types].xml has no <Types> root in the OPC content-types namespace");
            return;
        }

        var declared = contentTypes.Root.Elements(ns + "Default").Select(d => (string?)d.Attribute("Extension") ?? "")
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var overrides = contentTypes.Root.Elements(ns + "Override").Select(d => SolutionPackage.Normalize((string?)d.Attribute("PartName") ?? ""))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var path in package.Paths.Where(p => !p.Equals("[Content_Types].xml", StringComparison.OrdinalIgnoreCase)))
        {
            var extension = Path.GetExtension(path).TrimStart('.');
            if (!declared.Contains(extension) && !overrides.Contains(path))
                report.Error("layout", $"{path}: no content type is declared for extension '.{extension}' in [Content_Types].xml");
        }
    }

    private void CheckManifest(SolutionPackage package, ManifestInfo manifest, ValidationReport report)
    {
        if (string.IsNullOrWhiteSpace(manifest.UniqueName))
            report.Error("manifest", "solution.xml has no <UniqueName>");
        if (manifest.Version is null || !VersionPattern().IsMatch(manifest.Version))
            report.Error("manifest", $"solution.xml <Version> '{manifest.Version}' is not a version of two to four numeric parts");
        // Exports name zips <UniqueName>_<version with underscores>[_managed].zip; a stale name misleads whoever imports it.
        var nameVersion = FileNameVersion().Match(Path.GetFileNameWithoutExtension(package.FileName));
        if (nameVersion.Success && manifest.Version is not null && nameVersion.Groups[1].Value.Replace('_', '.') != manifest.Version)
            report.Error("manifest", $"{package.FileName} is named for version {nameVersion.Groups[1].Value.Replace('_', '.')} but solution.xml says {manifest.Version}");
        if (manifest.Prefix is null || !PrefixPattern().IsMatch(manifest.Prefix) || manifest.Prefix.StartsWith("mscrm", StringComparison.OrdinalIgnoreCase))
            report.Error("manifest", $"publisher <CustomizationPrefix> '{manifest.Prefix}' must be 2-8 letters or digits, starting with a letter, not 'mscrm'");
        if (manifest.OptionValuePrefix is not { } optionPrefix || optionPrefix is < 10000 or > 99999)
            report.Error("manifest", $"publisher <CustomizationOptionValuePrefix> '{manifest.OptionValuePrefixText}' must be a number from 10000 to 99999");

        switch (manifest.Managed)
        {
            case null:
                report.Error("managed-flag", $"solution.xml <Managed> is '{manifest.ManagedText}'; a zip must say 0 (unmanaged) or 1 (managed)");
                break;
            case var managed:
                var namedManaged = Path.GetFileNameWithoutExtension(package.FileName).EndsWith("_managed", StringComparison.OrdinalIgnoreCase);
                if (namedManaged && managed == false)
                    report.Error("managed-flag", $"{package.FileName} is named as a managed solution but solution.xml says <Managed>0</Managed>");
                else if (!namedManaged && managed == true)
                    report.Warning("managed-flag", $"{package.FileName} is managed (<Managed>1</Managed>) but its name lacks the usual _managed suffix");
                if (options.ExpectManaged is { } expected && expected != managed)
                    report.Error("managed-flag", $"expected a {(expected ? "managed" : "unmanaged")} solution, solution.xml says <Managed>{(managed == true ? 1 : 0)}</Managed>");
                break;
        }
    }

    private static void CheckChoicePrefixes(CustomizationsModel model, ManifestInfo manifest, ValidationReport report)
    {
        if (manifest.OptionValuePrefix is not { } prefix)
            return;
        foreach (var set in model.OptionSets.Where(s => s.IsCustom && s.Kind is "picklist" or "multiselectpicklist"))
        {
            foreach (var value in set.Values.Where(v => v / 10000 != prefix))
                report.Error("choice-prefix", $"choice '{set.Name}' value {value} does not start with the publisher's option value prefix {prefix}", set.Location);
        }
    }

    /// <summary>
    /// New components should carry the publisher's prefix. Only a warning: a solution may legitimately contain
    /// components another publisher created (Microsoft's ExportDataUsingFetchXmlToAnnotation sample does).
    /// </summary>
    private static void CheckPublisherPrefix(SolutionPackage package, CustomizationsModel model, ManifestInfo manifest, ValidationReport report)
    {
        if (manifest.Prefix is not { } prefix)
            return;
        bool Prefixed(string name) => name.StartsWith(prefix + "_", StringComparison.OrdinalIgnoreCase);
        foreach (var entity in model.Entities.Where(e => e.FullyDescribed && !Prefixed(e.SchemaName)))
            report.Warning("prefix", $"table '{entity.SchemaName}' lacks the publisher prefix '{prefix}_'");
        foreach (var column in model.Entities.SelectMany(e => e.Columns.Values).Where(c => c.IsCustom && !Prefixed(c.Name)))
            report.Warning("prefix", $"custom column '{column.Entity}.{column.Name}' lacks the publisher prefix '{prefix}_'");
        foreach (var folder in package.Paths.Where(p => p.StartsWith("customapis/", StringComparison.OrdinalIgnoreCase) || p.StartsWith("environmentvariabledefinitions/", StringComparison.OrdinalIgnoreCase))
                     .Select(p => p.Split('/')[1]).Distinct(StringComparer.OrdinalIgnoreCase).Where(n => !Prefixed(n)))
            report.Warning("prefix", $"'{folder}' lacks the publisher prefix '{prefix}_'");
    }

    /// <summary>Limits Dataverse enforces on column metadata; caught here, a bad datamodel.json never reaches an import.</summary>
    private static void CheckColumnLimits(XDocument customizations, ValidationReport report)
    {
        foreach (var attribute in customizations.Root!.Element("Entities")?.Descendants("attributes").Elements("attribute") ?? [])
        {
            var name = attribute.Element("LogicalName")?.Value ?? "?";
            var type = attribute.Element("Type")?.Value;
            var location = CustomizationsModel.Line(attribute);
            decimal? Number(string element) => decimal.TryParse(attribute.Element(element)?.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
            var (accuracy, min, max, maxLength) = (Number("Accuracy"), Number("MinValue"), Number("MaxValue"), Number("MaxLength"));
            if (type == "decimal" && accuracy is < 0 or > 10)
                report.Error("column", $"decimal column '{name}' has precision {accuracy}; Dataverse allows 0 to 10", location);
            if (type == "money" && accuracy is < 0 or > 4)
                report.Error("column", $"currency column '{name}' has precision {accuracy}; Dataverse allows 0 to 4", location);
            if (type == "nvarchar" && maxLength is < 1 or > 4000)
                report.Error("column", $"text column '{name}' has maximum length {maxLength}; Dataverse allows 1 to 4000", location);
            if (type == "ntext" && maxLength is < 1 or > 1048576)
                report.Error("column", $"multiline text column '{name}' has maximum length {maxLength}; Dataverse allows 1 to 1048576", location);
            if (min is not null && max is not null && min > max)
                report.Error("column", $"column '{name}' has a minimum ({min}) above its maximum ({max})", location);
        }
    }

    private static void CheckRootComponents(CustomizationsModel model, ManifestInfo manifest, ValidationReport report)
    {
        bool Has(int type, string? id = null, string? name = null) => manifest.Roots.Any(r => r.Type == type
            && ((id is not null && SameId(r.Id, id)) || (name is not null && string.Equals(r.SchemaName, name, StringComparison.OrdinalIgnoreCase))));

        foreach (var entity in model.Entities.Where(e => !Has(1, name: e.SchemaName)))
            report.Error("root-component", $"entity '{entity.SchemaName}' is in customizations.xml but has no <RootComponent type=\"1\"> in solution.xml");
        foreach (var set in model.OptionSets.Where(s => s.IsGlobal && !Has(9, name: s.Name)))
            report.Error("root-component", $"global choice '{set.Name}' has no <RootComponent type=\"9\">");
        foreach (var (id, name) in model.Roles.Where(r => !Has(20, id: r.Id)))
            report.Error("root-component", $"security role '{name}' ({id}) has no <RootComponent type=\"20\">");
        foreach (var (id, name) in model.FieldSecurityProfiles.Where(r => !Has(70, id: r.Id)))
            report.Error("root-component", $"field security profile '{name}' ({id}) has no <RootComponent type=\"70\">");
        foreach (var control in model.CustomControls.Where(c => !Has(66, name: c.Name)))
            report.Error("root-component", $"custom control '{control.Name}' has no <RootComponent type=\"66\">");
        foreach (var assembly in model.PluginAssemblies.Where(a => !Has(91, id: a.Id)))
            report.Error("root-component", $"plug-in assembly '{assembly.FullName}' has no <RootComponent type=\"91\">");
        foreach (var step in model.Steps.Where(s => !Has(92, id: s.Id)))
            report.Error("root-component", $"plug-in step '{step.Name}' has no <RootComponent type=\"92\">");
        foreach (var endpoint in model.ServiceEndpoints.Where(e => !Has(95, id: e.Id)))
            report.Error("root-component", $"service endpoint '{endpoint.Name}' has no <RootComponent type=\"95\">");
        foreach (var map in model.SiteMaps.Where(m => !Has(62, name: m.UniqueName)))
            report.Error("root-component", $"site map '{map.UniqueName}' has no <RootComponent type=\"62\">");
        foreach (var app in model.AppModules.Where(a => !Has(80, name: a.UniqueName)))
            report.Error("root-component", $"app '{app.UniqueName}' has no <RootComponent type=\"80\">");

        // The other direction: a root component of a kind customizations.xml carries must be defined there.
        foreach (var root in manifest.Roots)
        {
            var defined = root.Type switch
            {
                1 => model.Entities.Any(e => string.Equals(e.SchemaName, root.SchemaName, StringComparison.OrdinalIgnoreCase)),
                9 => model.OptionSets.Any(s => s.IsGlobal && string.Equals(s.Name, root.SchemaName, StringComparison.OrdinalIgnoreCase)),
                20 => model.Roles.Any(r => SameId(r.Id, root.Id)),
                70 => model.FieldSecurityProfiles.Any(p => SameId(p.Id, root.Id)),
                66 => model.CustomControls.Any(c => string.Equals(c.Name, root.SchemaName, StringComparison.OrdinalIgnoreCase)),
                91 => model.PluginAssemblies.Any(a => SameId(a.Id, root.Id)),
                92 => model.Steps.Any(s => SameId(s.Id, root.Id)),
                95 => model.ServiceEndpoints.Any(e => SameId(e.Id, root.Id)),
                62 => root.SchemaName is null || model.SiteMaps.Any(m => string.Equals(m.UniqueName, root.SchemaName, StringComparison.OrdinalIgnoreCase)),
                80 => root.SchemaName is null || model.AppModules.Any(a => string.Equals(a.UniqueName, root.SchemaName, StringComparison.OrdinalIgnoreCase)),
                60 => model.Entities.SelectMany(e => e.Forms).Any(f => SameId(f.Id, root.Id)),
                26 => model.Entities.SelectMany(e => e.Views).Any(v => SameId(v.Id, root.Id)),
                _ => true,
            };
            if (!defined)
                report.Error("root-component", $"<RootComponent type=\"{root.Type}\" {root.SchemaName ?? root.Id}> is not defined in customizations.xml");
        }
    }

    private static void CheckFiles(SolutionPackage package, CustomizationsModel model, ValidationReport report)
    {
        foreach (var assembly in model.PluginAssemblies)
        {
            if (assembly.FileName is null || !package.Contains(assembly.FileName))
                report.Error("layout", $"plug-in assembly '{assembly.FullName}' points at {assembly.FileName ?? "no file"}, which is not in the zip");
        }

        foreach (var control in model.CustomControls)
        {
            if (control.FileName is null || !package.Contains(control.FileName))
            {
                report.Error("layout", $"custom control '{control.Name}' points at {control.FileName ?? "no file"}, which is not in the zip");
                continue;
            }

            XDocument? controlManifest;
            try
            {
                controlManifest = package.Xml(control.FileName);
            }
            catch (XmlException e)
            {
                report.Error("xml", $"{control.FileName} is not well-formed XML: {e.Message}");
                continue;
            }

            var folder = SolutionPackage.Normalize(control.FileName)[..(SolutionPackage.Normalize(control.FileName).LastIndexOf('/') + 1)];
            var element = controlManifest?.Root?.Element("control");
            if (element is null)
            {
                report.Error("pcf", $"{control.FileName} has no <manifest><control>");
                continue;
            }

            var expectedName = $"{(string?)element.Attribute("namespace")}.{(string?)element.Attribute("constructor")}";
            if (!control.Name.EndsWith("_" + expectedName, StringComparison.Ordinal) && !control.Name.Equals(expectedName, StringComparison.Ordinal))
                report.Error("pcf", $"custom control '{control.Name}' does not match its manifest namespace.constructor '{expectedName}'");
            foreach (var resource in element.Element("resources")?.Elements() ?? [])
            {
                var path = (string?)resource.Attribute("path");
                if (path is not null && !package.Contains(folder + path))
                    report.Error("pcf", $"{control.FileName} lists resource '{path}', which is not in {folder}");
            }
        }
    }

    private static void CheckCustomApis(SolutionPackage package, CustomizationsModel model, ValidationReport report)
    {
        var pluginTypes = model.PluginAssemblies.SelectMany(a => a.TypeIds).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var path in package.Paths.Where(p => p.StartsWith("customapis/", StringComparison.OrdinalIgnoreCase) && p.EndsWith("/customapi.xml", StringComparison.OrdinalIgnoreCase)))
        {
            var api = Load(package, path, report)?.Root;
            if (api is null)
                continue;
            var folderName = path.Split('/')[1];
            if (!string.Equals((string?)api.Attribute("uniquename"), folderName, StringComparison.Ordinal))
                report.Error("customapi", $"{path}: uniquename '{(string?)api.Attribute("uniquename")}' differs from its folder '{folderName}'");
            var typeId = api.Element("plugintypeid")?.Element("plugintypeid")?.Value;
            if (typeId is not null && !pluginTypes.Contains(typeId.Trim('{', '}')))
                report.Warning("customapi", $"{path}: plug-in type {typeId} is not in this solution; it must already exist in the environment");
            var binding = (int?)api.Element("bindingtype");
            if (binding == 1 && string.IsNullOrWhiteSpace((string?)api.Element("boundentitylogicalname")))
                report.Error("customapi", $"{path}: an entity-bound Custom API (bindingtype 1) needs <boundentitylogicalname>");
            var prefix = path[..(path.Length - "customapi.xml".Length)];
            foreach (var child in package.Paths.Where(p => p.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && !p.Equals(path, StringComparison.OrdinalIgnoreCase)))
            {
                var element = Load(package, child, report)?.Root;
                var type = (int?)element?.Element("type");
                if (element is not null && type is null or < 0 or > 12)
                    report.Error("customapi", $"{child}: <type> must be a Custom API data type code 0-12");
            }
        }
    }

    private static void CheckEnvironmentVariables(SolutionPackage package, ValidationReport report)
    {
        foreach (var path in package.Paths.Where(p => p.StartsWith("environmentvariabledefinitions/", StringComparison.OrdinalIgnoreCase) && p.EndsWith("/environmentvariabledefinition.xml", StringComparison.OrdinalIgnoreCase)))
        {
            var definition = Load(package, path, report)?.Root;
            if (definition is null)
                continue;
            var folderName = path.Split('/')[1];
            if (!string.Equals((string?)definition.Attribute("schemaname"), folderName, StringComparison.Ordinal))
                report.Error("envvar", $"{path}: schemaname '{(string?)definition.Attribute("schemaname")}' differs from its folder '{folderName}'");
            var type = (int?)definition.Element("type");
            if (type is null or < 100000000 or > 100000005)
                report.Error("envvar", $"{path}: <type> must be 100000000 (String) to 100000005 (Secret)");
            if (type == 100000005 && package.Contains(path.Replace("environmentvariabledefinition.xml", "environmentvariablevalues.json", StringComparison.Ordinal)))
                report.Error("envvar", $"{path}: a Secret variable must not ship a value; it points at Azure Key Vault per environment");
        }
    }

    private static void CheckServiceEndpoints(CustomizationsModel model, ValidationReport report)
    {
        foreach (var (_, name, contract, url) in model.ServiceEndpoints.Where(e => e.Contract == "8"))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
                report.Error("service-endpoint", $"webhook '{name}' has URL '{url}'; Dataverse posts only to an absolute https URL");
            else if (uri.Host.EndsWith(".invalid", StringComparison.OrdinalIgnoreCase))
                report.Warning("service-endpoint", $"webhook '{name}' ships a placeholder URL ({url}); set the real URL and key after import");
        }

        // Steps that post to a webhook name its id in their configuration; it must be the endpoint shipped here.
        var endpointIds = model.ServiceEndpoints.Select(e => e.Id).ToList();
        foreach (var step in model.Steps.Where(s => s.Configuration is not null))
        {
            var match = GuidInConfiguration().Match(step.Configuration!);
            if (match.Success && !endpointIds.Any(id => SameId(id, match.Groups[1].Value)))
                report.Warning("service-endpoint", $"plug-in step '{step.Name}' is configured for service endpoint {match.Groups[1].Value}, which this zip does not ship", step.Location);
        }
    }

    [GeneratedRegex("\"serviceEndpointId\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"")]
    private static partial Regex GuidInConfiguration();

    internal static bool SameId(string? a, string? b) =>
        a is not null && b is not null && Guid.TryParse(a, out var x) && Guid.TryParse(b, out var y) && x == y;

    [GeneratedRegex(@"^\d+(\.\d+){1,3}$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"_(\d+_\d+_\d+_\d+)(?:_managed)?$", RegexOptions.IgnoreCase)]
    private static partial Regex FileNameVersion();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{1,7}$")]
    private static partial Regex PrefixPattern();
}

/// <summary>The parts of solution.xml the checks need.</summary>
internal sealed record ManifestInfo(
    string? UniqueName, string? Version, string? ManagedText, string? Prefix, string? OptionValuePrefixText, IReadOnlyList<RootComponentInfo> Roots)
{
    public bool? Managed => ManagedText switch { "0" => false, "1" => true, _ => null };

    public int? OptionValuePrefix => int.TryParse(OptionValuePrefixText, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static ManifestInfo Read(XDocument solution, ValidationReport report)
    {
        var manifest = solution.Root?.Element("SolutionManifest");
        if (manifest is null)
            report.Error("manifest", "solution.xml has no <SolutionManifest>");
        var publisher = manifest?.Element("Publisher");
        var roots = manifest?.Element("RootComponents")?.Elements("RootComponent").Select(r => new RootComponentInfo(
            (int?)r.Attribute("type") ?? 0, (string?)r.Attribute("id"), (string?)r.Attribute("schemaName"), (int?)r.Attribute("behavior") ?? 0)).ToList() ?? [];
        return new ManifestInfo(
            manifest?.Element("UniqueName")?.Value.Trim(), manifest?.Element("Version")?.Value.Trim(), manifest?.Element("Managed")?.Value.Trim(),
            publisher?.Element("CustomizationPrefix")?.Value.Trim(), publisher?.Element("CustomizationOptionValuePrefix")?.Value.Trim(), roots);
    }
}

internal sealed record RootComponentInfo(int Type, string? Id, string? SchemaName, int Behavior);
