using System.Text;

namespace RetentionInsights.Data.Csv;

/// <summary>RFC 4180 CSV: comma separated, double-quote escaping, fields may span lines. UTF-8 (BOM tolerated).</summary>
public static class CsvFormat
{
    public static string Escape(string? value)
    {
        if (value is null)
            return string.Empty;
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>Reads records with the 1-based line number each record starts on.</summary>
    public static IEnumerable<(int Line, string[] Fields)> Read(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        var any = false;
        int c;
        while ((c = reader.Read()) != -1)
        {
            var ch = (char)c;
            any = true;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        field.Append('"');
                        reader.Read();
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (ch == '\n')
                        line++;
                    field.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                case '"' when field.Length == 0:
                    inQuotes = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    yield return (recordLine, fields.ToArray());
                    fields.Clear();
                    line++;
                    recordLine = line;
                    any = false;
                    break;
                default:
                    field.Append(ch);
                    break;
            }
        }
        if (inQuotes)
            throw new CsvFormatException(recordLine, "a quoted field that starts in this record is not closed before the end of the file.");
        if (any)
        {
            fields.Add(field.ToString());
            yield return (recordLine, fields.ToArray());
        }
    }
}

/// <summary>A file that is not valid CSV, with the line of the record where it goes wrong.</summary>
public sealed class CsvFormatException(int line, string reason) : FormatException($"line {line}: {reason}")
{
    public int Line { get; } = line;

    public string Reason { get; } = reason;
}
