using System.Reflection;
using System.Xml.Linq;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Solution.Packing;
using RetentionInsights.Solution.Tests.Support;

namespace RetentionInsights.Solution.Tests.Packing;

/// <summary>
/// The packer's own rules, run in-process against the repository's real inputs and small variations of them. In the
/// packed-solution collection so build.sh has produced the plug-in and PCF outputs before these read them.
/// </summary>
[Collection(PackedSolutionCollection.Name)]
public sealed class PackerTests : IDisposable
{
    private readonly string temp = Directory.CreateTempSubdirectory("rtn-packer-").FullName;

    public void Dispose() => Directory.Delete(temp, recursive: true);

    private static PackInputs RepositoryInputs => PackInputs.FromRepository(Paths.RepositoryRoot);

    [Fact]
    public void Pack_SameInputsTwice_GivesByteIdenticalZips()
    {
        var first = new SolutionPacker(RepositoryInputs, DataModel.Current).Pack(Path.Combine(temp, "a"));
        var second = new SolutionPacker(RepositoryInputs, DataModel.Current).Pack(Path.Combine(temp, "b"));

        Assert.Equal(File.ReadAllBytes(first.ManagedZip), File.ReadAllBytes(second.ManagedZip));
        Assert.Equal(File.ReadAllBytes(first.UnmanagedZip), File.ReadAllBytes(second.UnmanagedZip));
    }

    [Fact]
    public void Pack_VersionInBuildProps_IsStampedIntoZipNameAndManifest()
    {
        var props = Path.Combine(temp, "Directory.Build.props");
        File.WriteAllText(props, "<Project><PropertyGroup><Version>2.3.4</Version></PropertyGroup></Project>");

        var result = new SolutionPacker(RepositoryInputs with { VersionFile = props }, DataModel.Current).Pack(Path.Combine(temp, "out"));

        Assert.Equal("RetentionInsights_2_3_4_0_managed.zip", Path.GetFileName(result.ManagedZip));
        Assert.Equal("2.3.4.0", ZipEditor.Xml(result.ManagedZip, "solution.xml").Descendants("Version").Single().Value);
        Assert.Equal("2.3.4", (string)ZipEditor.Xml(result.ManagedZip, "Controls/rtn_RetentionInsights.RetentionInsightsPanel/ControlManifest.xml").Root!.Element("control")!.Attribute("version")!);
    }

