using System.Text.Json;
using System.Text.Json.Serialization;

namespace RetentionInsights.Data.Metadata;

/// <summary>Column types as Dataverse knows them; the local org, CSV and Web API map each one the same way.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ColumnType>))]
public enum ColumnType
{
    [JsonStringEnumMemberName("uniqueidentifier")] UniqueIdentifier,
    [JsonStringEnumMemberName("string")] String,
    [JsonStringEnumMemberName("memo")] Memo,
    [JsonStringEnumMemberName("int")] Int,
    [JsonStringEnumMemberName("decimal")] Decimal,
    [JsonStringEnumMemberName("money")] Money,
    [JsonStringEnumMemberName("datetime")] DateTime,
    [JsonStringEnumMemberName("dateonly")] DateOnly,
    [JsonStringEnumMemberName("bool")] Bool,
    [JsonStringEnumMemberName("choice")] Choice,
    /// <summary>Multi-select choice: the Web API, the local org and CSV carry it as comma-separated option values ("471500000,471500005").</summary>
    [JsonStringEnumMemberName("multichoice")] MultiChoice,
    [JsonStringEnumMemberName("lookup")] Lookup,
    [JsonStringEnumMemberName("customer")] Customer,
    [JsonStringEnumMemberName("state")] State,
    [JsonStringEnumMemberName("status")] Status,
}

public sealed record ChoiceOption(int Value, string Label, string? LabelNl);

public sealed record ChoiceDefinition(string Name, string DisplayName, IReadOnlyList<ChoiceOption> Options)
{
    public bool HasValue(int value) => Options.Any(o => o.Value == value);
}

public sealed record ColumnDefinition
{
    public required string Name { get; init; }
    public required ColumnType Type { get; init; }
    public bool Required { get; init; }
    public bool Custom { get; init; }
    /// <summary>Written by the scoring service; agents read but never edit these (field security).</summary>
    public bool Score { get; init; }
    public int? MaxLength { get; init; }
    public int? Precision { get; init; }
    public decimal? Min { get; init; }
    public decimal? Max { get; init; }
    /// <summary>Name of the shared choice (option set) for custom choice columns.</summary>
    public string? Choice { get; init; }
    /// <summary>Allowed values of a standard (Microsoft) choice, state or status column.</summary>
    public IReadOnlyList<int>? StandardOptions { get; init; }
    public IReadOnlyList<string>? Targets { get; init; }
    public string? DisplayName { get; init; }
    public string? DisplayNameNl { get; init; }
    public string? Description { get; init; }

    /// <summary>Polymorphic lookups carry the target table in a companion column, e.g. customeridtype.</summary>
    public string? TypeColumnName => Type == ColumnType.Customer ? Name + "type" : null;
}

public sealed record TableDefinition
{
    public required string LogicalName { get; init; }
    public required string EntitySetName { get; init; }
    public required string PrimaryId { get; init; }
    public required string PrimaryName { get; init; }
    public bool Custom { get; init; }
    public required string DisplayName { get; init; }
    public string? DisplayNameNl { get; init; }
    public string? PluralName { get; init; }
    public required IReadOnlyList<ColumnDefinition> Columns { get; init; }

    /// <summary>
    /// The column that names the record's customer (a contact, or an account or case leading to one): how an event on this
    /// table finds the contact to rescore. Null for contact itself and for tables whose events are not scored.
    /// </summary>
    public string? CustomerLookup { get; init; }

    public ColumnDefinition Column(string name) =>
        Columns.FirstOrDefault(c => c.Name == name)
        ?? throw new KeyNotFoundException($"Column '{name}' is not defined on table '{LogicalName}' in datamodel.json.");

    public bool HasColumn(string name) => Columns.Any(c => c.Name == name);
}

public sealed record SolutionInfo(string UniqueName, string DisplayName, string PublisherPrefix, int OptionValuePrefix);

/// <summary>The single source of truth for names: tables, columns and choices of the product (datamodel.json).</summary>
public sealed class DataModel
{
    private static readonly Lazy<DataModel> Embedded = new(LoadEmbedded);
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public required SolutionInfo Solution { get; init; }
    public required IReadOnlyList<ChoiceDefinition> Choices { get; init; }
    public required IReadOnlyList<TableDefinition> Tables { get; init; }

