using RetentionInsights.Cli;

namespace RetentionInsights.Cli.Tests;

/// <summary>Console redirection is process-wide, so every CLI test runs in this one serial collection.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection
{
    public const string Name = "cli";
}

public sealed record CliResult(int ExitCode, string Stdout, string Stderr);

public static class CliRunner
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            var code = await RtnApp.RunAsync(args);
            return new CliResult(code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }
}
