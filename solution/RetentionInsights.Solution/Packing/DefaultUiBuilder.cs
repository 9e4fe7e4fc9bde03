using System.Xml.Linq;
using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Solution.Packing;

/// <summary>
/// The system views and main form every custom table gets when a maker creates it (active records, advanced find,
/// associated, quick find, lookup). Generated from the model so a new column shows up without editing XML; ids are
/// name-based so upgrades keep them.
/// </summary>
public static class DefaultUiBuilder
{
    private const string TextBox = "{4273EDBD-AC1D-40D3-9FB2-095C621B552D}";

    public static IEnumerable<XElement> Views(TableDefinition table)
    {
        var columns = ListColumns(table).ToList();
        yield return View(table, "active", 0, $"Active {table.PluralName ?? table.DisplayName}", columns, activeOnly: true, isDefault: true);
        yield return View(table, "advancedfind", 1, $"{table.DisplayName} Advanced Find View", columns, activeOnly: false, isDefault: true);
        yield return View(table, "associated", 2, $"{table.DisplayName} Associated View", columns, activeOnly: true, isDefault: true);
        yield return View(table, "quickfind", 4, $"Quick Find Active {table.PluralName ?? table.DisplayName}", [table.PrimaryName, "createdon"], activeOnly: true, isDefault: true, quickFind: true);
        yield return View(table, "lookup", 64, $"{table.DisplayName} Lookup View", [table.PrimaryName, "createdon"], activeOnly: true, isDefault: true);
    }

    /// <summary>The columns a list shows: primary name, then the table's own columns that fit a grid (no long text).</summary>
    private static IEnumerable<string> ListColumns(TableDefinition table) =>
        new[] { table.PrimaryName }
            .Concat(table.Columns.Where(c => c.Custom && c.Name != table.PrimaryName && c.Type is not ColumnType.Memo).Select(c => c.Name).Take(6))
            .Append("createdon");

    private static XElement View(TableDefinition table, string key, int queryType, string name, IReadOnlyList<string> columns, bool activeOnly, bool isDefault, bool quickFind = false)
    {
        var fetchEntity = new XElement("entity", new XAttribute("name", table.LogicalName),
            columns.Prepend(table.PrimaryId).Select(c => new XElement("attribute", new XAttribute("name", c))),
            new XElement("order", new XAttribute("attribute", table.PrimaryName), new XAttribute("descending", "false")));
        var filter = new XElement("filter", new XAttribute("type", "and"));
        if (activeOnly)
            filter.Add(new XElement("condition", new XAttribute("attribute", "statecode"), new XAttribute("operator", "eq"), new XAttribute("value", "0")));
        if (quickFind)
            filter.Add(new XElement("filter", new XAttribute("type", "or"), new XAttribute("isquickfindfields", "1"),
                new XElement("condition", new XAttribute("attribute", table.PrimaryName), new XAttribute("operator", "like"), new XAttribute("value", "{0}"))));
        if (filter.HasElements)
            fetchEntity.Add(filter);

        return new XElement("savedquery",
            new XElement("IsCustomizable", 1),
            new XElement("CanBeDeleted", 0),
            new XElement("isquickfindquery", quickFind ? 1 : 0),
            new XElement("isprivate", 0),
            new XElement("isdefault", isDefault ? 1 : 0),
            new XElement("savedqueryid", Id($"{table.LogicalName}/view/{key}")),
            new XElement("layoutxml",
                new XElement("grid", new XAttribute("name", "resultset"), new XAttribute("jump", table.PrimaryName), new XAttribute("select", "1"), new XAttribute("icon", "1"), new XAttribute("preview", "1"),
                    new XElement("row", new XAttribute("name", "result"), new XAttribute("id", table.PrimaryId),
                        columns.Select((c, i) => new XElement("cell", new XAttribute("name", c), new XAttribute("width", i == 0 ? 300 : 125)))))),
            new XElement("querytype", queryType),
            new XElement("fetchxml", new XElement("fetch", new XAttribute("version", "1.0"), new XAttribute("mapping", "logical"), fetchEntity)),
            new XElement("IntroducedVersion", "1.0.0.0"),
            Labels.List("LocalizedNames", "LocalizedName", name));
    }

    public static XElement MainForm(TableDefinition table)
    {
        var rows = table.Columns.Where(c => c.Name == table.PrimaryName || c.Custom)
            .OrderBy(c => c.Name == table.PrimaryName ? 0 : 1)
            .Select(c => new XElement("row",
                new XElement("cell", new XAttribute("id", Id($"{table.LogicalName}/form/cell/{c.Name}")),
                    Labels.Labelled("x", c.DisplayName ?? c.Name, c.DisplayNameNl).Elements(),
                    new XElement("control", new XAttribute("id", c.Name), new XAttribute("classid", ClassId(c)), new XAttribute("datafieldname", c.Name),
                        new XAttribute("disabled", "false")))));
        return new XElement("systemform",
            new XElement("formid", Id($"{table.LogicalName}/form/main")),
            new XElement("IntroducedVersion", "1.0.0.0"),
            new XElement("FormPresentation", 1),
            new XElement("FormActivationState", 1),
            new XElement("form",
                new XElement("tabs",
                    new XElement("tab", new XAttribute("name", "general"), new XAttribute("id", Id($"{table.LogicalName}/form/tab")), new XAttribute("IsUserDefined", "0"),
                        new XAttribute("verticallayout", "true"),
                        Labels.Labelled("x", "General", "Algemeen").Elements(),
                        new XElement("columns", new XElement("column", new XAttribute("width", "100%"),
                            new XElement("sections",
                                new XElement("section", new XAttribute("name", "general_section"), new XAttribute("showlabel", "false"), new XAttribute("showbar", "false"),
                                    new XAttribute("id", Id($"{table.LogicalName}/form/section")), new XAttribute("IsUserDefined", "0"), new XAttribute("columns", "1"),
                                    Labels.Labelled("x", "General", "Algemeen").Elements(),
                                    new XElement("rows", rows)))))))),
            new XElement("IsCustomizable", 1),
            new XElement("CanBeDeleted", 0),
            Labels.List("LocalizedNames", "LocalizedName", "Information"),
            Labels.List("Descriptions", "Description", $"A form for {table.DisplayName}."));
    }

    private static string ClassId(ColumnDefinition column) => column.Type switch
    {
        ColumnType.Memo => "{E0DECE4B-6FC8-4A8F-A065-082708572369}",
        ColumnType.Int => "{C6D124CA-7EDA-4A60-AEA9-7FB8D318B68F}",
        ColumnType.Decimal => "{C3EFE0C3-0EC6-42BE-8349-CBD9079DFD8E}",
        ColumnType.Money => "{533B9E00-756B-4312-95A0-DC888637AC78}",
        ColumnType.DateTime or ColumnType.DateOnly => "{5B773807-9FB2-42DB-97C3-7A91EFF8ADFF}",
        ColumnType.Choice => "{3EF39988-22BB-4F0B-BBBE-64B5A3748AEE}",
        ColumnType.MultiChoice => "{4AA28AB7-9C13-4F57-A73D-AD894D048B5F}",
        ColumnType.Bool => "{67FAC785-CD58-4F9F-ABB3-4B7DDC6ED5ED}",
        ColumnType.Lookup => "{270BD3DB-D9AF-4782-9025-509E298DEC0A}",
        _ => TextBox,
    };

    private static string Id(string name) => "{" + DeterministicGuid.Create(name) + "}";
}
