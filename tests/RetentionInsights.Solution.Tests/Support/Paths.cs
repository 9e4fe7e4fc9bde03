namespace RetentionInsights.Solution.Tests.Support;

/// <summary>Repository and shared-data locations as the tests see them (RTN_SHARED_DIR first, then a sibling "shared").</summary>
internal static class Paths
{
    public static string RepositoryRoot { get; } = FindUp(AppContext.BaseDirectory, dir => File.Exists(Path.Combine(dir, "Extension.sln")))
        ?? throw new InvalidOperationException("Extension.sln not found above the test's base directory.");

    public static string SharedDirectory { get; } = FindShared();

    public static string SchemaDirectory => Path.Combine(SharedDirectory, "data", "crm-schemas");

    public static string SampleSolutions => Path.Combine(SharedDirectory, "data", "dataverse-solutions");

    private static string FindShared()
    {
        if (Environment.GetEnvironmentVariable("RTN_SHARED_DIR") is { Length: > 0 } fromEnvironment && Directory.Exists(fromEnvironment))
            return fromEnvironment;
        var parent = FindUp(AppContext.BaseDirectory, dir => Directory.Exists(Path.Combine(dir, "shared", "data")));
        return parent is null
            ? throw new InvalidOperationException("The shared data folder was not found: set RTN_SHARED_DIR (./test.sh does).")
            : Path.Combine(parent, "shared");
    }

    private static string? FindUp(string start, Func<string, bool> found)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (found(dir.FullName))
                return dir.FullName;
        }

        return null;
    }
}
