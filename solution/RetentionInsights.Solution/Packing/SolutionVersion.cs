using System.Xml.Linq;

namespace RetentionInsights.Solution.Packing;

/// <summary>
/// The one version of the product: &lt;Version&gt; in Directory.Build.props (also the plug-in assembly's version).
/// Dataverse wants four parts, so 1.0.0 becomes 1.0.0.0.
/// </summary>
public static class SolutionVersion
{
    public static Version Read(string buildPropsPath)
    {
        var document = XDocument.Load(buildPropsPath);
        var text = document.Descendants("Version").FirstOrDefault()?.Value.Trim()
            ?? throw new InvalidDataException($"{buildPropsPath} has no <Version> property.");
        return Parse(text, buildPropsPath);
    }

    public static Version Parse(string text, string source)
    {
        // A pre-release suffix (1.2.0-beta) is a NuGet idea; a solution version is numeric only.
        if (!Version.TryParse(text, out var version) || text.Contains('-', StringComparison.Ordinal))
            throw new InvalidDataException($"{source}: version '{text}' is not numeric (major.minor.build[.revision]).");
        return new Version(version.Major, version.Minor, Math.Max(version.Build, 0), Math.Max(version.Revision, 0));
    }

    /// <summary>Zip names use underscores: RetentionInsights_1_0_0_0_managed.zip, as Dataverse exports name them.</summary>
    public static string ForFileName(Version version) => version.ToString(4).Replace('.', '_');
}
