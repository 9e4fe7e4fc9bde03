using System.CommandLine;
using System.Reflection;

namespace RetentionInsights.Cli;

/// <summary>A group of `rtn` verbs. Each area (data, engine, warnings, service, solution) adds one class in Commands/.</summary>
public interface IVerbGroup
{
    IEnumerable<Command> Create();
}

/// <summary>The `rtn` command tree: assembles every <see cref="IVerbGroup"/> in this assembly.</summary>
public static class RtnApp
{
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("rtn: Retention Insights for Dynamics 365 on the embedded local org or a Dataverse environment.");
        var groups = typeof(RtnApp).Assembly.GetTypes()
            .Where(t => typeof(IVerbGroup).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (IVerbGroup)Activator.CreateInstance(t)!);
        foreach (var command in groups.SelectMany(g => g.Create()).OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            // Areas may share a parent verb ("bench engine", "bench service"): merge their subcommands under one parent.
            if (root.Subcommands.FirstOrDefault(c => c.Name == command.Name) is { } existing && command.Subcommands.Count > 0)
            {
                foreach (var sub in command.Subcommands.ToList())
                    existing.Subcommands.Add(sub);
                continue;
            }
            root.Subcommands.Add(command);
        }
        return root;
    }

    public static Task<int> RunAsync(string[] args) => BuildRoot().Parse(args).InvokeAsync();
}
