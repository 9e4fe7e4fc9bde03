using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace RetentionInsights.Functions.Hosting;

/// <summary>Builds the service outside the Functions host (rtn serve, rtn bench service) exactly as Program does.</summary>
public static class ServiceHost
{
    public static WebApplication Build(IReadOnlyDictionary<string, string?> settings, string? urls = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddInMemoryCollection(settings);
        if (urls is not null)
            builder.WebHost.UseUrls(urls);
        builder.AddRetentionService();
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseRetentionService();
        return app;
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
