using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Solution.Validation;

/// <summary>A column as a solution describes it: Dataverse attribute type (nvarchar, picklist, money, ...) and choice values.</summary>
public sealed record ColumnInfo(string Entity, string Name, string Type, IReadOnlySet<int>? Options = null, bool IsSecured = false, bool IsCustom = false);

/// <summary>
/// Columns that exist in the target environment without being shipped in the zip (standard Microsoft columns such as
/// contact.fullname). Forms and views on system tables reference them; the validator needs to know their types.
/// </summary>
public sealed class ExternalColumns
{
    private readonly Dictionary<string, Dictionary<string, ColumnInfo>> tables = new(StringComparer.OrdinalIgnoreCase);

    public static ExternalColumns Empty { get; } = new();

    public bool KnowsTable(string entity) => tables.ContainsKey(entity);

    public ColumnInfo? Find(string entity, string column) =>
        tables.TryGetValue(entity, out var columns) ? columns.GetValueOrDefault(column) : null;

    public void Add(ColumnInfo column)
    {
        if (!tables.TryGetValue(column.Entity, out var columns))
            tables[column.Entity] = columns = new Dictionary<string, ColumnInfo>(StringComparer.OrdinalIgnoreCase);
        columns[column.Name] = column;
    }

    /// <summary>The standard columns the product's data model knows (contact, incident, salesorder, ...).</summary>
    public static ExternalColumns FromDataModel(DataModel model)
    {
        var catalog = new ExternalColumns();
        foreach (var table in model.Tables.Where(t => !t.Custom))
        {
            foreach (var column in table.Columns.Where(c => !c.Custom))
            {
                IReadOnlySet<int>? options = column.StandardOptions is { } values ? values.ToHashSet() : null;
                catalog.Add(new ColumnInfo(table.LogicalName, column.Name, AttributeTypes.FromModel(column, table), options));
                if (column.Type == ColumnType.Money)
                    catalog.Add(new ColumnInfo(table.LogicalName, column.Name + "_base", "money"));
            }

            // Every standard table has these, whether or not the product reads them.
            foreach (var (name, type) in StandardSystemColumns)
            {
                if (catalog.Find(table.LogicalName, name) is null)
                    catalog.Add(new ColumnInfo(table.LogicalName, name, type));
            }
        }

        return catalog;
    }

    private static readonly (string Name, string Type)[] StandardSystemColumns =
    [
        ("ownerid", "owner"), ("owningbusinessunit", "lookup"), ("owninguser", "lookup"), ("owningteam", "lookup"),
        ("createdby", "lookup"), ("modifiedby", "lookup"), ("modifiedon", "datetime"), ("transactioncurrencyid", "lookup"),
        ("exchangerate", "decimal"), ("versionnumber", "bigint"),
    ];
}

/// <summary>Dataverse attribute type names (as in customizations.xml) and the families used for compatibility checks.</summary>
public static class AttributeTypes
{
    public static string FromModel(ColumnDefinition column, TableDefinition table) => column.Type switch
    {
        ColumnType.UniqueIdentifier => column.Name == table.PrimaryId ? "primarykey" : "uniqueidentifier",
        ColumnType.String => "nvarchar",
        ColumnType.Memo => "ntext",
        ColumnType.Int => "int",
        ColumnType.Decimal => "decimal",
        ColumnType.Money => "money",
        ColumnType.DateTime or ColumnType.DateOnly => "datetime",
        ColumnType.Bool => "bit",
        ColumnType.Choice => "picklist",
        ColumnType.MultiChoice => "multiselectpicklist",
        ColumnType.Lookup => "lookup",
        ColumnType.Customer => "customer",
        ColumnType.State => "state",
        ColumnType.Status => "status",
        _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, "unmapped column type"),
    };

    public static string Family(string type) => type.ToLowerInvariant() switch
    {
        "nvarchar" or "varchar" or "char" or "nchar" => "text",
        "ntext" or "text" or "memo" => "memo",
        "int" or "smallint" or "tinyint" or "bigint" => "whole",
        "decimal" or "numeric" => "decimal",
        "float" or "real" or "double" => "float",
        "money" or "smallmoney" => "money",
        "datetime" or "smalldatetime" => "datetime",
        "bit" or "boolean" => "bool",
        "picklist" or "state" or "status" => "choice",
        "multiselectpicklist" => "multichoice",
        "lookup" or "customer" or "owner" => "lookup",
        "primarykey" or "uniqueidentifier" => "id",
        var other => other,
    };

    /// <summary>Families a PCF property of a given of-type may be bound to.</summary>
    public static IReadOnlySet<string>? FamiliesForPcfType(string ofType) => ofType switch
    {
        "Decimal" => Set("decimal"),
        "Currency" => Set("money"),
        "FP" => Set("float"),
        "Whole.None" => Set("whole"),
        "OptionSet" => Set("choice"),
        "MultiSelectOptionSet" => Set("multichoice"),
        "TwoOptions" => Set("bool"),
        "DateAndTime.DateAndTime" or "DateAndTime.DateOnly" => Set("datetime"),
        "SingleLine.Text" or "SingleLine.Email" or "SingleLine.Phone" or "SingleLine.URL" or "SingleLine.Ticker" or "SingleLine.TextArea" => Set("text"),
        "Multiple" => Set("memo", "text"),
        "Lookup.Simple" => Set("lookup"),
        _ => null,
    };

    /// <summary>Families a form control of a given (default control) class id renders.</summary>
    public static IReadOnlySet<string>? FamiliesForClassId(string classId) => classId.Trim('{', '}').ToUpperInvariant() switch
    {
        "4273EDBD-AC1D-40D3-9FB2-095C621B552D" => Set("text"),
        "E0DECE4B-6FC8-4A8F-A065-082708572369" => Set("memo", "text"),
        "C6D124CA-7EDA-4A60-AEA9-7FB8D318B68F" => Set("whole"),
        "C3EFE0C3-0EC6-42BE-8349-CBD9079DFD8E" => Set("decimal"),
        "0D2C745A-E5A8-4C8F-BA63-C6D3BB604660" => Set("float"),
        "533B9E00-756B-4312-95A0-DC888637AC78" => Set("money"),
        "5B773807-9FB2-42DB-97C3-7A91EFF8ADFF" => Set("datetime"),
        "3EF39988-22BB-4F0B-BBBE-64B5A3748AEE" => Set("choice"),
        "4AA28AB7-9C13-4F57-A73D-AD894D048B5F" => Set("multichoice"),
        "5D68B988-0661-4DB2-BC3E-17598AD3BE6C" => Set("choice"),
        "270BD3DB-D9AF-4782-9025-509E298DEC0A" => Set("lookup"),
        "B0C6723A-8503-4FD7-BB28-C8A06AC933C2" or "67FAC785-CD58-4F9F-ABB3-4B7DDC6ED5ED" => Set("bool"),
        _ => null,
    };

    private static HashSet<string> Set(params string[] values) => new(values, StringComparer.Ordinal);
}
