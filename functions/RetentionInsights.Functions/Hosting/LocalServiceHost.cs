using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RetentionInsights.Functions.Batch;
using RetentionInsights.Functions.Configuration;
using RetentionInsights.Functions.Http;
using RetentionInsights.Functions.Security;
using RetentionInsights.Functions.Stores;

namespace RetentionInsights.Functions.Hosting;

/// <summary>
/// Runs the app's HTTP functions on Kestrel without the Functions host (rtn serve, the demo, tests and benchmarks). Routes,
/// methods and names come from the [Function]/[HttpTrigger] attributes (<see cref="FunctionCatalog"/>), and each request
/// invokes the [Function] method itself, so both hosts run the same code. With no host in front, the key check is
/// <see cref="ApiKeyMiddleware"/>; the queue is in process (<see cref="InProcessQueueWorker"/>).
/// </summary>
public static class LocalServiceHost
{
    public const string RoutePrefix = "api";

    public static WebApplication Build(IReadOnlyDictionary<string, string?> settings, string? urls = null,
        Action<IServiceCollection>? configureServices = null, Action<IWebHostBuilder>? configureWebHost = null)
    {
        // No configuration reload: the service reads no appsettings file, and reloadOnChange put a file watcher on the
        // working folder, which woke on every write to a local org kept there (each event's ledger and score writes).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Configuration.AddInMemoryCollection(settings);
        if (urls is not null)
            builder.WebHost.UseUrls(urls);
        // The service checks target and header sizes itself, with problem details (RequestLimits); the server only stops far beyond.
        builder.WebHost.ConfigureKestrel(kestrel => RequestLimits.ApplyToServer(kestrel.Limits));
        configureWebHost?.Invoke(builder.WebHost);
        // Request-start logs include the query string, and Dataverse sends the key as ?code=: keep those at Warning.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // `rtn serve` prints its own banner once it listens; the host's start-up lines would only bury it.
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Services.AddRetentionServices(builder.Configuration);
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        Configure(app);
        return app;
    }

    private static void Configure(WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ServiceOptions>>().Value;
        // Before anything answers, so static preview files get them as well as the API.
        app.Use((context, next) =>
        {
            SecurityHeaders.Apply(context.Response, api: context.Request.Path.StartsWithSegments("/" + RoutePrefix));
            return next(context);
        });
        app.UseMiddleware<ProblemMiddleware>();
        if (options.DemoFolder is { } folder && Directory.Exists(folder))
        {
            // rtn serve --demo: the contact-form preview with the real PCF bundle at "/".
            var files = new PhysicalFileProvider(Path.GetFullPath(folder));
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }
        app.UseRouting();
        app.UseMiddleware<ApiKeyMiddleware>();
        foreach (var function in FunctionCatalog.Http)
        {
            app.MapMethods($"/{RoutePrefix}/{function.Route}", function.Methods!, Invoke(function))
                .WithName(function.Name);
        }
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RetentionInsights.Functions");
        logger.LogInformation("Scoring service using store {Store}, queue {Queue}", app.Services.GetRequiredService<IRetentionStore>().Kind,
            app.Services.GetRequiredService<IRescoreQueue>().Kind);
    }

    /// <summary>Calls the [Function] method: HttpRequest, route values by parameter name, and the request's cancellation token.</summary>
    private static RequestDelegate Invoke(FunctionEntry function)
    {
        // Constructor and parameters are looked up once per function, not by reflection on every request.
        var create = ActivatorUtilities.CreateFactory(function.Type, Type.EmptyTypes);
        var parameters = function.Method.GetParameters();
        return context => InvokeAsync(function, context, context.RequestServices.GetService(function.Type) ?? create(context.RequestServices, null),
            Array.ConvertAll(parameters, p => Argument(p, context)));
    }

    private static async Task InvokeAsync(FunctionEntry function, HttpContext context, object instance, object?[] arguments)
    {
        IActionResult result;
        try
        {
            result = await (Task<IActionResult>)function.Method.Invoke(instance, arguments)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
        await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
    }

    private static object? Argument(ParameterInfo parameter, HttpContext context)
    {
        if (parameter.ParameterType == typeof(HttpRequest))
            return context.Request;
        if (parameter.ParameterType == typeof(CancellationToken))
            return context.RequestAborted;
        if (parameter.ParameterType == typeof(string))
            return context.GetRouteValue(parameter.Name!)?.ToString() ?? string.Empty;
        throw new InvalidOperationException($"The local host cannot bind parameter '{parameter.Name}' of {parameter.Member.DeclaringType?.Name}.");
    }

    /// <summary>The repository root (the folder holding Extension.sln) above <paramref name="start"/>, if any.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Extension.sln")))
                return directory.FullName;
        }
        return null;
    }
}
