namespace RetentionInsights.Solution.Validation;

/// <summary>
/// Finds the official customization schemas. They are Microsoft's files and are not shipped with the product; on a
/// development machine they sit in the shared data folder (RTN_SHARED_DIR, or a "shared" folder beside the repository).
/// </summary>
public static class SchemaLocator
{
    public const string EnvironmentVariable = "RTN_CRM_SCHEMAS";

    public static string? Find(string? startDirectory = null)
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } explicitDir && Has(explicitDir))
            return explicitDir;
        if (Environment.GetEnvironmentVariable("RTN_SHARED_DIR") is { Length: > 0 } shared && Has(Path.Combine(shared, "data", "crm-schemas")))
            return Path.Combine(shared, "data", "crm-schemas");
        foreach (var start in new[] { startDirectory, AppContext.BaseDirectory, Directory.GetCurrentDirectory() }.OfType<string>())
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "data", "crm-schemas");
                if (Has(candidate))
                    return candidate;
            }
        }

        return null;
    }

    private static bool Has(string dir) => File.Exists(Path.Combine(dir, TolerantSchemaValidator.MainSchemaFile));
}
