using System.Xml.Linq;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Solution.Tests.Support;

namespace RetentionInsights.Solution.Tests.Packing;

/// <summary>One contact view per uplift segment, each selecting exactly its segment among active contacts.</summary>
[Collection(PackedSolutionCollection.Name)]
public sealed class UpliftViewTests(PackedSolution packed)
{
    [Theory]
    [InlineData("Uplift: Persuadable", "Persuadable", "rtn_clv36m")]
    [InlineData("Uplift: Sure thing", "Sure thing", "rtn_clv36m")]
    [InlineData("Uplift: Lost cause", "Lost cause", "rtn_churnprobability")]
    [InlineData("Uplift: Do not disturb", "Do not disturb", "rtn_churnprobability")]
    public void UpliftSegmentView_SelectsItsSegmentAmongActiveContacts(string name, string segment, string orderedBy)
    {
        var view = ZipEditor.Xml(packed.ManagedZip, "customizations.xml").Descendants("savedquery")
            .Single(q => q.Element("LocalizedNames")!.Elements().Any(n => (string)n.Attribute("description")! == name));

        var values = view.Descendants("condition").Single(c => (string)c.Attribute("attribute")! == Names.Contact.UpliftSegment).Elements("value")
            .Select(v => DataModel.Current.ChoiceSet("rtn_upliftsegment").Options.Single(o => o.Value == int.Parse(v.Value, System.Globalization.CultureInfo.InvariantCulture)).Label);
        Assert.Equal([segment], values);
        Assert.Contains(view.Descendants("condition"), c => (string)c.Attribute("attribute")! == "statecode" && (string)c.Attribute("value")! == "0");
        Assert.Equal(orderedBy, (string)view.Descendants("order").Single().Attribute("attribute")!);
        Assert.Contains(view.Descendants("cell"), c => (string)c.Attribute("name")! == Names.Contact.RetentionGroup);
    }
}
