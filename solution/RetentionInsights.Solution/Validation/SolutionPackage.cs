using System.IO.Compression;
using System.Xml;
using System.Xml.Linq;

namespace RetentionInsights.Solution.Validation;

/// <summary>The files of a solution zip, by path (forward slashes, no leading slash, case-insensitive like Dataverse).</summary>
public sealed class SolutionPackage
{
    private readonly Dictionary<string, byte[]> entries;

    private SolutionPackage(string fileName, Dictionary<string, byte[]> entries)
    {
        FileName = fileName;
        this.entries = entries;
    }

    public string FileName { get; }
    public IReadOnlyCollection<string> Paths => entries.Keys;

    public static SolutionPackage Read(string zipPath)
    {
        using var stream = File.OpenRead(zipPath);
        return Read(stream, Path.GetFileName(zipPath));
    }

    public static SolutionPackage Read(Stream zipStream, string fileName)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        try
        {
            using var zip = new ZipArchive(zipStream, ZipArchiveMode.Read, leaveOpen: true);
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName.EndsWith('/'))
                    continue;
                using var content = entry.Open();
                using var buffer = new MemoryStream();
                content.CopyTo(buffer);
                entries[Normalize(entry.FullName)] = buffer.ToArray();
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{fileName} is not a readable zip file: {e.Message}", e);
        }

        return new SolutionPackage(fileName, entries);
    }

    public static string Normalize(string path) => path.Replace('\\', '/').TrimStart('/');

    public bool Contains(string path) => entries.ContainsKey(Normalize(path));

    public byte[]? Bytes(string path) => entries.GetValueOrDefault(Normalize(path));

    /// <summary>Parses an XML entry with line numbers; a parse failure is reported by the caller with the file name.</summary>
    public XDocument? Xml(string path)
    {
        var bytes = Bytes(path);
        if (bytes is null)
            return null;
        using var stream = new MemoryStream(bytes);
        using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        return XDocument.Load(reader, LoadOptions.SetLineInfo);
    }
}
