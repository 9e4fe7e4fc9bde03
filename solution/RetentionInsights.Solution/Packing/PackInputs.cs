namespace RetentionInsights.Solution.Packing;

/// <summary>Where the packer finds its inputs; defaults follow the repository layout.</summary>
public sealed record PackInputs
{
    public required string SourceDirectory { get; init; }
    public required string VersionFile { get; init; }
    public required string RegistrationsPath { get; init; }
    public required string PluginAssemblyPath { get; init; }
    public required string PcfOutputDirectory { get; init; }

    public static PackInputs FromRepository(string root) => new()
    {
        SourceDirectory = Path.Combine(root, "solution", "src"),
        VersionFile = Path.Combine(root, "Directory.Build.props"),
        RegistrationsPath = Path.Combine(root, "plugins", "RetentionInsights.Plugins", "registrations.json"),
        PluginAssemblyPath = Path.Combine(root, "plugins", "RetentionInsights.Plugins", "bin", "Release", "net462", "RetentionInsights.Plugins.dll"),
        PcfOutputDirectory = Path.Combine(root, "pcf-controls", "RetentionInsightsPanel", "out", "controls", "RetentionInsightsPanel"),
    };
}