    public static DataModel Current => Embedded.Value;

    /// <summary>The table named <paramref name="logicalName"/>, or null when the data model has no such table.</summary>
    public TableDefinition? FindTable(string logicalName) => Tables.FirstOrDefault(t => t.LogicalName == logicalName);

    public TableDefinition Table(string logicalName) =>
        Tables.FirstOrDefault(t => t.LogicalName == logicalName)
        ?? throw new KeyNotFoundException($"Table '{logicalName}' is not defined in datamodel.json.");

    public ChoiceDefinition ChoiceSet(string name) =>
        Choices.FirstOrDefault(c => c.Name == name)
        ?? throw new KeyNotFoundException($"Choice '{name}' is not defined in datamodel.json.");

    public bool IsAllowedChoiceValue(ColumnDefinition column, int value) => column switch
    {
        { Choice: { } choice } => ChoiceSet(choice).HasValue(value),
        { StandardOptions: { } values } => values.Contains(value),
        _ => true,
    };

    public static DataModel Parse(Stream json)
    {
        var model = JsonSerializer.Deserialize<DataModel>(json, Options)
            ?? throw new InvalidDataException("datamodel.json is empty.");
        model.Validate();
        return model;
    }

    private static DataModel LoadEmbedded()
    {
        using var stream = typeof(DataModel).Assembly.GetManifestResourceStream("RetentionInsights.Data.datamodel.json")
            ?? throw new InvalidOperationException("The embedded datamodel.json is missing from the build.");
        return Parse(stream);
    }

    /// <summary>Rejects a model that the solution or the local org could not represent.</summary>
    private void Validate()
    {
        var prefix = Solution.PublisherPrefix + "_";
        foreach (var choice in Choices)
        {
            if (!choice.Name.StartsWith(prefix, StringComparison.Ordinal))
                throw new InvalidDataException($"Choice '{choice.Name}' lacks the publisher prefix '{prefix}'.");
            foreach (var option in choice.Options)
            {
                if (option.Value / 10000 != Solution.OptionValuePrefix)
                    throw new InvalidDataException($"Choice '{choice.Name}' value {option.Value} lacks the option value prefix {Solution.OptionValuePrefix}.");
            }
        }

        foreach (var table in Tables)
        {
            if (table.Custom && !table.LogicalName.StartsWith(prefix, StringComparison.Ordinal))
                throw new InvalidDataException($"Custom table '{table.LogicalName}' lacks the prefix '{prefix}'.");
            if (!table.HasColumn(table.PrimaryId))
                throw new InvalidDataException($"Table '{table.LogicalName}' has no primary id column '{table.PrimaryId}'.");
            if (table.CustomerLookup is { } lookup
                && (!table.HasColumn(lookup) || table.Column(lookup).Targets is not { } targets || !targets.Contains("contact")))
                throw new InvalidDataException($"Table '{table.LogicalName}' names '{lookup}' as its customer lookup, which is not a lookup that can point to a contact.");
            foreach (var column in table.Columns)
            {
                if (column.Custom && !column.Name.StartsWith(prefix, StringComparison.Ordinal))
                    throw new InvalidDataException($"Custom column '{table.LogicalName}.{column.Name}' lacks the prefix '{prefix}'.");
                if (column.Type == ColumnType.MultiChoice && column.Choice is null)
                    throw new InvalidDataException($"Multi-select choice column '{table.LogicalName}.{column.Name}' names no choice.");
                if (column.Type == ColumnType.Choice && column.Choice is null && column.StandardOptions is null)
                    throw new InvalidDataException($"Choice column '{table.LogicalName}.{column.Name}' names neither a choice nor standard options.");
                if (column.Choice is not null && Choices.All(c => c.Name != column.Choice))
                    throw new InvalidDataException($"Column '{table.LogicalName}.{column.Name}' uses undefined choice '{column.Choice}'.");
                if (column.Type is ColumnType.Lookup or ColumnType.Customer && (column.Targets is null || column.Targets.Count == 0))
                    throw new InvalidDataException($"Lookup '{table.LogicalName}.{column.Name}' has no targets.");
            }
        }
    }
}
