using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace RetentionInsights.Solution.Validation;

/// <summary>
/// Validates customizations.xml against the official (2018-era, 9.0.0.2090) CustomizationsSolution.xsd, knowing that the
/// schema is stale: Dataverse exports today carry elements and attributes it never heard of, and order some children
/// differently (steps start with SdkMessageId). Those become warnings; whatever the schema does know must be valid.
/// </summary>
/// <remarks>
/// .NET stops checking a parent's content model after the first unexpected child, so a single pass would hide errors
/// behind every newer element. The validator therefore works on its own copy: it removes an element unknown to its
/// parent's content model (or moves known children into schema order), records a warning, and validates again until
/// only real errors remain.
/// </remarks>
public sealed class TolerantSchemaValidator
{
    private const int MaxPasses = 400;
    private readonly XmlSchemaSet schemas;

    private TolerantSchemaValidator(XmlSchemaSet schemas) => this.schemas = schemas;

    public const string MainSchemaFile = "CustomizationsSolution.xsd";

    public static TolerantSchemaValidator Load(string schemaDirectory)
    {
        var main = Path.Combine(schemaDirectory, MainSchemaFile);
        if (!File.Exists(main))
            throw new FileNotFoundException($"{MainSchemaFile} not found in {schemaDirectory}.", main);
        var set = new XmlSchemaSet { XmlResolver = new XmlUrlResolver() };
        using (var reader = XmlReader.Create(main, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = new XmlUrlResolver() }))
            set.Add(null, reader);
        set.Compile();
        return new TolerantSchemaValidator(set);
    }

    /// <summary>Validates a copy of <paramref name="document"/>; line numbers in findings refer to <paramref name="fileName"/>.</summary>
    public IReadOnlyList<Finding> Validate(XDocument document, string fileName)
    {
        // Re-parse from text so line info is kept and the caller's document is never modified.
        var work = XDocument.Parse(document.ToString(SaveOptions.DisableFormatting));
        CopyLineNumbers(document, work);

        var warnings = new List<Finding>();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        for (var pass = 0; pass < MaxPasses; pass++)
        {
            var issues = new List<(XmlSeverityType Severity, string Message, XObject? Source)>();
            // XDocument validation passes the offending node as the sender.
            work.Validate(schemas, (sender, e) => issues.Add((e.Severity, e.Message, sender as XObject ?? (e.Exception as XmlSchemaValidationException)?.SourceObject as XObject)), addSchemaInfo: true);

            var changed = false;
            var errors = new List<Finding>();
            foreach (var (severity, message, source) in issues)
            {
                if (changed && source is not null && source.Document is null)
                    continue; // removed together with a peer earlier in this pass
                var location = Locate(fileName, source);
                if (TryTolerate(message, source, out var warning))
                {
                    if (warning is not null && reported.Add(warning.Message))
                        warnings.Add(warning with { Location = location });
                    changed = true;
                    continue;
                }

                errors.Add(new Finding(severity == XmlSeverityType.Error ? Severity.Error : Severity.Warning, "xsd", message, location));
            }

            if (!changed)
                return [.. warnings, .. errors];
        }

        return [.. warnings, new Finding(Severity.Error, "xsd", $"gave up after {MaxPasses} passes of tolerant schema validation", fileName)];
    }

    private bool TryTolerate(string message, XObject? source, out Finding? warning)
    {
        warning = null;
        switch (source)
        {
            case XAttribute attribute when message.Contains("attribute is not declared", StringComparison.Ordinal):
                warning = new Finding(Severity.Warning, "xsd-newer", $"attribute '{attribute.Name.LocalName}' on <{attribute.Parent?.Name.LocalName}> is not in the 9.0 schema (newer export format)");
                if (attribute.Parent is not null)
                {
                    // Same newer attribute on every element of the same kind: drop them all at once to keep passes few.
                    foreach (var peer in SameContext(attribute.Parent).Select(e => e.Attribute(attribute.Name)).OfType<XAttribute>().ToList())
                        peer.Remove();
                }

                return true;
            case XElement element when element.Parent is { } parent
                && (message.Contains("has invalid child element", StringComparison.Ordinal) || message.Contains("cannot contain child element", StringComparison.Ordinal)):
                var model = ContentModel(parent);
                if (model is null)
                    return false;
                if (!model.ContainsKey(element.Name.LocalName))
                {
                    warning = new Finding(Severity.Warning, "xsd-newer", $"<{element.Name.LocalName}> in <{parent.Name.LocalName}> is not in the 9.0 schema (newer export format)");
                    foreach (var peer in SameContext(parent).SelectMany(p => p.Elements(element.Name)).ToList())
                        peer.Remove();
                    return true;
                }

                var children = parent.Elements().ToList();
                var sorted = children.OrderBy(c => model.GetValueOrDefault(c.Name.LocalName, int.MaxValue)).ToList();
                if (children.SequenceEqual(sorted))
                    return false; // known element, right order: a real violation (e.g. too many occurrences)
                warning = new Finding(Severity.Warning, "xsd-order", $"children of <{parent.Name.LocalName}> are ordered as current exports order them, not as the 9.0 schema does");
                foreach (var peer in SameContext(parent).ToList())
                {
                    var peerChildren = peer.Elements().ToList();
                    var peerSorted = peerChildren.OrderBy(c => model.GetValueOrDefault(c.Name.LocalName, int.MaxValue)).ToList();
                    foreach (var child in peerChildren)
                        child.Remove();
                    peer.Add(peerSorted);
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>Elements with the same name, parent name and grandparent name: the same declaration in practice.</summary>
    private static IEnumerable<XElement> SameContext(XElement element) =>
        element.Document!.Descendants(element.Name).Where(e =>
            e.Parent?.Name == element.Parent?.Name && e.Parent?.Parent?.Name == element.Parent?.Parent?.Name);

    /// <summary>Child element names the parent's declared type allows, with their position in the content model.</summary>
    private static Dictionary<string, int>? ContentModel(XElement parent)
    {
        var info = parent.GetSchemaInfo();
        var type = info?.SchemaElement?.ElementSchemaType ?? info?.SchemaType;
        if (type is not XmlSchemaComplexType complex)
            return null;
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        Walk(complex.ContentTypeParticle, order);
        return order;
    }

    private static void Walk(XmlSchemaParticle? particle, Dictionary<string, int> order)
    {
        switch (particle)
        {
            case XmlSchemaElement element:
                order.TryAdd(element.QualifiedName.Name, order.Count);
                break;
            case XmlSchemaGroupBase group:
                foreach (var item in group.Items.OfType<XmlSchemaParticle>())
                    Walk(item, order);
                break;
        }
    }

    private static string Locate(string fileName, XObject? source)
    {
        var element = source as XElement ?? (source as XAttribute)?.Parent;
        var line = element?.Annotation<OriginalLine>()?.Line ?? 0;
        var name = source switch
        {
            XElement e => $"<{e.Name.LocalName}>",
            XAttribute a => $"@{a.Name.LocalName}",
            _ => null,
        };
        return line > 0 ? $"{fileName}:{line} {name}".TrimEnd() : $"{fileName} {name}".TrimEnd();
    }

    /// <summary>Keeps the caller's original line numbers when its document was loaded with line info.</summary>
    private static void CopyLineNumbers(XDocument original, XDocument work)
    {
        foreach (var (from, to) in original.Descendants().Zip(work.Descendants()))
        {
            if (((IXmlLineInfo)from).HasLineInfo())
                to.AddAnnotation(new OriginalLine(((IXmlLineInfo)from).LineNumber));
        }
    }

    private sealed record OriginalLine(int Line);
}
