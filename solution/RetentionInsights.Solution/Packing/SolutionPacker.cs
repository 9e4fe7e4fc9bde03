using System.IO.Compression;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Solution.Validation;

namespace RetentionInsights.Solution.Packing;

public sealed record PackResult(Version Version, string UnmanagedZip, string ManagedZip)
{
    public IEnumerable<string> Zips => [UnmanagedZip, ManagedZip];
}

/// <summary>
/// Packs solution/src plus what metadata and builds provide into the two zips an admin imports, in the layout Dataverse
/// exports use (what SolutionPackager /action:Pack would do; neither it nor pac can be installed here).
/// </summary>
public sealed class SolutionPacker(PackInputs inputs, DataModel model)
{
    /// <summary>Fixed entry time so the same inputs give byte-identical zips.</summary>
    private static readonly DateTimeOffset EntryTime = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The macro in FieldSecurityProfiles.xml that expands to every column datamodel.json marks "score": true.</summary>
    public const string ScoreColumnsMacro = "{score columns}";

    public PackResult Pack(string outputDirectory)
    {
        var version = SolutionVersion.Read(inputs.VersionFile);
        var content = BuildContent(version);
        Directory.CreateDirectory(outputDirectory);
        var baseName = $"{model.Solution.UniqueName}_{SolutionVersion.ForFileName(version)}";
        var unmanaged = Path.Combine(outputDirectory, baseName + ".zip");
        var managed = Path.Combine(outputDirectory, baseName + "_managed.zip");
        WriteZip(unmanaged, content, managedFlag: 0);
        WriteZip(managed, content, managedFlag: 1);
        return new PackResult(version, unmanaged, managed);
    }

