using System.Globalization;
using Microsoft.Extensions.Configuration;
using RetentionInsights.Functions.Configuration;

namespace RetentionInsights.Functions.Hosting;

/// <summary>Reads <see cref="ServiceOptions"/> from the "Retention" section and the RTN_* / DATAVERSE_URL variables.</summary>
public static class ServiceOptionsLoader
{
    public static void Load(IConfiguration configuration, ServiceOptions options)
    {
        var section = configuration.GetSection(ServiceOptions.Section);
        foreach (var key in new[] { configuration["RTN_API_KEY"], configuration["RTN_API_KEY_SECONDARY"], section["ApiKey"], section["SecondaryApiKey"] })
        {
            if (!string.IsNullOrWhiteSpace(key))
                options.ApiKeys.Add(key.Trim());
        }
        options.LocalOrgPath = section["LocalOrgPath"] ?? configuration["RTN_DB"] ?? options.LocalOrgPath;
        options.ModelsPath = section["ModelsPath"] ?? configuration["RTN_MODELS"] ?? options.ModelsPath;
        options.DataverseUrl = Uri(section["DataverseUrl"] ?? configuration["DATAVERSE_URL"], "DataverseUrl") ?? options.DataverseUrl;
        options.ModelContainerUri = Uri(section["ModelContainerUri"], "ModelContainerUri") ?? options.ModelContainerUri;
        options.StateContainerUri = Uri(section["StateContainerUri"], "StateContainerUri") ?? options.StateContainerUri;
        options.RescoreQueueUri = Uri(section["RescoreQueueUri"], "RescoreQueueUri") ?? options.RescoreQueueUri;
        options.StorageConnectionString = section["StorageConnectionString"] ?? options.StorageConnectionString;
        options.ManagedIdentityClientId = section["ManagedIdentityClientId"] ?? configuration["AZURE_CLIENT_ID"] ?? options.ManagedIdentityClientId;
        options.DemoFolder = section["DemoFolder"] ?? options.DemoFolder;
        if ((section["AsOf"] ?? configuration["RTN_AS_OF"]) is { Length: > 0 } asOf)
            options.AsOf = DateTime.Parse(asOf, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        if (int.TryParse(section["ChunkSize"], CultureInfo.InvariantCulture, out var chunk))
            options.ChunkSize = chunk;
        if (int.TryParse(section["CheckpointEvery"], CultureInfo.InvariantCulture, out var every))
            options.CheckpointEvery = every;
        if (section["MessageDataRetentionDays"] is { Length: > 0 } retention)
            options.MessageDataRetentionDays = int.TryParse(retention, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days <= 3650
                ? days
                : throw new InvalidOperationException($"Retention:MessageDataRetentionDays must be a whole number of days from 0 to 3650; got '{retention}'.");
        if (section["MaxConcurrentEvents"] is { Length: > 0 } events)
            options.MaxConcurrentEvents = int.TryParse(events, NumberStyles.None, CultureInfo.InvariantCulture, out var atOnce) && atOnce <= 1024
                ? atOnce
                : throw new InvalidOperationException($"Retention:MaxConcurrentEvents must be a whole number from 0 (no limit) to 1024; got '{events}'.");
        foreach (var org in (section["AllowedOrganizations"] ?? string.Empty).Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            options.AllowedOrganizations.Add(org);
        if (section["Language"] is { Length: > 0 } language)
            options.Language = language is "en" or "nl" ? language
                : throw new InvalidOperationException($"Retention:Language must be en or nl; got '{language}'.");
    }

    private static Uri? Uri(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        return System.Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == "https" || uri?.IsLoopback == true
            ? uri
            : throw new InvalidOperationException($"Setting Retention:{name} must be an absolute https URL; got '{value}'.");
    }
}
