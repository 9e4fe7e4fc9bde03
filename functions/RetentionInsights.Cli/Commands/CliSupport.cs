using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RetentionInsights.Cli.Commands;

/// <summary>Shared CLI plumbing: JSON output, date parsing, and turning bad input into exit code 2 with a message.</summary>
public static class CliSupport
{
    public const int BadInput = 2;

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>A Spectre console on the current stdout (resolved per call so redirection in tests and pipes is honoured).</summary>
    public static Spectre.Console.IAnsiConsole Stdout() =>
        Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(Console.Out) });

    /// <summary>A Spectre console on stderr, for progress bars that must not pollute --json output.</summary>
    public static Spectre.Console.IAnsiConsole Stderr() =>
        Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(Console.Error) });

    public static void WriteJson<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));

    public static DateTime ParseDate(string value, string option)
    {
        if (DateTime.TryParseExact(value, ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
            return parsed;
        throw new CliInputException($"{option}: '{value}' is not a date; use yyyy-MM-dd (e.g. 2026-11-01).");
    }

    /// <summary>Runs a verb body; expected input problems print one clear line to stderr and return exit code 2.</summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is CliInputException or ArgumentException or IOException or InvalidDataException or FormatException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
    }
}

/// <summary>Input the user can fix: reported as one line, exit code 2.</summary>
public sealed class CliInputException(string message) : Exception(message);
