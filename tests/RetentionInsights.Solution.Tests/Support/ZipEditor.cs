using System.IO.Compression;
using System.Text;
using System.Xml.Linq;
using RetentionInsights.Solution.Validation;

namespace RetentionInsights.Solution.Tests.Support;

/// <summary>Copies a solution zip with one deliberate change, to prove the validator notices it.</summary>
internal static class ZipEditor
{
    public static SolutionPackage WithXmlChange(string zipPath, string entry, Action<XDocument> change, string? fileName = null) =>
        WithChange(zipPath, entries =>
        {
            var document = XDocument.Parse(Encoding.UTF8.GetString(entries[entry]));
            change(document);
            entries[entry] = Encoding.UTF8.GetBytes(document.ToString());
        }, fileName);

    public static SolutionPackage WithChange(string zipPath, Action<Dictionary<string, byte[]>> change, string? fileName = null)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using (var zip = ZipFile.OpenRead(zipPath))
        {
            foreach (var entry in zip.Entries)
            {
                using var stream = entry.Open();
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                entries[entry.FullName] = buffer.ToArray();
            }
        }

        change(entries);
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(bytes);
            }
        }

        output.Position = 0;
        return SolutionPackage.Read(output, fileName ?? Path.GetFileName(zipPath));
    }

    public static byte[] Entry(string zipPath, string entry)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        var found = zip.GetEntry(entry) ?? throw new KeyNotFoundException($"{entry} is not in {zipPath}");
        using var stream = found.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    public static XDocument Xml(string zipPath, string entry) => XDocument.Parse(Encoding.UTF8.GetString(Entry(zipPath, entry)));

    public static IReadOnlyList<string> Names(string zipPath)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        return zip.Entries.Select(e => e.FullName).ToList();
    }
}
