using System.Xml.Linq;

namespace RetentionInsights.Solution.Validation;

/// <summary>A model-driven app (AppModule) as customizations.xml declares it.</summary>
internal sealed record AppModuleInfo(string UniqueName, IReadOnlyList<(int Type, string? SchemaName, string? Id)> Components, IReadOnlyList<string?> RoleIds, string? Location);

/// <summary>A site map entry: a table, or a URL (which may open one view of a table).</summary>
internal sealed record SubAreaInfo(string? Id, string? Entity, string? Url, string? Location);

internal sealed record SiteMapInfo(string UniqueName, IReadOnlyList<SubAreaInfo> SubAreas, string? Location);

/// <summary>
/// What an import accepts but a user would trip over: an app without navigation, a site map entry for a table the app
/// does not include (it opens empty) or for a view the solution does not ship, and dependencies declared half.
/// </summary>
internal static class AppChecks
{
    public static void Read(XElement root, CustomizationsModel model)
    {
        foreach (var map in root.Element("AppModuleSiteMaps")?.Elements("AppModuleSiteMap") ?? [])
        {
            var subAreas = map.Element("SiteMap")?.Descendants("SubArea")
                .Select(s => new SubAreaInfo((string?)s.Attribute("Id"), (string?)s.Attribute("Entity"), (string?)s.Attribute("Url"), CustomizationsModel.Line(s))).ToList() ?? [];
            model.SiteMaps.Add(new SiteMapInfo(map.Element("SiteMapUniqueName")?.Value.Trim() ?? "", subAreas, CustomizationsModel.Line(map)));
        }

        foreach (var app in root.Element("AppModules")?.Elements("AppModule") ?? [])
        {
            var components = app.Element("AppModuleComponents")?.Elements("AppModuleComponent")
                .Select(c => ((int?)c.Attribute("type") ?? 0, (string?)c.Attribute("schemaName"), (string?)c.Attribute("id"))).ToList() ?? [];
            var roles = app.Element("AppModuleRoleMaps")?.Elements("Role").Select(r => (string?)r.Attribute("id")).ToList() ?? [];
            model.AppModules.Add(new AppModuleInfo(app.Element("UniqueName")?.Value.Trim() ?? "", components, roles, CustomizationsModel.Line(app)));
        }
    }

    public static void CheckApps(CustomizationsModel model, string? prefix, ValidationReport report)
    {
        bool Shipped(string table) => model.Entity(table) is not null;
        bool Foreign(string table) => prefix is not null && table.StartsWith(prefix + "_", StringComparison.OrdinalIgnoreCase);

        foreach (var app in model.AppModules)
        {
            var mapNames = app.Components.Where(c => c.Type == 62).Select(c => c.SchemaName).ToList();
            if (mapNames.Count == 0)
                report.Error("app", $"app '{app.UniqueName}' has no site map component (type 62): nobody could navigate in it", app.Location);
            foreach (var name in mapNames.Where(n => !model.SiteMaps.Any(m => string.Equals(m.UniqueName, n, StringComparison.OrdinalIgnoreCase))))
                report.Error("app", $"app '{app.UniqueName}' names site map '{name}', which is not in customizations.xml", app.Location);

            var tables = app.Components.Where(c => c.Type == 1 && c.SchemaName is not null).Select(c => c.SchemaName!).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var table in tables.Where(t => Foreign(t) && !Shipped(t)))
                report.Error("app", $"app '{app.UniqueName}' includes table '{table}', which carries the publisher prefix but is not in the zip", app.Location);
            foreach (var role in app.RoleIds.Where(id => !model.Roles.Any(r => SolutionValidator.SameId(r.Id, id))))
                report.Warning("app", $"app '{app.UniqueName}' is shared with role {role}, which this zip does not ship (fine for a system role)", app.Location);

            foreach (var map in model.SiteMaps.Where(m => mapNames.Contains(m.UniqueName, StringComparer.OrdinalIgnoreCase)))
            {
                foreach (var subArea in map.SubAreas)
                {
                    var table = subArea.Entity ?? UrlParameter(subArea.Url, "etn");
                    if (table is null)
                        continue;
                    if (!tables.Contains(table))
                        report.Error("app", $"site map entry '{subArea.Id}' opens table '{table}', which app '{app.UniqueName}' does not include: it would open empty", subArea.Location);
                    if (Foreign(table) && !Shipped(table))
                        report.Error("app", $"site map entry '{subArea.Id}' opens table '{table}', which carries the publisher prefix but is not in the zip", subArea.Location);
                    var viewId = UrlParameter(subArea.Url, "viewid");
                    if (viewId is not null && model.Entity(table) is { } entity && !entity.Views.Any(v => SolutionValidator.SameId(v.Id, viewId)))
                        report.Error("app", $"site map entry '{subArea.Id}' opens view {viewId} of '{table}', which this zip does not ship", subArea.Location);
                }
            }
        }
    }

    /// <summary>Every Required of a MissingDependency names a component and the solution that brings it; tables of a
    /// Dynamics 365 app that the zip extends or watches are declared.</summary>
    public static void CheckDependencies(XDocument solution, CustomizationsModel model, ValidationReport report)
    {
        var declared = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var dependency in solution.Root?.Element("SolutionManifest")?.Element("MissingDependencies")?.Elements("MissingDependency") ?? [])
        {
            var required = dependency.Element("Required");
            var type = (string?)required?.Attribute("type");
            // Older component kinds are named by schemaName or id, newer ones by id.<key> attributes (id.name, id.uniquename).
            var name = (string?)required?.Attribute("schemaName") ?? (string?)required?.Attribute("id")
                ?? required?.Attributes().FirstOrDefault(a => a.Name.LocalName.StartsWith("id.", StringComparison.Ordinal))?.Value;
            if (required is null || type is null || name is null)
            {
                report.Error("dependency", "a <MissingDependency> in solution.xml has no <Required> with a type and a schemaName, id or id.<key>");
                continue;
            }

            if (string.IsNullOrWhiteSpace((string?)required.Attribute("solution")))
                report.Error("dependency", $"the dependency on {name} does not name the solution that brings it (solution=\"...\")");
            if (type == "1")
                declared.Add(name);
        }

        var used = model.Entities.Where(e => !e.FullyDescribed).Select(e => e.SchemaName)
            .Concat(model.Steps.Select(s => s.PrimaryEntity ?? ""))
            .Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (var table in used)
        {
            if (FirstPartyTables.TryFind(table, out var displayName, out var app) && !declared.Contains(table))
                report.Warning("dependency", $"the solution uses table '{table}' ({displayName}) of {app.DisplayName} but does not declare it in <MissingDependencies>: the import would fail without saying which app to install first");
        }
    }

    private static string? UrlParameter(string? url, string name)
    {
        var query = url?.Split('?', 2) is [_, var q] ? q : null;
        foreach (var pair in query?.Split('&') ?? [])
        {
            var parts = pair.Split('=', 2);
            if (parts.Length == 2 && string.Equals(parts[0], name, StringComparison.OrdinalIgnoreCase))
                return Uri.UnescapeDataString(parts[1]);
        }

        return null;
    }
}
