using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Data.Csv;

public sealed record ImportError(string File, int Line, string? Column, string Reason)
{
    public override string ToString() =>
        Column is null ? $"{File} line {Line}: {Reason}" : $"{File} line {Line}, column {Column}: {Reason}";
}

public sealed record FileReport(string File, string? Table, bool Accepted, int RowsImported, IReadOnlyList<ImportError> Errors);

public sealed record ImportReport(IReadOnlyList<FileReport> Files)
{
    public bool Succeeded => Files.All(f => f.Accepted);
}

/// <summary>
/// Loads &lt;logicalname&gt;.csv files (docs/import-format.md) into a local org. Every row is validated against datamodel.json
/// (types, lengths, ranges, choice values, required columns, lookups pointing at existing or co-imported rows). A file with any
/// bad row is rejected whole; accepted files are written in one transaction, so a failure leaves the org as it was.
/// Rows whose primary id already exists update that row (re-importing a newer export is safe).
/// </summary>
public static class CsvImporter
{
    private const int MaxErrorsPerFile = 1000;

    public static ImportReport Import(string folder, string dbPath)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Import folder '{folder}' does not exist.");
        var model = DataModel.Current;
        var files = Directory.GetFiles(folder, "*.csv").OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw new InvalidDataException($"'{folder}' holds no .csv files; expected files named <logicalname>.csv such as contact.csv.");

        using var connection = LocalOrgDatabase.Open(dbPath, model);
        var parsed = new List<(FileReport Report, TableDefinition? Table, List<object?[]> Rows, IReadOnlyList<string> Columns)>();
        var knownIds = new Dictionary<string, HashSet<string>>();

        // Tables are validated parents first so lookups can point at rows imported in the same run.
        var ordered = files
            .Select(f => (Path: f, Table: model.Tables.FirstOrDefault(t => t.LogicalName == Path.GetFileNameWithoutExtension(f))))
            .OrderBy(f => f.Table is null ? int.MaxValue : LookupDepth(model, f.Table))
            .ToList();
        foreach (var (path, table) in ordered)
        {
            var name = Path.GetFileName(path);
            if (table is null)
            {
                parsed.Add((new FileReport(name, null, false, 0,
                    [new ImportError(name, 1, null, $"no table named '{Path.GetFileNameWithoutExtension(path)}'; file names must be table logical names: {string.Join(", ", model.Tables.Select(t => t.LogicalName + ".csv"))}")]),
                    null, [], []));
                continue;
            }
            var (rows, columns, errors) = Validate(name, path, table, model, connection, knownIds);
            var accepted = errors.Count == 0;
            if (accepted)
            {
                var ids = knownIds.TryGetValue(table.LogicalName, out var set) ? set : knownIds[table.LogicalName] = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                var idIndex = IndexOf(columns, table.PrimaryId);
                foreach (var row in rows)
                    ids.Add((string)row[idIndex]!);
            }
            parsed.Add((new FileReport(name, table.LogicalName, accepted, accepted ? rows.Count : 0, errors), table, rows, columns));
        }

