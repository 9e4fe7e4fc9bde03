using System.Text;

namespace RetentionInsights.Scoring.Tabular;

/// <summary>A CSV file in memory: header and rows of raw strings (RFC 4180 quoting; comma or semicolon separated).</summary>
public sealed class CsvTable
{
    public CsvTable(IReadOnlyList<string> header, IReadOnlyList<string[]> rows)
    {
        Header = header;
        Rows = rows;
    }

    public IReadOnlyList<string> Header { get; }
    public IReadOnlyList<string[]> Rows { get; }

    public int Column(string name)
    {
        for (var i = 0; i < Header.Count; i++)
        {
            if (string.Equals(Header[i], name, StringComparison.OrdinalIgnoreCase))
                return i;
        }
        throw new KeyNotFoundException($"Column '{name}' is not in the header ({string.Join(", ", Header)}).");
    }

    public static CsvTable Read(TextReader reader, string source = "input")
    {
        var first = ReadRecord(reader) ?? throw new InvalidDataException($"{source}: the file is empty.");
        var header = first.Select(h => h.Trim()).ToArray();
        var rows = new List<string[]>();
        var line = 1;
        while (ReadRecord(reader) is { } record)
        {
            line++;
            if (record.Length == 1 && record[0].Length == 0)
                continue;
            if (record.Length != header.Length)
                throw new InvalidDataException($"{source}: row {line} has {record.Length} fields, the header has {header.Length}.");
            rows.Add(record);
        }
        return new CsvTable(header, rows);
    }

    private static string[]? ReadRecord(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var any = false;
        while (true)
        {
            var c = reader.Read();
            if (c < 0)
            {
                if (!any)
                    return null;
                fields.Add(field.ToString());
                return fields.ToArray();
            }
            any = true;
            var ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    field.Append(ch);
                }
            }
            else if (ch == '"')
            {
                inQuotes = true;
            }
            else if (ch is ',' or ';')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (ch == '\n')
            {
                fields.Add(field.ToString().TrimEnd('\r'));
                return fields.ToArray();
            }
            else
            {
                field.Append(ch);
            }
        }
    }
}
