namespace RetentionInsights.Plugins.Tests;

/// <summary>Where the repository and the shared read-only material are, from the test's base directory.</summary>
public static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>RTN_SHARED_DIR (set by ./test.sh), else a "shared" folder beside an ancestor of the test directory.</summary>
    public static string SharedDirectory { get; } = FindShared();

    public static string XrmSdkListing => Path.Combine(SharedDirectory, "xrm-sdk", "Microsoft.Xrm.Sdk.api.txt");

    public static string PluginProjectDirectory => Path.Combine(RepositoryRoot, "plugins", "RetentionInsights.Plugins");

    public static string RegistrationManifest => Path.Combine(PluginProjectDirectory, "registrations.json");

    /// <summary>The net462 Release build: the DLL Dataverse would load and the solution packer ships.</summary>
    public static string Net462PluginAssembly =>
        Path.Combine(PluginProjectDirectory, "bin", "Release", "net462", "RetentionInsights.Plugins.dll");

    public static string Net462StandInAssembly =>
        Path.Combine(RepositoryRoot, "plugins", "XrmSdk.StandIn", "bin", "Release", "net462", "Microsoft.Xrm.Sdk.dll");

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Extension.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Extension.sln above {AppContext.BaseDirectory}.");
    }

    private static string FindShared()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("RTN_SHARED_DIR");
        if (!string.IsNullOrEmpty(fromEnvironment) && Directory.Exists(fromEnvironment))
        {
            return fromEnvironment;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(Path.Combine(candidate, "xrm-sdk")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("The shared folder (../shared) was not found; set RTN_SHARED_DIR.");
    }
}