        using (var tx = connection.BeginTransaction())
        {
            foreach (var (report, table, rows, columns) in parsed.Where(p => p.Report.Accepted))
            {
                using var command = connection.CreateCommand();
                command.Transaction = tx;
                var updates = columns.Where(c => c != table!.PrimaryId).Select(c => $"{c} = excluded.{c}");
                command.CommandText =
                    $"INSERT INTO {table!.LogicalName} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))}) " +
                    $"ON CONFLICT({table.PrimaryId}) DO UPDATE SET {string.Join(", ", updates)}";
                var parameters = columns.Select((_, i) => command.Parameters.Add(new SqliteParameter("$p" + i, null))).ToArray();
                command.Prepare();
                foreach (var row in rows)
                {
                    for (var i = 0; i < parameters.Length; i++)
                        parameters[i].Value = row[i] ?? DBNull.Value;
                    command.ExecuteNonQuery();
                }
            }
            tx.Commit();
        }
        return new ImportReport(parsed.Select(p => p.Report).OrderBy(r => r.File, StringComparer.Ordinal).ToList());
    }

    /// <summary>0 for a table whose lookups point at no other local table, else one more than its deepest target.</summary>
    private static int LookupDepth(DataModel model, TableDefinition table) =>
        table.Columns
            .Where(c => c.Type is ColumnType.Lookup or ColumnType.Customer)
            .SelectMany(c => c.Targets!)
            .Where(t => t != table.LogicalName && model.Tables.Any(x => x.LogicalName == t))
            .Select(t => 1 + LookupDepth(model, model.Table(t)))
            .DefaultIfEmpty(0)
            .Max();

    private static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i] == name)
                return i;
        }
        return -1;
    }

    private static (List<object?[]> Rows, IReadOnlyList<string> Columns, List<ImportError> Errors) Validate(
        string file, string path, TableDefinition table, DataModel model, SqliteConnection connection, Dictionary<string, HashSet<string>> knownIds)
    {
        var errors = new List<ImportError>();
        var rows = new List<object?[]>();
        using var reader = new StreamReader(path, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        IEnumerator<(int Line, string[] Fields)> records;
        try
        {
            records = CsvFormat.Read(reader).ToList().GetEnumerator();
        }
        catch (CsvFormatException e)
        {
            return (rows, [], [new ImportError(file, e.Line, null, e.Reason)]);
        }
        if (!records.MoveNext())
            return (rows, [], [new ImportError(file, 1, null, "the file is empty; the first line must be a header of column logical names.")]);

        var header = records.Current.Fields.Select(h => h.Trim()).ToArray();
        var physical = LocalOrgSchema.PhysicalColumns(table);
        foreach (var h in header.Where(h => !physical.Contains(h)))
            errors.Add(new ImportError(file, 1, h, $"unknown column; {table.LogicalName} has: {string.Join(", ", physical)}"));
        foreach (var duplicate in header.GroupBy(h => h).Where(g => g.Count() > 1))
            errors.Add(new ImportError(file, 1, duplicate.Key, "the column appears more than once in the header."));
        foreach (var required in table.Columns.Where(c => c.Required).Select(c => c.Name).Concat(table.Columns.Where(c => c.Required && c.TypeColumnName is not null).Select(c => c.TypeColumnName!)))
        {
            if (!header.Contains(required))
                errors.Add(new ImportError(file, 1, required, "required column is missing from the header."));
        }
        if (errors.Count > 0)
            return (rows, header, errors);

        var definitions = header.Select(h => table.HasColumn(h) ? table.Column(h) : null).ToArray();
        var seenIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var idIndex = IndexOf(header, table.PrimaryId);
        while (records.MoveNext() && errors.Count < MaxErrorsPerFile)
        {
            var (line, fields) = records.Current;
            if (fields.Length == 1 && fields[0].Length == 0)
                continue; // blank line
            if (fields.Length != header.Length)
            {
                errors.Add(new ImportError(file, line, null, $"expected {header.Length} fields like the header, found {fields.Length}."));
                continue;
            }
            var row = new object?[header.Length];
            for (var i = 0; i < header.Length; i++)
            {
                var raw = fields[i];
                var column = definitions[i];
                if (column is null)
                {
                    // the '<name>type' companion of a polymorphic lookup
                    var owner = table.Columns.First(c => c.TypeColumnName == header[i]);
                    if (raw.Length == 0)
                    {
                        row[i] = null;
                    }
                    else if (!owner.Targets!.Contains(raw))
                    {
                        errors.Add(new ImportError(file, line, header[i], $"'{raw}' is not a valid target; use one of {string.Join(", ", owner.Targets!)}."));
                    }
                    else
                    {
                        row[i] = raw;
                    }
                    continue;
                }
                if (raw.Length == 0)
                {
                    if (column.Required)
                        errors.Add(new ImportError(file, line, column.Name, "a value is required."));
                    row[i] = null;
                    continue;
                }
                if (ColumnValueParser.TryParse(column, raw, model, out var value, out var reason))
                    row[i] = value;
                else
                    errors.Add(new ImportError(file, line, column.Name, reason!));
            }
            if (idIndex >= 0 && row[idIndex] is string id && !seenIds.Add(id))
                errors.Add(new ImportError(file, line, table.PrimaryId, $"duplicate id {id} in this file."));
            CheckLookups(file, line, table, header, row, connection, knownIds, errors);
            rows.Add(row);
        }
        return (rows, header, errors);
    }

    private static void CheckLookups(string file, int line, TableDefinition table, string[] header, object?[] row,
        SqliteConnection connection, Dictionary<string, HashSet<string>> knownIds, List<ImportError> errors)
    {
        for (var i = 0; i < header.Length; i++)
        {
            if (!table.HasColumn(header[i]) || row[i] is not string id)
                continue;
            var column = table.Column(header[i]);
            if (column.Type is not (ColumnType.Lookup or ColumnType.Customer))
                continue;
            var target = column.Type == ColumnType.Customer
                ? row[IndexOf(header, column.TypeColumnName!)] as string
                : column.Targets![0];
            if (target is null)
            {
                errors.Add(new ImportError(file, line, column.TypeColumnName, $"the target table of {column.Name} is missing; set {column.TypeColumnName} to one of {string.Join(", ", column.Targets!)}."));
                continue;
            }
            var targetTable = DataModel.Current.Tables.FirstOrDefault(t => t.LogicalName == target);
            if (targetTable is null)
            {
                errors.Add(new ImportError(file, line, column.Name, $"{target} records are not kept in the local org; only {string.Join(", ", column.Targets!.Where(t => DataModel.Current.Tables.Any(x => x.LogicalName == t)))} can be referenced."));
                continue;
            }
            if (targetTable.LogicalName == table.LogicalName && knownIds.GetValueOrDefault(target) is null)
                continue; // self-reference (parent case) within the file being imported
            if (knownIds.TryGetValue(target, out var ids) && ids.Contains(id))
                continue;
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT 1 FROM {targetTable.LogicalName} WHERE {targetTable.PrimaryId} = $id";
            command.Parameters.AddWithValue("$id", id);
            if (command.ExecuteScalar() is null)
                errors.Add(new ImportError(file, line, column.Name, $"no {target} with id {id} exists in the org or in {target}.csv."));
        }
    }
}

