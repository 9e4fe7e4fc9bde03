using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace RetentionInsights.Functions.Hosting;

/// <summary>One function of the app as its attributes declare it: what the Functions host reads (via functions.metadata).</summary>
public sealed record FunctionEntry(
    string Name,
    Type Type,
    MethodInfo Method,
    string Trigger,
    string? Route = null,
    IReadOnlyList<string>? Methods = null,
    AuthorizationLevel? AuthLevel = null,
    string? QueueName = null,
    string? Connection = null,
    string? Schedule = null);

/// <summary>
/// The app's functions read from their [Function] and trigger attributes — the single source of the route table: the
/// SDK generates functions.metadata from the same attributes for Azure, and the local host maps its routes from this.
/// </summary>
public static class FunctionCatalog
{
    public const string HttpTrigger = "httpTrigger";
    public const string TimerTrigger = "timerTrigger";
    public const string QueueTrigger = "queueTrigger";

    public static IReadOnlyList<FunctionEntry> All { get; } = Discover(typeof(FunctionCatalog).Assembly);

    public static IReadOnlyList<FunctionEntry> Http => All.Where(f => f.Trigger == HttpTrigger).ToList();

    public static IReadOnlyList<FunctionEntry> Discover(Assembly assembly) =>
        assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(m => (t, m)))
            .Select(x => (x.t, x.m, function: x.m.GetCustomAttribute<FunctionAttribute>()))
            .Where(x => x.function is not null)
            .Select(x => Describe(x.function!.Name, x.t, x.m))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();

    private static FunctionEntry Describe(string name, Type type, MethodInfo method)
    {
        foreach (var parameter in method.GetParameters())
        {
            if (parameter.GetCustomAttribute<HttpTriggerAttribute>() is { } http)
                return new FunctionEntry(name, type, method, HttpTrigger, http.Route, http.Methods?.Select(m => m.ToUpperInvariant()).ToList() ?? [],
                    http.AuthLevel);
            if (parameter.GetCustomAttribute<TimerTriggerAttribute>() is { } timer)
                return new FunctionEntry(name, type, method, TimerTrigger, Schedule: timer.Schedule);
            if (parameter.GetCustomAttribute<QueueTriggerAttribute>() is { } queue)
                return new FunctionEntry(name, type, method, QueueTrigger, QueueName: queue.QueueName, Connection: queue.Connection);
        }
        throw new InvalidOperationException($"Function {name} has no trigger parameter this app knows (HTTP, timer, queue).");
    }
}
