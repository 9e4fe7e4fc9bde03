namespace RetentionInsights.Functions.Configuration;

/// <summary>
/// Settings of the scoring service, bound from configuration section "Retention" and the well-known environment variables
/// (RTN_API_KEY, RTN_DB, RTN_MODELS, DATAVERSE_URL, ...). Azure app settings use "Retention__X" or the RTN_ names.
/// </summary>
public sealed class ServiceOptions
{
    public const string Section = "Retention";

    /// <summary>Accepted API keys (primary, and an optional secondary during rotation). Never logged.</summary>
    public List<string> ApiKeys { get; } = [];

    /// <summary>Path of the SQLite local org; used when <see cref="DataverseUrl"/> is not set.</summary>
    public string? LocalOrgPath { get; set; }

    /// <summary>Folder model store (local). Ignored when <see cref="ModelContainerUri"/> is set.</summary>
    public string? ModelsPath { get; set; }

    /// <summary>Environment URL, e.g. https://contoso.crm4.dynamics.com. When set, the Web API store is used.</summary>
    public Uri? DataverseUrl { get; set; }

    /// <summary>Blob container for model versions (managed identity), e.g. https://acct.blob.core.windows.net/models.</summary>
    public Uri? ModelContainerUri { get; set; }

    /// <summary>Blob container for service state: event ledger and batch checkpoints.</summary>
    public Uri? StateContainerUri { get; set; }

    /// <summary>Storage queue for rescoring chunks; unset = in-process queue.</summary>
    public Uri? RescoreQueueUri { get; set; }

    /// <summary>Storage connection string for development (Azurite). In Azure the URIs above are used with managed identity.</summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>Client id of the user-assigned managed identity (Azure); null = default credential chain.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Allowed x-ms-dynamics-organization hosts; empty = any (the key still has to match).</summary>
    public List<string> AllowedOrganizations { get; } = [];

    public int ChunkSize { get; set; } = 500;

    /// <summary>
    /// How often a chunk records its progress (contacts); a crash re-scores at most this many. It is also the unit of
    /// reading, so it matches the Web API store's contacts per filtered query (one set of table queries per checkpoint).
    /// </summary>
    public int CheckpointEvery { get; set; } = 150;

    /// <summary>Fixed "today" for scoring (tests, demos on generated data); null = now (UTC).</summary>
    public DateTime? AsOf { get; set; }

    /// <summary>Largest webhook body accepted (Dataverse truncates at 256 KB; the envelope adds a little).</summary>
    public int MaxEventBodyBytes { get; set; } = 512 * 1024;

    public int MaxJsonBodyBytes { get; set; } = 16 * 1024;

    /// <summary>Serve the PCF preview harness folder at "/" (rtn serve --demo).</summary>
    public string? DemoFolder { get; set; }

    /// <summary>Language of the reason texts written to the score columns: en (default) or nl.</summary>
    public string Language { get; set; } = "en";

    /// <summary>
    /// Days message-derived data (the signals and sentiment of retention alerts) is kept; the nightly run clears it on older
    /// alerts. 0 keeps it (not recommended; see the admin guide's data-protection section).
    /// </summary>
    public int MessageDataRetentionDays { get; set; } = 90;

    /// <summary>
    /// Webhook events processed at once by this instance (<see cref="Events.EventAdmission"/>); the others wait in arrival
    /// order. Null: the number of cores with the local org, whose reads, writes and scoring all run on this instance's CPU;
    /// no limit (0) with Dataverse, where an event mostly waits for the Web API (which has its own cap on requests in flight).
    /// </summary>
    public int? MaxConcurrentEvents { get; set; }

    /// <summary>The limit in force: <see cref="MaxConcurrentEvents"/> or its default; 0 is no limit.</summary>
    public int EventsAtOnce => MaxConcurrentEvents ?? (UsesDataverse ? 0 : Environment.ProcessorCount);

    public bool UsesDataverse => DataverseUrl is not null;
}
