using System.Xml.Linq;

namespace RetentionInsights.Solution.Packing;

/// <summary>Localized label elements in the shapes customizations.xml uses (English 1033, Dutch 1043 when known).</summary>
internal static class Labels
{
    public const int English = 1033;
    public const int Dutch = 1043;

    public static IEnumerable<(string Text, int Language)> Of(string english, string? dutch) =>
        dutch is null ? [(english, English)] : [(english, English), (dutch, Dutch)];

    public static XElement List(string container, string item, string english, string? dutch = null) =>
        new(container, Of(english, dutch).Select(l => new XElement(item, new XAttribute("description", l.Text), new XAttribute("languagecode", l.Language))));

    public static XElement Labelled(string container, string english, string? dutch = null) =>
        new(container, new XElement("labels", Of(english, dutch).Select(l => new XElement("label", new XAttribute("description", l.Text), new XAttribute("languagecode", l.Language)))));
}
