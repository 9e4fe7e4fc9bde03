using System.Reflection;
using System.Xml.Linq;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Solution.Packing;
using RetentionInsights.Solution.Tests.Support;

namespace RetentionInsights.Solution.Tests.Packing;

/// <summary>What an admin gets from solution/build.sh: two importable zips carrying exactly the freshly built outputs.</summary>
[Collection(PackedSolutionCollection.Name)]
public sealed class SolutionBuildTests(PackedSolution packed)
{
    private static readonly Version ProductVersion = SolutionVersion.Read(Path.Combine(Paths.RepositoryRoot, "Directory.Build.props"));

    [Fact]
    public void BuildSh_UnmanagedZip_ValidatesWithoutErrors()
    {
        var report = PackedSolution.Validator(expectManaged: false).Validate(packed.UnmanagedZip);

        Assert.False(report.HasErrors, string.Join("\n", report.Errors));
        Assert.Equal("RetentionInsights", report.SolutionUniqueName);
    }

    [Fact]
    public void BuildSh_ManagedZip_ValidatesWithoutErrors()
    {
        var report = PackedSolution.Validator(expectManaged: true).Validate(packed.ManagedZip);

        Assert.False(report.HasErrors, string.Join("\n", report.Errors));
        Assert.True(report.Managed);
    }

    [Fact]
    public void BuildSh_ZipNamesAndManifest_CarryTheVersionFromDirectoryBuildProps()
    {
        var expected = ProductVersion.ToString(4);
        var underscored = expected.Replace('.', '_');

        Assert.Equal($"RetentionInsights_{underscored}.zip", Path.GetFileName(packed.UnmanagedZip));
        Assert.Equal($"RetentionInsights_{underscored}_managed.zip", Path.GetFileName(packed.ManagedZip));
        foreach (var zip in new[] { packed.UnmanagedZip, packed.ManagedZip })
        {
            var manifest = ZipEditor.Xml(zip, "solution.xml").Root!.Element("SolutionManifest")!;
            Assert.Equal(expected, manifest.Element("Version")!.Value);
        }

        Assert.Equal("0", ZipEditor.Xml(packed.UnmanagedZip, "solution.xml").Root!.Element("SolutionManifest")!.Element("Managed")!.Value);
        Assert.Equal("1", ZipEditor.Xml(packed.ManagedZip, "solution.xml").Root!.Element("SolutionManifest")!.Element("Managed")!.Value);
    }

    [Fact]
    public void BuildSh_PluginAssembly_IsByteEqualToTheFreshNet462BuildAndCarriesTheProductVersion()
    {
        var customizations = ZipEditor.Xml(packed.ManagedZip, "customizations.xml");
        var assembly = customizations.Descendants("PluginAssembly").Single();
        var fileName = assembly.Element("FileName")!.Value.TrimStart('/');

        Assert.Equal(File.ReadAllBytes(PackedSolution.PluginDll), ZipEditor.Entry(packed.ManagedZip, fileName));
        Assert.Equal(File.ReadAllBytes(PackedSolution.PluginDll), ZipEditor.Entry(packed.UnmanagedZip, fileName));
        var name = AssemblyName.GetAssemblyName(PackedSolution.PluginDll);
        Assert.Equal(ProductVersion, name.Version);
        Assert.Equal(name.FullName, (string)assembly.Attribute("FullName")!);
    }

