using System.Xml.Linq;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Solution.Tests.Support;

namespace RetentionInsights.Solution.Tests.Packing;

/// <summary>The hand-written views select what their names promise, in terms of the model's labels, not raw numbers.</summary>
[Collection(PackedSolutionCollection.Name)]
public sealed class ViewTests(PackedSolution packed)
{
    private XElement View(string name) => ZipEditor.Xml(packed.ManagedZip, "customizations.xml").Descendants("savedquery")
        .Single(q => q.Element("LocalizedNames")!.Elements().Any(n => (string)n.Attribute("description")! == name));

    private static IEnumerable<string> Labels(XElement view, string column, string choice) =>
        view.Descendants("condition").Single(c => (string)c.Attribute("attribute")! == column).Elements("value")
            .Select(v => DataModel.Current.ChoiceSet(choice).Options.Single(o => o.Value == int.Parse(v.Value, System.Globalization.CultureInfo.InvariantCulture)).Label)
            .Order(StringComparer.Ordinal);

    [Fact]
    public void AtRiskHighValue_SelectsMediumHighAndCriticalRiskInHighAndTopValue_MostValuableFirst()
    {
        var view = View("At risk, high value");

        Assert.Equal(["Critical", "High", "Medium"], Labels(view, Names.Contact.ChurnRiskBand, "rtn_churnriskband"));
        Assert.Equal(["High", "Top"], Labels(view, Names.Contact.ValueSegment, "rtn_valuesegment"));
        var order = view.Descendants("order").Single();
        Assert.Equal((Names.Contact.Clv36m, "true"), ((string)order.Attribute("attribute")!, (string)order.Attribute("descending")!));
        Assert.Equal("0", view.Element("querytype")!.Value); // a public view marketers find in the view selector
    }

    [Fact]
    public void OpenRetentionAlerts_SelectsOpenAndInProgress_EarliestDeadlineFirst()
    {
        var view = View("Open retention alerts");

        Assert.Equal(["In progress", "Open"], Labels(view, "rtn_status", "rtn_alertstatus"));
        var order = view.Descendants("order").Single();
        Assert.Equal(("rtn_dueby", "false"), ((string)order.Attribute("attribute")!, (string)order.Attribute("descending")!));
        Assert.Equal("rtn_retentionalert", (string)view.Descendants("entity").Single().Attribute("name")!);
    }

    [Fact]
    public void OfferOutcomes_SelectsAcceptedAndDeclined_ByOfferDateAndChannel_NewestFirst()
    {
        var view = View("Offer outcomes");

        Assert.Equal(["Accepted", "Declined"], Labels(view, "rtn_status", "rtn_recommendationstatus"));
        Assert.Equal("rtn_offerrecommendation", (string)view.Descendants("entity").Single().Attribute("name")!);
        var cells = view.Descendants("cell").Select(c => (string)c.Attribute("name")!).ToList();
        Assert.Subset(cells.ToHashSet(), new HashSet<string> { "rtn_offerid", "rtn_status", "rtn_respondedon", "rtn_channel" });
        var order = view.Descendants("order").Single();
        Assert.Equal(("rtn_respondedon", "true"), ((string)order.Attribute("attribute")!, (string)order.Attribute("descending")!));
    }

    [Fact]
    public void RisingChurnRisk_SelectsActiveContactsWithRisingTrend_HighestRiskFirst()
    {
        var view = View("Rising churn risk");

        Assert.Equal(["Rising"], Labels(view, Names.Contact.ChurnTrend, "rtn_churntrend"));
        Assert.Contains(view.Descendants("cell"), c => (string)c.Attribute("name")! == Names.Contact.PreviousRiskBand);
        var order = view.Descendants("order").Single();
        Assert.Equal((Names.Contact.ChurnProbability, "true"), ((string)order.Attribute("attribute")!, (string)order.Attribute("descending")!));
    }
}
