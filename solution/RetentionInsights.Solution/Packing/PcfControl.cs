using System.Xml.Linq;

namespace RetentionInsights.Solution.Packing;

/// <summary>The PCF production build (pcf-scripts out dir): compiled manifest plus the resources it lists.</summary>
public sealed class PcfControl
{
    private PcfControl(string directory, XDocument manifest, string ns, string constructor, IReadOnlyList<string> resources)
    {
        Directory = directory;
        Manifest = manifest;
        Namespace = ns;
        Constructor = constructor;
        Resources = resources;
    }

    public string Directory { get; }
    public XDocument Manifest { get; }
    public string Namespace { get; }
    public string Constructor { get; }

    /// <summary>Paths relative to the out dir, as the manifest lists them (bundle.js, strings/X.1033.resx, css/...).</summary>
    public IReadOnlyList<string> Resources { get; }

    public string SolutionName(string prefix) => $"{prefix}_{Namespace}.{Constructor}";

    public static PcfControl Read(string directory)
    {
        var manifestPath = Path.Combine(directory, "ControlManifest.xml");
        if (!File.Exists(manifestPath))
            throw new FileNotFoundException($"The PCF production build is missing: {manifestPath} (run npm run build in pcf-controls/RetentionInsightsPanel).", manifestPath);
        var manifest = XDocument.Load(manifestPath);
        var control = manifest.Root?.Element("control") ?? throw new InvalidDataException($"{manifestPath} has no <manifest><control>.");
        var resources = control.Element("resources")?.Elements().Select(r => (string?)r.Attribute("path")).OfType<string>().ToList() ?? [];
        // Third-party notices the bundler extracted travel with the bundle, as in Microsoft's own PCF solution exports.
        resources.AddRange(System.IO.Directory.GetFiles(directory, "*.LICENSE.txt").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal));
        foreach (var resource in resources)
        {
            if (!File.Exists(Path.Combine(directory, resource)))
                throw new FileNotFoundException($"{manifestPath} lists {resource}, which the build did not produce.", Path.Combine(directory, resource));
        }

        return new PcfControl(directory, manifest, (string?)control.Attribute("namespace") ?? "", (string?)control.Attribute("constructor") ?? "", resources);
    }

    /// <summary>The manifest with the product version stamped in (control versions are three-part).</summary>
    public XDocument StampedManifest(Version version)
    {
        var copy = new XDocument(Manifest);
        copy.Root!.Element("control")!.SetAttributeValue("version", version.ToString(3));
        return copy;
    }
}