/// <summary>Parses one CSV field into its local org storage value, or says why it cannot.</summary>
public static class ColumnValueParser
{
    public static bool TryParse(ColumnDefinition column, string raw, DataModel model, out object? value, out string? reason)
    {
        value = null;
        reason = null;
        var inv = CultureInfo.InvariantCulture;
        switch (column.Type)
        {
            case ColumnType.UniqueIdentifier:
            case ColumnType.Lookup:
            case ColumnType.Customer:
                if (!Guid.TryParse(raw, out var guid))
                    return Fail($"'{raw}' is not a GUID (e.g. 0f8fad5b-d9cb-469f-a165-70867728950e).", out reason);
                value = StorageFormat.Guid(guid);
                return true;
            case ColumnType.String:
            case ColumnType.Memo:
                if (column.MaxLength is { } max && raw.Length > max)
                    return Fail($"text is {raw.Length} characters; at most {max} allowed.", out reason);
                value = raw;
                return true;
            case ColumnType.MultiChoice:
                foreach (var part in raw.Split(','))
                {
                    if (!int.TryParse(part.Trim(), NumberStyles.None, inv, out var option) || !model.IsAllowedChoiceValue(column, option))
                        return Fail($"'{part.Trim()}' is not a value of this choice; write the option values separated by commas (allowed: {string.Join(", ", AllowedValues(column, model))}).", out reason);
                }
                value = string.Join(",", raw.Split(',').Select(p => p.Trim()));
                return true;
            case ColumnType.Int:
            case ColumnType.Choice:
            case ColumnType.State:
            case ColumnType.Status:
                if (!int.TryParse(raw, NumberStyles.AllowLeadingSign, inv, out var number))
                    return Fail($"'{raw}' is not a whole number{(column.Type == ColumnType.Int ? "" : " (choices are written as their integer value)")}.", out reason);
                if (column.Type != ColumnType.Int && !model.IsAllowedChoiceValue(column, number))
                    return Fail($"{number} is not a value of this choice; allowed: {string.Join(", ", AllowedValues(column, model))}.", out reason);
                if (!InRange(column, number, out reason))
                    return false;
                value = (long)number;
                return true;
            case ColumnType.Decimal:
            case ColumnType.Money:
                if (!decimal.TryParse(raw, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, inv, out var dec))
                    return Fail($"'{raw}' is not a number with a '.' decimal point (e.g. 1234.56).", out reason);
                if (!InRange(column, dec, out reason))
                    return false;
                value = (double)dec;
                return true;
            case ColumnType.Bool:
                if (raw.Equals("true", StringComparison.OrdinalIgnoreCase))
                    value = 1L;
                else if (raw.Equals("false", StringComparison.OrdinalIgnoreCase))
                    value = 0L;
                else
                    return Fail($"'{raw}' is not a boolean; write true or false.", out reason);
                return true;
            case ColumnType.DateTime:
                if (!DateTimeOffset.TryParseExact(raw, ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz"],
                        inv, DateTimeStyles.AssumeUniversal, out var dto))
                    return Fail($"'{raw}' is not an ISO 8601 UTC date-time (e.g. 2026-03-01T14:30:00Z).", out reason);
                value = StorageFormat.DateTime(dto.UtcDateTime);
                return true;
            case ColumnType.DateOnly:
                if (!DateTime.TryParseExact(raw, "yyyy-MM-dd", inv, DateTimeStyles.None, out var date))
                    return Fail($"'{raw}' is not a date (yyyy-MM-dd).", out reason);
                value = StorageFormat.Date(date);
                return true;
            default:
                return Fail($"unsupported column type {column.Type}.", out reason);
        }
    }

    private static IEnumerable<int> AllowedValues(ColumnDefinition column, DataModel model) =>
        column.Choice is { } c ? model.ChoiceSet(c).Options.Select(o => o.Value) : column.StandardOptions ?? [];

    private static bool InRange(ColumnDefinition column, decimal value, out string? reason)
    {
        reason = null;
        if (column.Min is { } min && value < min)
            reason = $"{value.ToString(CultureInfo.InvariantCulture)} is below the minimum {min.ToString(CultureInfo.InvariantCulture)}.";
        else if (column.Max is { } max && value > max)
            reason = $"{value.ToString(CultureInfo.InvariantCulture)} is above the maximum {max.ToString(CultureInfo.InvariantCulture)}.";
        return reason is null;
    }

    private static bool Fail(string message, out string? reason)
    {
        reason = message;
        return false;
    }
}