    [Fact]
    public void BuildSh_PcfBundleAndStrings_AreByteEqualToTheFreshProductionBuild()
    {
        var folder = "Controls/rtn_RetentionInsights.RetentionInsightsPanel/";
        var names = ZipEditor.Names(packed.ManagedZip);
        var resources = Directory.GetFiles(PackedSolution.PcfOutput, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith("ControlManifest.xml", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(PackedSolution.PcfOutput, f).Replace('\\', '/'))
            .ToList();

        Assert.Contains("bundle.js", resources);
        foreach (var resource in resources)
        {
            Assert.Contains(folder + resource, names);
            Assert.Equal(File.ReadAllBytes(Path.Combine(PackedSolution.PcfOutput, resource)), ZipEditor.Entry(packed.ManagedZip, folder + resource));
        }
    }

    [Fact]
    public void BuildSh_ControlManifest_IsStampedWithTheProductVersion()
    {
        var manifest = ZipEditor.Xml(packed.ManagedZip, "Controls/rtn_RetentionInsights.RetentionInsightsPanel/ControlManifest.xml");

        Assert.Equal(ProductVersion.ToString(3), (string)manifest.Root!.Element("control")!.Attribute("version")!);
    }

    [Fact]
    public void BuildSh_Zip_HasTheLayoutRealExportsUse()
    {
        var names = ZipEditor.Names(packed.ManagedZip);

        Assert.Contains("[Content_Types].xml", names);
        Assert.Contains("solution.xml", names);
        Assert.Contains("customizations.xml", names);
        Assert.Contains(names, n => n.StartsWith("PluginAssemblies/RetentionInsightsPlugins-", StringComparison.Ordinal) && n.EndsWith("/RetentionInsights.Plugins.dll", StringComparison.Ordinal));
        Assert.Contains("customapis/rtn_GetRetentionInsights/customapi.xml", names);
        Assert.Contains("customapis/rtn_GetRetentionInsights/customapiresponseproperties/Insights/customapiresponseproperty.xml", names);
        Assert.Contains("environmentvariabledefinitions/rtn_ScoringEndpointUrl/environmentvariabledefinition.xml", names);
        Assert.Contains("environmentvariabledefinitions/rtn_ScoringApiKey/environmentvariabledefinition.xml", names);
        Assert.DoesNotContain(names, n => n.Contains("environmentvariablevalues.json", StringComparison.Ordinal));
        Assert.All(names, n => Assert.False(n.StartsWith('/') || n.Contains('\\', StringComparison.Ordinal), n));
    }

    [Fact]
    public void BuildSh_Customizations_CarryEveryCustomColumnOfTheDataModelWithItsType()
    {
        var customizations = ZipEditor.Xml(packed.ManagedZip, "customizations.xml");
        var model = DataModel.Current;

        foreach (var table in model.Tables)
        {
            var entity = customizations.Descendants("Entity").SingleOrDefault(e => string.Equals(e.Element("Name")!.Value, table.LogicalName, StringComparison.OrdinalIgnoreCase));
            foreach (var column in table.Columns.Where(c => c.Custom))
            {
                Assert.NotNull(entity);
                var attribute = entity.Descendants("attributes").Elements("attribute").SingleOrDefault(a => a.Element("LogicalName")!.Value == column.Name);
                Assert.True(attribute is not null, $"{table.LogicalName}.{column.Name} is missing from customizations.xml");
                Assert.Equal(RetentionInsights.Solution.Validation.AttributeTypes.FromModel(column, table), attribute.Element("Type")!.Value);
                if (column.Choice is not null)
                    Assert.Equal(column.Choice, attribute.Element("OptionSetName")!.Value);
            }
        }

        foreach (var choice in model.Choices)
        {
            var optionSet = customizations.Root!.Element("optionsets")!.Elements("optionset").Single(o => (string)o.Attribute("Name")! == choice.Name);
            Assert.Equal(choice.Options.Select(o => o.Value), optionSet.Descendants("option").Select(o => (int)o.Attribute("value")!));
        }
    }

    [Fact]
    public void BuildSh_ScoreColumns_AreSecuredReadOnlyForReadersAndWritableOnlyByTheService()
    {
        var customizations = ZipEditor.Xml(packed.ManagedZip, "customizations.xml");
        var scores = DataModel.Current.Table("contact").Columns.Where(c => c.Score).Select(c => c.Name).ToList();
        var profiles = customizations.Descendants("FieldSecurityProfile").ToDictionary(p => (string)p.Attribute("name")!);

        Assert.NotEmpty(scores);
        foreach (var score in scores)
        {
            var attribute = customizations.Descendants("attributes").Elements("attribute").Single(a => a.Element("LogicalName")!.Value == score && a.Parent!.Parent!.Attribute("Name")!.Value == "Contact");
            Assert.Equal("1", attribute.Element("IsSecured")!.Value);
            var readers = profiles["Retention score readers"].Descendants("FieldPermission").Single(p => p.Element("AttributeName")!.Value == score);
            Assert.Equal(("4", "0", "0"), (readers.Element("CanRead")!.Value, readers.Element("CanUpdate")!.Value, readers.Element("CanCreate")!.Value));
            var service = profiles["Retention scoring service"].Descendants("FieldPermission").Single(p => p.Element("AttributeName")!.Value == score);
            Assert.Equal(("4", "4"), (service.Element("CanRead")!.Value, service.Element("CanUpdate")!.Value));
        }

        // The opt-out is the customer's own choice an agent records: never locked.
        var optOut = customizations.Descendants("attributes").Elements("attribute").Single(a => a.Element("LogicalName")!.Value == Names.Contact.ProfilingOptOut);
        Assert.Equal("0", optOut.Element("IsSecured")!.Value);
    }

    [Fact]
    public void BuildSh_Steps_AreGeneratedFromEveryRegistrationWithFilteringAttributesAndImages()
    {
        var registrations = PluginRegistrations.Read(PackedSolution.Registrations);
        var steps = ZipEditor.Xml(packed.ManagedZip, "customizations.xml").Descendants("SdkMessageProcessingStep").ToDictionary(s => (string)s.Attribute("Name")!);
        var roots = ZipEditor.Xml(packed.ManagedZip, "solution.xml").Descendants("RootComponent").Where(r => (string?)r.Attribute("type") == "92")
            .Select(r => Guid.Parse((string)r.Attribute("id")!)).ToHashSet();

        var declared = registrations.Plugins.SelectMany(p => p.Steps).ToList();
        Assert.NotEmpty(declared);
        Assert.Equal(declared.Count, steps.Count);
        foreach (var step in declared)
        {
            var element = steps[step.Name];
            Assert.Equal(step.PrimaryEntity, element.Element("PrimaryEntity")!.Value);
            Assert.Equal(string.Join(",", step.FilteringAttributes), element.Element("FilteringAttributes")!.Value);
            Assert.Equal(step.Mode.ToString(System.Globalization.CultureInfo.InvariantCulture), element.Element("Mode")!.Value);
            Assert.Equal(step.Images.Select(i => i.Alias), element.Descendants("SdkMessageProcessingStepImage").Select(i => (string)i.Attribute("Name")!));
            Assert.Contains(Guid.Parse((string)element.Attribute("SdkMessageProcessingStepId")!), roots);
        }
    }

    [Fact]
    public void BuildSh_CustomApi_PointsAtThePluginTypeShippedInTheSameZip()
    {
        var api = ZipEditor.Xml(packed.ManagedZip, "customapis/rtn_GetRetentionInsights/customapi.xml").Root!;
        var typeId = api.Element("plugintypeid")!.Element("plugintypeid")!.Value;
        var pluginType = ZipEditor.Xml(packed.ManagedZip, "customizations.xml").Descendants("PluginType")
            .Single(t => (string)t.Attribute("PluginTypeId")! == typeId);

        Assert.Equal("RetentionInsights.Plugins.GetRetentionInsights", (string)pluginType.Attribute("Name")!);
        Assert.Equal("1", api.Element("bindingtype")!.Value);
        Assert.Equal("contact", api.Element("boundentitylogicalname")!.Value);
        var insights = ZipEditor.Xml(packed.ManagedZip, "customapis/rtn_GetRetentionInsights/customapiresponseproperties/Insights/customapiresponseproperty.xml").Root!;
        Assert.Equal("10", insights.Element("type")!.Value);
    }

    [Fact]
    public void BuildSh_WebhookEndpoint_IsShippedWithTheIdTheStepsAreConfiguredWith()
    {
        var customizations = ZipEditor.Xml(packed.ManagedZip, "customizations.xml");
        var endpoint = customizations.Descendants("ServiceEndpoint").Single();
        var id = Guid.Parse((string)endpoint.Attribute("ServiceEndpointId")!);

        Assert.Equal("8", endpoint.Element("Contract")!.Value);
        Assert.True(Uri.TryCreate(endpoint.Element("Url")!.Value, UriKind.Absolute, out _));
        foreach (var configuration in customizations.Descendants("SdkMessageProcessingStep").Select(s => s.Element("Configuration")?.Value).OfType<string>())
            Assert.Contains(id.ToString(), configuration, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void BuildSh_RootComponents_ShipCustomTablesWholeAndContactAsShell()
    {
        var roots = ZipEditor.Xml(packed.ManagedZip, "solution.xml").Descendants("RootComponent").Where(r => (string?)r.Attribute("type") == "1")
            .ToDictionary(r => (string)r.Attribute("schemaName")!, r => (string)r.Attribute("behavior")!);

        Assert.Equal("2", roots["contact"]);
        foreach (var table in DataModel.Current.Tables.Where(t => t.Custom))
            Assert.Equal("0", roots[table.LogicalName]);
    }

    [Fact]
    public void BuildSh_ContentTypes_DeclareEveryExtensionInTheZip()
    {
        XNamespace ns = "http://schemas.openxmlformats.org/package/2006/content-types";
        var declared = ZipEditor.Xml(packed.ManagedZip, "[Content_Types].xml").Root!.Elements(ns + "Default").Select(d => (string)d.Attribute("Extension")!).ToHashSet();

        foreach (var name in ZipEditor.Names(packed.ManagedZip).Where(n => n != "[Content_Types].xml"))
            Assert.Contains(Path.GetExtension(name).TrimStart('.').ToLowerInvariant(), declared);
    }

    [Fact]
    public void BuildSh_ContactForm_BindsEveryBoundPropertyOfThePanelOnEveryFormFactor()
    {
        var manifest = XDocument.Load(Path.Combine(PackedSolution.PcfOutput, "ControlManifest.xml"));
        var bound = manifest.Descendants("property").Where(p => (string?)p.Attribute("usage") == "bound").Select(p => (string)p.Attribute("name")!).Order().ToList();
        var form = ZipEditor.Xml(packed.ManagedZip, "customizations.xml").Descendants("systemform")
            .Single(f => f.Element("LocalizedNames")!.Elements().Any(n => (string)n.Attribute("description")! == "Contact (Retention Insights)"));
        var panels = form.Descendants("customControl").Where(c => (string?)c.Attribute("name") == "rtn_RetentionInsights.RetentionInsightsPanel").ToList();

        Assert.NotEmpty(bound);
        Assert.Equal(["0", "1", "2"], panels.Select(p => (string)p.Attribute("formFactor")!).Order());
        foreach (var panel in panels)
        {
            var parameters = panel.Element("parameters")!.Elements().ToList();
            Assert.Equal(bound, parameters.Select(p => p.Name.LocalName).Order());
            // Property names are the contact columns they show (pcf-controls contract).
            Assert.All(parameters, p => Assert.Equal(p.Name.LocalName, p.Value));
        }
    }

    [Fact]
    public void BuildSh_ManagedAndUnmanaged_DifferOnlyInTheManagedFlag()
    {
        Assert.Equal(ZipEditor.Names(packed.UnmanagedZip).Order(), ZipEditor.Names(packed.ManagedZip).Order());
        foreach (var name in ZipEditor.Names(packed.ManagedZip).Where(n => n != "solution.xml"))
            Assert.Equal(ZipEditor.Entry(packed.UnmanagedZip, name), ZipEditor.Entry(packed.ManagedZip, name));
        var unmanaged = ZipEditor.Xml(packed.UnmanagedZip, "solution.xml");
        unmanaged.Descendants("Managed").Single().Value = "1";
        Assert.Equal(ZipEditor.Xml(packed.ManagedZip, "solution.xml").ToString(), unmanaged.ToString());
    }

    [Fact]
    public void BuildSh_SolutionManifest_KeepsTheElementOrderOfRealExports()
    {
        var manifest = ZipEditor.Xml(packed.ManagedZip, "solution.xml").Root!.Element("SolutionManifest")!;

        Assert.Equal(["UniqueName", "LocalizedNames", "Descriptions", "Version", "Managed", "Publisher", "RootComponents", "MissingDependencies"],
            manifest.Elements().Select(e => e.Name.LocalName));
        Assert.Empty(manifest.Document!.DescendantNodes().OfType<XComment>());
    }

    [Fact]
    public void BuildSh_StandardTables_AreNamedByTheirSchemaNames()
    {
        var names = ZipEditor.Xml(packed.ManagedZip, "customizations.xml").Root!.Element("Entities")!.Elements("Entity").Select(e => e.Element("Name")!.Value).ToList();

        Assert.Contains("Contact", names);
        Assert.Contains("SalesOrder", names);
        Assert.Contains("Invoice", names);
    }

    [Fact]
    public void BuildSh_EveryReference_IsVerifiedNotJustUncontradicted()
    {
        var report = PackedSolution.Validator().Validate(packed.ManagedZip);

        // A reference the validator cannot check is a warning; in our own zip every one must be checkable.
        Assert.DoesNotContain(report.Warnings, w => w.Code is "reference-unverified" or "type-mismatch" or "step" or "prefix");
    }

    [Theory]
    [InlineData("rtn_ScoringEndpointUrl", "100000000")] // String
    [InlineData("rtn_ScoringApiKey", "100000005")] // Secret: a Key Vault reference per environment
    public void BuildSh_EnvironmentVariables_HaveTheirTypesAndAreRequiredAtImport(string name, string type)
    {
        var definition = ZipEditor.Xml(packed.ManagedZip, $"environmentvariabledefinitions/{name}/environmentvariabledefinition.xml").Root!;

        Assert.Equal(name, (string)definition.Attribute("schemaname")!);
        Assert.Equal(type, definition.Element("type")!.Value);
        Assert.Equal("1", definition.Element("isrequired")!.Value);
        Assert.Null(definition.Element("defaultvalue"));
    }
}
