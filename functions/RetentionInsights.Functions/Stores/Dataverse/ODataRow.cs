using System.Globalization;
using System.Text.Json;

namespace RetentionInsights.Functions.Stores.Dataverse;

/// <summary>Typed reads of one Web API row: lookups as _name_value (+ lookuplogicalname annotation), ISO dates, numbers.</summary>
internal readonly struct ODataRow(JsonElement row)
{
    public const string LookupTableAnnotation = "@Microsoft.Dynamics.CRM.lookuplogicalname";

    public Guid Id(string column) => Guid.Parse(row.GetProperty(column).GetString()!);

    public Guid? Lookup(string column) => Value("_" + column + "_value") is { ValueKind: JsonValueKind.String } v ? Guid.Parse(v.GetString()!) : null;

    public string? LookupTable(string column) => Value("_" + column + "_value" + LookupTableAnnotation)?.GetString();

    public string? Text(string column) => Value(column) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    public int? Int(string column) => Value(column) is { ValueKind: JsonValueKind.Number } v ? v.GetInt32() : null;

    public bool Bool(string column) => Value(column) is { ValueKind: JsonValueKind.True };

    public double? Double(string column) => Value(column) is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : null;

    public decimal? Decimal(string column) => Value(column) is { ValueKind: JsonValueKind.Number } v ? v.GetDecimal() : null;

    public DateTime? Date(string column) => Value(column) is { ValueKind: JsonValueKind.String } v
        ? DateTime.Parse(v.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)
        : null;

    private JsonElement? Value(string name) =>
        row.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
}