    [Fact]
    public void Pack_PublisherPrefixDifferentFromDataModel_Refuses()
    {
        var src = CopySource();
        var solutionXml = Path.Combine(src, "Other", "Solution.xml");
        File.WriteAllText(solutionXml, File.ReadAllText(solutionXml).Replace("<CustomizationPrefix>rtn<", "<CustomizationPrefix>ret<", StringComparison.Ordinal));

        var error = Assert.Throws<InvalidDataException>(() => new SolutionPacker(RepositoryInputs with { SourceDirectory = src }, DataModel.Current).Pack(Path.Combine(temp, "out")));

        Assert.Contains("CustomizationPrefix", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pack_ViewsForATableTheModelDoesNotShip_RefusesInsteadOfDroppingThem()
    {
        var src = CopySource();
        Directory.Move(Path.Combine(src, "Entities", "Contact"), Path.Combine(src, "Entities", "Contacts"));

        var error = Assert.Throws<InvalidDataException>(() => new SolutionPacker(RepositoryInputs with { SourceDirectory = src }, DataModel.Current).Pack(Path.Combine(temp, "out")));

        Assert.Contains("Contacts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pack_StepWithAMessageWithoutKnownId_RefusesNamingTheStep()
    {
        var registrations = Path.Combine(temp, "registrations.json");
        File.WriteAllText(registrations, """
            { "assemblyName": "RetentionInsights.Plugins",
              "plugins": [ { "typeName": "RetentionInsights.Plugins.RescoreTrigger",
                "steps": [ { "name": "Merge of contact", "message": "Merge", "primaryEntity": "contact", "stage": 40, "mode": 1 } ] } ] }
            """);

        var error = Assert.Throws<InvalidDataException>(() => new SolutionPacker(RepositoryInputs with { RegistrationsPath = registrations }, DataModel.Current).Pack(Path.Combine(temp, "out")));

        Assert.Contains("Merge of contact", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pack_MissingPcfBuild_FailsWithTheBuildCommand()
    {
        var error = Assert.Throws<FileNotFoundException>(() => new SolutionPacker(RepositoryInputs with { PcfOutputDirectory = Path.Combine(temp, "nothing") }, DataModel.Current).Pack(Path.Combine(temp, "out")));

        Assert.Contains("npm run build", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pack_FieldSecurityMacro_ExpandsToEveryScoreColumnOfTheModel()
    {
        var result = new SolutionPacker(RepositoryInputs, DataModel.Current).Pack(Path.Combine(temp, "out"));
        var permissions = ZipEditor.Xml(result.UnmanagedZip, "customizations.xml").Descendants("FieldSecurityProfile").First().Descendants("AttributeName").Select(a => a.Value);

        Assert.Equal(DataModel.Current.Table("contact").Columns.Where(c => c.Score).Select(c => c.Name).Order(), permissions.Order());
        Assert.DoesNotContain(SolutionPacker.ScoreColumnsMacro, ZipEditor.Xml(result.UnmanagedZip, "customizations.xml").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AssemblyIdentity_PluginDll_MatchesWhatTheRuntimeReads()
    {
        var identity = AssemblyIdentity.Read(PackedSolution.PluginDll);
        var name = AssemblyName.GetAssemblyName(PackedSolution.PluginDll);

        Assert.Equal(name.FullName, identity.FullName);
    }

    [Theory]
    [InlineData("1.0.0", "1.0.0.0")]
    [InlineData("2.5", "2.5.0.0")]
    [InlineData("3.1.4.1", "3.1.4.1")]
    public void SolutionVersion_Parse_GivesFourParts(string text, string expected) =>
        Assert.Equal(expected, SolutionVersion.Parse(text, "test").ToString(4));

    [Theory]
    [InlineData("1.0.0-beta")]
    [InlineData("one")]
    public void SolutionVersion_Parse_NonNumeric_Throws(string text) =>
        Assert.Throws<InvalidDataException>(() => SolutionVersion.Parse(text, "test"));

    [Fact]
    public void DeterministicGuid_SameName_SameIdAndDifferentNamesDiffer()
    {
        Assert.Equal(DeterministicGuid.Create("step/a"), DeterministicGuid.Create("step/a"));
        Assert.NotEqual(DeterministicGuid.Create("step/a"), DeterministicGuid.Create("step/b"));
        Assert.Equal('5', DeterministicGuid.Create("step/a").ToString()[14]);
    }

    [Fact]
    public void EntityXmlBuilder_CustomTable_HasTheSystemColumnsDataverseRequires()
    {
        var builder = new EntityXmlBuilder(DataModel.Current);
        var entity = builder.Entity(DataModel.Current.Table("rtn_offer"));
        var columns = entity.Descendants("attribute").ToDictionary(a => a.Element("LogicalName")!.Value, a => a.Element("Type")!.Value);

        Assert.Equal("primarykey", columns["rtn_offerid"]);
        Assert.Equal("owner", columns["ownerid"]);
        Assert.Equal("state", columns["statecode"]);
        Assert.Equal("status", columns["statuscode"]);
        Assert.Equal("lookup", columns["transactioncurrencyid"]); // rtn_cost is money
        Assert.Equal("money", columns["rtn_cost_base"]);
        Assert.Equal("UserOwned", entity.Descendants("OwnershipTypeMask").Single().Value);
    }

    [Fact]
    public void EntityXmlBuilder_DateOnlyColumn_IsShippedWithDateOnlyBehavior()
    {
        var entity = new EntityXmlBuilder(DataModel.Current).Entity(DataModel.Current.Table("salesorder"));
        var contractEnd = entity.Descendants("attribute").Single(a => a.Element("LogicalName")!.Value == "rtn_contractend");

        Assert.Equal(("date", "2"), (contractEnd.Element("Format")!.Value, contractEnd.Element("Behavior")!.Value));
    }

    [Fact]
    public void EntityXmlBuilder_Lookups_GetARelationshipToTheirTarget()
    {
        var relationships = new EntityXmlBuilder(DataModel.Current).Relationships().ToList();
        var offer = relationships.Single(r => r.Element("ReferencingEntityName")!.Value == "rtn_offerrecommendation" && r.Element("ReferencingAttributeName")!.Value == "rtn_offerid");

        Assert.Equal("rtn_offer", offer.Element("ReferencedEntityName")!.Value);
        Assert.Equal("Restrict", offer.Element("CascadeDelete")!.Value); // deactivate offers; their history trains the model
        var contactDelete = relationships.Where(r => r.Element("ReferencedEntityName")!.Value == "Contact").Select(r => r.Element("CascadeDelete")!.Value);
        Assert.All(contactDelete, value => Assert.Equal("Cascade", value)); // erasing a customer erases what was derived about them
        Assert.Contains(relationships, r => r.Element("ReferencingAttributeName")!.Value == "rtn_contactid" && r.Element("ReferencedEntityName")!.Value == "Contact");
    }

    private string CopySource()
    {
        var target = Path.Combine(temp, "src");
        foreach (var file in Directory.GetFiles(RepositoryInputs.SourceDirectory, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(RepositoryInputs.SourceDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }
}
