using Microsoft.Data.Sqlite;
using RetentionInsights.Data.Alerts;
using RetentionInsights.Data.Generation;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Scoring.EarlyWarning;
using RetentionInsights.Scoring.Sentiment;
using Xunit.Abstractions;
using RetentionInsights.Functions.EarlyWarning;

namespace RetentionInsights.Scoring.Tests.EarlyWarning;

/// <summary>A small generated org (planted churn with negative tone before leaving), shared by the tests in this class.</summary>
public sealed class SmallGeneratedOrg : IDisposable
{
    public SmallGeneratedOrg()
    {
        Directory = Path.Combine(Path.GetTempPath(), "rtn-ew-gen-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        DbPath = Path.Combine(Directory, "org.db");
        OrgGenerator.Generate(DbPath, new GeneratorOptions { Contacts = 3000, Seed = 42 });
    }

    public string Directory { get; }
    public string DbPath { get; }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public sealed class GeneratedOrgEarlyWarningTests(SmallGeneratedOrg org, ITestOutputHelper output) : IClassFixture<SmallGeneratedOrg>
{
    private static readonly DateTime[] AsOfDates =
    [
        new(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc), new(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc), new(2026, 8, 1, 0, 0, 0, DateTimeKind.Utc),
    ];

    private static WarningScanRunner Runner() => new(new EarlyWarningScanner(new OfflineSentimentAnalyzer(), new EarlyWarningEvaluator()));

    [Fact]
    public async Task Evaluate_GeneratedOrg_HigherLevelsPointAtChurnMoreOftenThanChance()
    {
        using var connection = LocalOrgDatabase.OpenExisting(org.DbPath, readOnly: true);

        var report = await Runner().EvaluateAsync(new AlertStore(connection), AsOfDates, horizonDays: 60);

        foreach (var level in report.Overall.Levels)
            output.WriteLine($"{level.MinimumLevel}: alerts {level.Alerts} precision {level.Precision} recall {level.Recall} lift {level.Lift}");
        var yellow = report.Overall.Levels.Single(l => l.MinimumLevel == "Yellow+");
        var orange = report.Overall.Levels.Single(l => l.MinimumLevel == "Orange+");
        Assert.True(report.Overall.Churners > 100, $"only {report.Overall.Churners} churners: the fixture is too small to judge");
        Assert.True(yellow.Lift >= 1.5, $"Yellow+ lift {yellow.Lift}");
        Assert.True(orange.Lift >= 2, $"Orange+ lift {orange.Lift}");
        // A more severe level must be right at least as often; with ~150 Orange alerts on this small org the comparison
        // allows two standard errors of the Orange precision so sampling noise alone cannot fail it.
        var orangePrecision = orange.Precision ?? 0;
        var orangeSe = Math.Sqrt(orangePrecision * (1 - orangePrecision) / Math.Max(1, orange.Alerts));
        Assert.True(orangePrecision >= (yellow.Precision ?? 0) - 2 * orangeSe,
            $"Orange+ precision {orange.Precision} is below Yellow+ {yellow.Precision} by more than two standard errors ({orangeSe:0.000})");
        Assert.True(orange.Alerts < yellow.Alerts / 2, "Orange must be a minority of alerts or it stops meaning anything");
    }

    [Fact]
    public async Task Evaluate_HorizonBeyondTheHistory_IsRefused()
    {
        using var connection = LocalOrgDatabase.OpenExisting(org.DbPath, readOnly: true);
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            Runner().EvaluateAsync(new AlertStore(connection), [new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc)], 60));
        Assert.Contains("not observed", error.Message);
    }

    [Fact]
    public async Task Scan_SameOrgTwice_KeepsAtMostOneOpenAlertPerCustomer()
    {
        var copy = Path.Combine(org.Directory, "scan-" + Guid.NewGuid().ToString("N") + ".db");
        File.Copy(org.DbPath, copy);
        using var connection = LocalOrgDatabase.OpenExisting(copy);
        var store = new AlertStore(connection);
        var runner = Runner();

        var first = await runner.ScanAsync(store, AsOfDates[2]);
        var second = await runner.ScanAsync(store, AsOfDates[2].AddDays(3));

        Assert.True(first.Created.Total > 20, $"{first.Created.Total} alerts on a generated org with planted churn");
        Assert.True(second.AlreadyOpen.Total > 0);
        var open = store.All().Where(a => a.Status != RetentionInsights.Data.Metadata.Names.Choices.AlertResolved).ToList();
        Assert.Equal(open.Count, open.Select(a => a.ContactId).Distinct().Count());
        Assert.Equal(first.Created.Total + second.Created.Total, store.All().Count);
        Assert.All(open, a => Assert.False(string.IsNullOrWhiteSpace(a.Signals)));
    }
}
