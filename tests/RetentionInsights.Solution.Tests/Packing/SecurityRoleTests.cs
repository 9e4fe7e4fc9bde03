using System.Xml.Linq;
using RetentionInsights.Solution.Tests.Support;

namespace RetentionInsights.Solution.Tests.Packing;

/// <summary>Least privilege, as a security reviewer reads the shipped roles.</summary>
[Collection(PackedSolutionCollection.Name)]
public sealed class SecurityRoleTests(PackedSolution packed)
{
    private HashSet<string> Privileges(string role) => ZipEditor.Xml(packed.ManagedZip, "customizations.xml").Root!.Element("Roles")!.Elements("Role")
        .Single(r => (string)r.Attribute("name")! == role).Descendants("RolePrivilege").Select(p => (string)p.Attribute("name")!).ToHashSet();

    [Fact]
    public void Roles_AllThreeShip_WithTheirRootComponents()
    {
        var roles = ZipEditor.Xml(packed.ManagedZip, "customizations.xml").Root!.Element("Roles")!.Elements("Role").ToList();
        var roots = ZipEditor.Xml(packed.ManagedZip, "solution.xml").Descendants("RootComponent").Where(r => (string?)r.Attribute("type") == "20")
            .Select(r => Guid.Parse((string)r.Attribute("id")!)).ToHashSet();

        Assert.Equal(["Retention Agent", "Retention Marketer", "Retention Scoring Service"], roles.Select(r => (string)r.Attribute("name")!).Order());
        Assert.All(roles, r => Assert.Contains(Guid.Parse((string)r.Attribute("id")!), roots));
    }

    [Fact]
    public void RetentionAgent_RecordsResponsesButCannotCreateDeleteOrChangeTheCatalogue()
    {
        var agent = Privileges("Retention Agent");

        Assert.Contains("prvWritertn_offerrecommendation", agent);
        Assert.Contains("prvWritertn_retentionalert", agent);
        Assert.Contains("prvReadrtn_offer", agent);
        Assert.DoesNotContain(agent, p => p.StartsWith("prvCreate", StringComparison.Ordinal) || p.StartsWith("prvDelete", StringComparison.Ordinal));
        Assert.DoesNotContain("prvWritertn_offer", agent);
        Assert.DoesNotContain("prvWriteContact", agent);
    }

    [Fact]
    public void RetentionMarketer_ManagesOffersButNeverChangesWhatAgentsRecorded()
    {
        var marketer = Privileges("Retention Marketer");

        Assert.Contains("prvCreatertn_offer", marketer);
        Assert.Contains("prvReadContact", marketer);
        Assert.DoesNotContain("prvWritertn_offerrecommendation", marketer);
        Assert.DoesNotContain("prvWritertn_retentionalert", marketer);
        Assert.DoesNotContain("prvWriteContact", marketer);
        Assert.DoesNotContain(marketer, p => p.StartsWith("prvDelete", StringComparison.Ordinal));
    }

    [Fact]
    public void RetentionScoringService_WritesScoresOffersAndAlertsButDeletesNothingOfTheCustomer()
    {
        var service = Privileges("Retention Scoring Service");

        Assert.Contains("prvWriteContact", service);
        Assert.Contains("prvCreatertn_offerrecommendation", service);
        Assert.Contains("prvCreatertn_retentionalert", service);
        Assert.Contains("prvAppendToContact", service);
        Assert.Equal(["prvDeletertn_offerrecommendation"], service.Where(p => p.StartsWith("prvDelete", StringComparison.Ordinal)));
        Assert.DoesNotContain(service, p => p is "prvWriteIncident" or "prvWriteSalesOrder" or "prvWriteInvoice" or "prvCreateContact");
    }

    [Fact]
    public void Roles_PrivilegeLevels_AreValid()
    {
        var levels = ZipEditor.Xml(packed.ManagedZip, "customizations.xml").Descendants("RolePrivilege").Select(p => (string)p.Attribute("level")!);

        Assert.All(levels, level => Assert.Contains(level, new[] { "Basic", "Local", "Deep", "Global" }));
    }
}
