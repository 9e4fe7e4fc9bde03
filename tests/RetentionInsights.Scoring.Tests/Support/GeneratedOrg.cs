using RetentionInsights.Data.Generation;
using RetentionInsights.Data.Reading;

namespace RetentionInsights.Scoring.Tests.Support;

/// <summary>A generated local org with its planted truth, created once per test run in a temporary folder.</summary>
public sealed class GeneratedOrg : IDisposable
{
    public static readonly DateTime Until = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime TruthAsOf = new(2026, 8, 1, 0, 0, 0, DateTimeKind.Utc);
    public const int Horizon = 90;

    public GeneratedOrg()
        : this(int.TryParse(Environment.GetEnvironmentVariable("RTN_ENGINE_TEST_CONTACTS"), out var n) ? n : 6000)
    {
    }

    /// <summary>An org of <paramref name="contacts"/> contacts exported in <paramref name="mode"/>, on <paramref name="exportAt"/> (default: the end).</summary>
    public GeneratedOrg(int contacts, ExportMode mode = ExportMode.Standard, DateTime? exportAt = null, bool truth = true, int seed = 11)
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rtn-engine-tests-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        DbPath = System.IO.Path.Combine(Directory, "org.db");
        Summary = OrgGenerator.Generate(DbPath, new GeneratorOptions
        {
            Contacts = contacts,
            Seed = seed,
            Until = Until,
            TruthAsOf = truth ? TruthAsOf : null,
            TruthHorizonDays = Horizon,
            ExportMode = mode,
            ExportAt = exportAt,
        });
        Data = new LocalOrgReader().ReadAll(DbPath);
    }

    public string Directory { get; }
    public string DbPath { get; }
    public GenerationSummary Summary { get; }
    public OrgData Data { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
