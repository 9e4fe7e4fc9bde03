using System.Diagnostics;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Solution.Validation;

namespace RetentionInsights.Solution.Tests.Support;

/// <summary>
/// Runs solution/build.sh once for the whole test run into a temporary folder, exactly as ./test.sh and ./demo.sh do:
/// it builds the net462 plug-in and the PCF bundle only when they are older than their sources, then packs.
/// </summary>
public sealed class PackedSolution : IDisposable
{
    public PackedSolution()
    {
        OutputDirectory = Directory.CreateTempSubdirectory("rtn-solution-").FullName;
        var start = new ProcessStartInfo("bash", [Path.Combine(Paths.RepositoryRoot, "solution", "build.sh"), OutputDirectory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["RTN_SHARED_DIR"] = Paths.SharedDirectory;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        BuildLog = stderr.Result;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"solution/build.sh failed ({process.ExitCode}):\n{BuildLog}");
        var zips = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        UnmanagedZip = zips.Single(z => !z.EndsWith("_managed.zip", StringComparison.Ordinal));
        ManagedZip = zips.Single(z => z.EndsWith("_managed.zip", StringComparison.Ordinal));
    }

    public string OutputDirectory { get; }
    public string UnmanagedZip { get; }
    public string ManagedZip { get; }
    public string BuildLog { get; }

    public static string PluginDll => Path.Combine(Paths.RepositoryRoot, "plugins", "RetentionInsights.Plugins", "bin", "Release", "net462", "RetentionInsights.Plugins.dll");

    public static string PcfOutput => Path.Combine(Paths.RepositoryRoot, "pcf-controls", "RetentionInsightsPanel", "out", "controls", "RetentionInsightsPanel");

    public static string Registrations => Path.Combine(Paths.RepositoryRoot, "plugins", "RetentionInsights.Plugins", "registrations.json");

    public static SolutionValidator Validator(bool? expectManaged = null) => new(new ValidationOptions
    {
        SchemaDirectory = Paths.SchemaDirectory,
        ExpectManaged = expectManaged,
        KnownColumns = ExternalColumns.FromDataModel(DataModel.Current),
    });

    public void Dispose() => Directory.Delete(OutputDirectory, recursive: true);
}

[CollectionDefinition(Name)]
public sealed class PackedSolutionCollection : ICollectionFixture<PackedSolution>
{
    public const string Name = "packed solution";
}
