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
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rtn-engine-tests-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        DbPath = System.IO.Path.Combine(Directory, "org.db");
        var contacts = int.TryParse(Environment.GetEnvironmentVariable("RTN_ENGINE_TEST_CONTACTS"), out var n) ? n : 6000;
        Summary = OrgGenerator.Generate(DbPath, new GeneratorOptions { Contacts = contacts, Seed = 11, Until = Until, TruthAsOf = TruthAsOf, TruthHorizonDays = Horizon });
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
