namespace RetentionInsights.Solution.Validation;

/// <summary>
/// Standard tables that exist only where a Dynamics 365 app is installed, and the app's solution. A solution that adds
/// columns to them or registers steps on them depends on that app: the packer declares the dependency in solution.xml
/// (MissingDependencies) so the import names the missing app up front, and the validator warns when a zip does not.
/// </summary>
public static class FirstPartyTables
{
    public sealed record App(string Solution, string DisplayName);

    public static readonly App Sales = new("msdynce_Sales", "Dynamics 365 Sales");
    public static readonly App Service = new("msdynce_Service", "Dynamics 365 Customer Service");

    private static readonly Dictionary<string, (string DisplayName, App App)> Tables = new(StringComparer.OrdinalIgnoreCase)
    {
        ["incident"] = ("Case", Service),
        ["salesorder"] = ("Order", Sales),
        ["salesorderdetail"] = ("Order Product", Sales),
        ["invoice"] = ("Invoice", Sales),
        ["quote"] = ("Quote", Sales),
        ["opportunity"] = ("Opportunity", Sales),
    };

    public static bool TryFind(string? table, out string displayName, out App app)
    {
        if (table is not null && Tables.TryGetValue(table, out var entry))
        {
            (displayName, app) = entry;
            return true;
        }

        displayName = "";
        app = Sales;
        return false;
    }
}
