using System.Xml.Linq;
using RetentionInsights.Solution.Tests.Support;

namespace RetentionInsights.Solution.Tests.Packing;

/// <summary>What an admin needs to finish an install, read from the packed managed zip.</summary>
[Collection(PackedSolutionCollection.Name)]
public sealed class InstallTests(PackedSolution packed)
{
    private const string AgentRoleId = "ab23abc6-1b06-481a-9662-3b8724ca0708";
    private const string MarketerRoleId = "72418134-25e9-41b2-a00f-f00a32b24a29";

    private XDocument Customizations => ZipEditor.Xml(packed.ManagedZip, "customizations.xml");

    private XDocument Manifest => ZipEditor.Xml(packed.ManagedZip, "solution.xml");

    private IEnumerable<XElement> Roots(int type) => Manifest.Descendants("RootComponent").Where(r => (int)r.Attribute("type")! == type);

    [Fact]
    public void App_RetentionInsights_ShipsWithItsSiteMapAndRootComponents()
    {
        var app = Assert.Single(Customizations.Descendants("AppModule"));
        var siteMap = Assert.Single(Customizations.Descendants("AppModuleSiteMap"));

        Assert.Equal("rtn_RetentionInsights", app.Element("UniqueName")!.Value);
        Assert.Contains(app.Descendants("AppModuleComponent"), c => (int)c.Attribute("type")! == 62 && (string)c.Attribute("schemaName")! == siteMap.Element("SiteMapUniqueName")!.Value);
        Assert.Contains(Roots(80), r => (string)r.Attribute("schemaName")! == "rtn_RetentionInsights");
        Assert.Contains(Roots(62), r => (string)r.Attribute("schemaName")! == "rtn_RetentionInsights");
    }

    [Fact]
    public void SiteMap_Always_NavigatesToContactsOffersRecommendationsAlertsAndTheCampaign()
    {
        var subAreas = Customizations.Descendants("SubArea").ToList();
        var tables = subAreas.Select(s => (string?)s.Attribute("Entity")).Where(t => t is not null).ToList();

        Assert.Equal(["contact", "rtn_offer", "rtn_offerrecommendation", "rtn_retentionalert"], tables.Order(StringComparer.Ordinal));
        var campaign = Assert.Single(subAreas, s => (string)s.Attribute("Id")! == "rtn_subarea_campaign");
        var url = (string)campaign.Attribute("Url")!;
        Assert.Contains("etn=contact", url, StringComparison.Ordinal);
        var viewId = Guid.Parse(Uri.UnescapeDataString(url.Split("viewid=")[1].Split('&')[0]));
        var contactViews = Customizations.Descendants("Entity").Single(e => e.Element("Name")!.Value == "Contact").Descendants("savedqueryid").Select(v => Guid.Parse(v.Value));
        Assert.Contains(viewId, contactViews);
    }

    [Fact]
    public void App_SharedWith_TheAgentAndMarketerRoles()
    {
        var roles = Customizations.Descendants("AppModuleRoleMaps").Single().Elements("Role").Select(r => Guid.Parse((string)r.Attribute("id")!)).ToList();

        Assert.Equal(new HashSet<Guid> { Guid.Parse(AgentRoleId), Guid.Parse(MarketerRoleId) }, roles.ToHashSet());
    }

    [Fact]
    public void CustomApi_ExecutePrivilege_IsHeldByTheAgentAndMarketerRolesOnly()
    {
        var privilege = ZipEditor.Xml(packed.ManagedZip, "customapis/rtn_GetRetentionInsights/customapi.xml").Root!.Element("executeprivilegename")!.Value;
        var holders = Customizations.Root!.Element("Roles")!.Elements("Role")
            .Where(r => r.Descendants("RolePrivilege").Any(p => (string)p.Attribute("name")! == privilege))
            .Select(r => (string)r.Attribute("name")!).ToList();

        Assert.Contains("Retention Agent", holders);
        Assert.Contains("Retention Marketer", holders);
    }

    [Theory]
    [InlineData("rtn_ScoringEndpointUrl", 100000000)]
    [InlineData("rtn_ScoringApiKey", 100000005)]
    [InlineData("rtn_ScoringServiceUserId", 100000000)]
    [InlineData("rtn_ScoringServiceApplicationId", 100000000)]
    public void EnvironmentVariable_EveryPluginSetting_ShipsWithoutAValue(string name, int type)
    {
        var folder = $"environmentvariabledefinitions/{name}/";
        var definition = ZipEditor.Xml(packed.ManagedZip, folder + "environmentvariabledefinition.xml").Root!;

        Assert.Equal(type, (int)definition.Element("type")!);
        Assert.DoesNotContain(ZipEditor.Names(packed.ManagedZip), n => n == folder + "environmentvariablevalues.json");
        Assert.Contains(Roots(380), r => (string)r.Attribute("schemaName")! == name);
    }

    [Fact]
    public void Steps_Configuration_NamesNoPerEnvironmentValue()
    {
        var configurations = Customizations.Descendants("SdkMessageProcessingStep").Select(s => s.Element("Configuration")?.Value ?? "").ToList();

        Assert.Equal(15, configurations.Count);
        Assert.All(configurations, c => Assert.DoesNotContain("scoringService", c, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("incident", "msdynce_Service")]
    [InlineData("salesorder", "msdynce_Sales")]
    [InlineData("invoice", "msdynce_Sales")]
    public void Dependencies_TablesOfDynamicsApps_AreDeclared(string table, string solution)
    {
        var required = Manifest.Descendants("MissingDependency").Select(d => d.Element("Required")!)
            .Where(r => (string)r.Attribute("schemaName")! == table).ToList();

        Assert.NotEmpty(required);
        Assert.All(required, r => Assert.Equal(solution, (string)r.Attribute("solution")!));
    }

    [Theory]
    [InlineData("rtn_profilingoptout")]
    [InlineData("donotphone")]
    [InlineData("donotemail")]
    [InlineData("donotbulkemail")]
    public void ContactForm_Always_LetsAgentsRecordOptOutAndDoNotContact(string column)
    {
        var form = Customizations.Descendants("systemform").Single(f => f.Element("formid")!.Value == "{132ca478-3c74-4ad7-9dc0-cae849ed9d46}");

        var control = Assert.Single(form.Descendants("control"), c => (string?)c.Attribute("datafieldname") == column);
        Assert.Equal("false", (string)control.Attribute("disabled")!);
    }
}