    /// <summary>Everything except the managed flag, which differs between the two zips.</summary>
    internal PackageContent BuildContent(Version version)
    {
        var src = inputs.SourceDirectory;
        var solutionDoc = LoadXml(Path.Combine(src, "Other", "Solution.xml"));
        CheckPublisher(solutionDoc);
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var roots = new List<XElement>();
        var entities = new EntityXmlBuilder(model);

        // Tables: new custom tables whole, standard tables as shells carrying only the new columns.
        var entityElements = new List<XElement>();
        foreach (var table in entities.CustomTables)
        {
            var entity = entities.Entity(table);
            AddUi(entity, table, generated: true);
            entityElements.Add(entity);
            roots.Add(Root(1, schemaName: table.LogicalName, behavior: 0));
        }

        foreach (var table in entities.ExtendedStandardTables)
        {
            var entity = entities.Entity(table);
            AddUi(entity, table, generated: false);
            entityElements.Add(entity);
            roots.Add(Root(1, schemaName: table.LogicalName, behavior: 2));
        }

        // A folder for a table the model does not ship would silently drop its forms and views.
        var shipped = entities.CustomTables.Concat(entities.ExtendedStandardTables).Select(EntityXmlBuilder.SchemaName).ToHashSet(StringComparer.Ordinal);
        var entitiesFolder = Path.Combine(src, "Entities");
        foreach (var folder in Directory.Exists(entitiesFolder) ? Directory.GetDirectories(entitiesFolder) : [])
        {
            if (!shipped.Contains(Path.GetFileName(folder)))
                throw new InvalidDataException($"{folder}: no table '{Path.GetFileName(folder)}' with custom columns in datamodel.json (expected one of {string.Join(", ", shipped.Order(StringComparer.Ordinal))}).");
        }

        var optionSets = entities.GlobalOptionSets().ToList();
        roots.AddRange(optionSets.Select(o => Root(9, schemaName: (string)o.Attribute("Name")!)));

        var roles = Directory.Exists(Path.Combine(src, "Roles"))
            ? Directory.GetFiles(Path.Combine(src, "Roles"), "*.xml").Order(StringComparer.Ordinal).Select(f => LoadXml(f).Root!).ToList()
            : [];
        roots.AddRange(roles.Select(r => Root(20, id: (string)r.Attribute("id")!)));

        var profiles = FieldSecurityProfiles(Path.Combine(src, "Other", "FieldSecurityProfiles.xml"));
        roots.AddRange(profiles.Select(p => Root(70, id: (string)p.Attribute("fieldsecurityprofileid")!)));

        // PCF control: compiled manifest (version stamped) and the resources it lists.
        var customControls = new List<XElement>();
        var pcf = PcfControl.Read(inputs.PcfOutputDirectory);
        var controlName = pcf.SolutionName(model.Solution.PublisherPrefix);
        var controlFolder = $"Controls/{controlName}";
        files[$"{controlFolder}/ControlManifest.xml"] = Encode(pcf.StampedManifest(version), declaration: true);
        foreach (var resource in pcf.Resources)
            files[$"{controlFolder}/{resource.Replace('\\', '/')}"] = File.ReadAllBytes(Path.Combine(pcf.Directory, resource));
        customControls.Add(new XElement("CustomControl", new XElement("Name", controlName), new XElement("FileName", $"/{controlFolder}/ControlManifest.xml")));
        roots.Add(Root(66, schemaName: controlName));

        // Plug-in assembly, steps and Custom APIs from the plug-in engineer's registrations and the built DLL.
        var registrations = PluginRegistrations.Read(inputs.RegistrationsPath);
        if (!File.Exists(inputs.PluginAssemblyPath))
            throw new FileNotFoundException($"The net462 plug-in build is missing: {inputs.PluginAssemblyPath}.", inputs.PluginAssemblyPath);
        var identity = AssemblyIdentity.Read(inputs.PluginAssemblyPath);
        var plugins = new PluginXmlBuilder(registrations, identity);
        var assembly = plugins.PluginAssembly();
        files[plugins.DllPath] = File.ReadAllBytes(inputs.PluginAssemblyPath);
        roots.Add(Root(91, id: "{" + plugins.AssemblyId + "}", schemaName: identity.FullName));
        var steps = plugins.Steps().ToList();
        roots.AddRange(steps.Select(s => Root(92, id: "{" + s.Id + "}")));
        var endpoints = plugins.ServiceEndpoints().ToList();
        roots.AddRange(endpoints.Select(e => Root(95, id: (string)e.Attribute("ServiceEndpointId")!)));
        foreach (var (path, element) in plugins.CustomApiFiles())
            files[path] = Encode(new XDocument(element), declaration: false);

        // Environment variable definitions travel as files; values are set per environment, never shipped.
        var variables = Path.Combine(src, "environmentvariabledefinitions");
        if (Directory.Exists(variables))
        {
            foreach (var file in Directory.GetFiles(variables, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                files["environmentvariabledefinitions/" + Path.GetRelativePath(variables, file).Replace('\\', '/')] = File.ReadAllBytes(file);
            foreach (var definition in Directory.GetDirectories(variables).Order(StringComparer.Ordinal))
                roots.Add(Root(380, schemaName: Path.GetFileName(definition)));
        }

        // The model-driven app and its site map, hand-written (src/AppModules, src/AppModuleSiteMaps).
        var siteMaps = SourceElements(Path.Combine(src, "AppModuleSiteMaps"), "AppModuleSiteMap.xml");
        roots.AddRange(siteMaps.Select(m => Root(62, schemaName: RequiredValue(m, "SiteMapUniqueName"))));
        var appModules = SourceElements(Path.Combine(src, "AppModules"), "AppModule.xml");
        roots.AddRange(appModules.Select(a => Root(80, schemaName: RequiredValue(a, "UniqueName"))));

        var customizations = new XDocument(
            new XElement("ImportExportXml", new XAttribute(XNamespace.Xmlns + "xsi", "http://www.w3.org/2001/XMLSchema-instance"),
                new XElement("Entities", entityElements),
                new XElement("Roles", roles),
                new XElement("Workflows"),
                new XElement("FieldSecurityProfiles", profiles),
                new XElement("Templates"),
                new XElement("EntityMaps"),
                new XElement("EntityRelationships", entities.Relationships()),
                new XElement("OrganizationSettings"),
                new XElement("optionsets", optionSets),
                new XElement("CustomControls", customControls),
                new XElement("SolutionPluginAssemblies", assembly),
                new XElement("SdkMessageProcessingSteps", steps.Select(s => s.Step)),
                new XElement("ServiceEndpoints", endpoints),
                new XElement("AppModuleSiteMaps", siteMaps),
                new XElement("AppModules", appModules),
                new XElement("EntityDataProviders"),
                new XElement("Languages", new XElement("Language", Labels.English), new XElement("Language", Labels.Dutch))));
        files["customizations.xml"] = Encode(customizations, declaration: false);

        var manifest = solutionDoc.Root!.Element("SolutionManifest")!;
        manifest.SetElementValue("Version", version.ToString(4));
        // Exports order the manifest UniqueName ... Managed, Publisher, RootComponents, MissingDependencies.
        var rootComponents = new XElement("RootComponents", roots);
        manifest.Elements("RootComponents").Remove();
        manifest.Elements("MissingDependencies").Remove();
        manifest.Add(rootComponents, MissingDependencies(entities.ExtendedStandardTables, steps));
        solutionDoc.DescendantNodes().OfType<XComment>().Remove();
        return new PackageContent(files, solutionDoc);
    }

    /// <summary>
    /// The Dynamics 365 apps the solution needs (Sales for orders and invoices, Customer Service for cases), declared the
    /// way exports declare them: one Required component per dependent one. An import then names the missing app first.
    /// </summary>
    private static XElement MissingDependencies(IEnumerable<TableDefinition> shells, IReadOnlyList<(Guid Id, XElement Step)> steps)
    {
        var dependencies = new List<XElement>();
        void Add(string table, XElement dependent)
        {
            if (FirstPartyTables.TryFind(table, out var displayName, out var app))
            {
                dependencies.Add(new XElement("MissingDependency",
                    new XElement("Required", new XAttribute("type", 1), new XAttribute("schemaName", table), new XAttribute("displayName", displayName), new XAttribute("solution", app.Solution)),
                    dependent));
            }
        }

        foreach (var table in shells)
            Add(table.LogicalName, new XElement("Dependent", new XAttribute("type", 1), new XAttribute("schemaName", table.LogicalName)));
        foreach (var (id, step) in steps)
            Add(step.Element("PrimaryEntity")!.Value, new XElement("Dependent", new XAttribute("type", 92), new XAttribute("id", "{" + id + "}"), new XAttribute("displayName", (string)step.Attribute("Name")!)));
        return new XElement("MissingDependencies", dependencies);
    }

    /// <summary>One element per sub-folder: &lt;folder&gt;/&lt;name&gt;/&lt;file&gt;, the unpacked layout of app modules and site maps.</summary>
    private static List<XElement> SourceElements(string folder, string file) =>
        Directory.Exists(folder)
            ? Directory.GetDirectories(folder).Order(StringComparer.Ordinal).Select(d => Path.Combine(d, file)).Where(File.Exists).Select(f => LoadXml(f).Root!).ToList()
            : [];

    private static string RequiredValue(XElement element, string child) =>
        element.Element(child)?.Value.Trim() is { Length: > 0 } value
            ? value
            : throw new InvalidDataException($"<{element.Name.LocalName}> in solution/src has no <{child}>.");

    private void CheckPublisher(XDocument solution)
    {
        var manifest = solution.Root?.Element("SolutionManifest") ?? throw new InvalidDataException("solution/src/Other/Solution.xml has no <SolutionManifest>.");
        var publisher = manifest.Element("Publisher");
        void Expect(string? actual, string expected, string what)
        {
            if (!string.Equals(actual, expected, StringComparison.Ordinal))
                throw new InvalidDataException($"solution/src/Other/Solution.xml: {what} is '{actual}' but datamodel.json says '{expected}'.");
        }

        Expect(manifest.Element("UniqueName")?.Value, model.Solution.UniqueName, "<UniqueName>");
        Expect(publisher?.Element("CustomizationPrefix")?.Value, model.Solution.PublisherPrefix, "<CustomizationPrefix>");
        Expect(publisher?.Element("CustomizationOptionValuePrefix")?.Value, model.Solution.OptionValuePrefix.ToString(System.Globalization.CultureInfo.InvariantCulture), "<CustomizationOptionValuePrefix>");
        if (manifest.Element("Managed") is null)
            throw new InvalidDataException("solution/src/Other/Solution.xml has no <Managed> element.");
    }

    /// <summary>Adds the hand-written forms and views from solution/src/Entities/&lt;table&gt;, and generated defaults for custom tables.</summary>
    private void AddUi(XElement entity, TableDefinition table, bool generated)
    {
        var folder = Path.Combine(inputs.SourceDirectory, "Entities", EntityXmlBuilder.SchemaName(table));
        var forms = new List<XElement>();
        var formsFolder = Path.Combine(folder, "FormXml");
        if (Directory.Exists(formsFolder))
        {
            foreach (var file in Directory.GetFiles(formsFolder, "*.xml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                forms.Add(LoadXml(file).Root!);
        }

        if (generated)
            forms.Add(new XElement("forms", new XAttribute("type", "main"), DefaultUiBuilder.MainForm(table)));

        var views = new List<XElement>();
        if (generated)
            views.AddRange(DefaultUiBuilder.Views(table));
        var viewsFolder = Path.Combine(folder, "SavedQueries");
        if (Directory.Exists(viewsFolder))
        {
            foreach (var file in Directory.GetFiles(viewsFolder, "*.xml").Order(StringComparer.Ordinal))
                views.AddRange(LoadXml(file).Root!.Elements("savedquery"));
        }

        if (forms.Count > 0)
        {
            // One <forms type="..."> per form type, as exports group them.
            entity.Add(new XElement("FormXml", forms.GroupBy(f => (string?)f.Attribute("type") ?? "main")
                .Select(g => new XElement("forms", new XAttribute("type", g.Key), g.SelectMany(f => f.Elements("systemform"))))));
        }

        if (views.Count > 0)
            entity.Add(new XElement("SavedQueries", new XElement("savedqueries", views)));
        entity.Add(EmptyRibbon());
    }

    private List<XElement> FieldSecurityProfiles(string path)
    {
        if (!File.Exists(path))
            return [];
        var scoreColumns = model.Tables.SelectMany(t => t.Columns.Where(c => c.Score).Select(c => (Table: t.LogicalName, Column: c.Name))).ToList();
        var profiles = LoadXml(path).Root!.Elements("FieldSecurityProfile").ToList();
        foreach (var permission in profiles.SelectMany(p => p.Descendants("FieldPermission")).ToList())
        {
            if (permission.Element("AttributeName")?.Value != ScoreColumnsMacro)
                continue;
            var table = permission.Element("EntityName")?.Value;
            var expanded = scoreColumns.Where(s => s.Table == table).Select(s =>
            {
                var copy = new XElement(permission);
                copy.SetElementValue("AttributeName", s.Column);
                return copy;
            }).ToList();
            if (expanded.Count == 0)
                throw new InvalidDataException($"{path}: no score columns on '{table}' in datamodel.json to expand {ScoreColumnsMacro} into.");
            permission.ReplaceWith(expanded);
        }

        return profiles;
    }

    private static XElement EmptyRibbon() => new("RibbonDiffXml",
        new XElement("CustomActions"),
        new XElement("Templates", new XElement("RibbonTemplates", new XAttribute("Id", "Mscrm.Templates"))),
        new XElement("CommandDefinitions"),
        new XElement("RuleDefinitions", new XElement("TabDisplayRules"), new XElement("DisplayRules"), new XElement("EnableRules")),
        new XElement("LocLabels"));

    private static XElement Root(int type, string? id = null, string? schemaName = null, int behavior = 0)
    {
        var root = new XElement("RootComponent", new XAttribute("type", type));
        if (id is not null)
            root.Add(new XAttribute("id", id));
        if (schemaName is not null)
            root.Add(new XAttribute("schemaName", schemaName));
        root.Add(new XAttribute("behavior", behavior));
        return root;
    }

    private static void WriteZip(string path, PackageContent content, int managedFlag)
    {
        var solution = new XDocument(content.Solution);
        solution.Root!.Element("SolutionManifest")!.SetElementValue("Managed", managedFlag);
        var entries = new SortedDictionary<string, byte[]>(content.Files.ToDictionary(), StringComparer.Ordinal)
        {
            ["solution.xml"] = Encode(solution, declaration: false),
        };
        entries["[Content_Types].xml"] = ContentTypes(entries.Keys);

        var temp = path + ".tmp";
        using (var stream = File.Create(temp))
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create))
        {
            // Exports start with the three manifest parts; order does not matter to import but helps a human reading the list.
            foreach (var name in new[] { "[Content_Types].xml", "solution.xml", "customizations.xml" }.Concat(entries.Keys.Where(k => k is not ("[Content_Types].xml" or "solution.xml" or "customizations.xml"))))
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                entry.LastWriteTime = EntryTime;
                using var target = entry.Open();
                target.Write(entries[name]);
            }
        }

        File.Move(temp, path, overwrite: true);
    }

    private static byte[] ContentTypes(IEnumerable<string> paths)
    {
        XNamespace ns = "http://schemas.openxmlformats.org/package/2006/content-types";
        var extensions = paths.Select(p => Path.GetExtension(p).TrimStart('.').ToLowerInvariant()).Where(e => e.Length > 0).Distinct().Order(StringComparer.Ordinal);
        var types = new XDocument(new XElement(ns + "Types",
            extensions.Select(e => new XElement(ns + "Default", new XAttribute("Extension", e), new XAttribute("ContentType", "application/octet-stream")))));
        return Encode(types, declaration: true);
    }

    internal static byte[] Encode(XDocument document, bool declaration)
    {
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, IndentChars = "  ", OmitXmlDeclaration = !declaration, NewLineChars = "\r\n" };
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, settings))
            document.Save(writer);
        return buffer.ToArray();
    }

    private static XDocument LoadXml(string path)
    {
        try
        {
            return XDocument.Load(path);
        }
        catch (XmlException e)
        {
            throw new InvalidDataException($"{path}:{e.LineNumber}: {e.Message}", e);
        }
    }
}

internal sealed record PackageContent(IReadOnlyDictionary<string, byte[]> Files, XDocument Solution);
