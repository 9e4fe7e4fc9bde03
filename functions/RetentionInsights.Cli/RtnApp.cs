using System.CommandLine;

namespace RetentionInsights.Cli;

/// <summary>The `rtn` command tree. Each verb lives in its own *Command type; this only assembles them.</summary>
public static class RtnApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("rtn: Retention Insights for Dynamics 365 on the embedded local org or a Dataverse environment.");
        foreach (var command in Commands())
            root.Subcommands.Add(command);
        return await root.Parse(args).InvokeAsync();
    }

    private static IEnumerable<Command> Commands()
    {
        yield break;
    }
}
